"""The URL matrix's rows for epidemic/: weekly reports of care homes and their follow-ups.

inst1 files its own home's report and reads its follow-up; town1 files for its township's
homes; the county for every home. town2 gets 404 for institution1's objects; the 三员 get the
lists empty, 404 for objects, and 403 for the county picture (as institution staff do).
"""

from django.utils import timezone

from epidemic import services
from epidemic.models import week_label, week_of
from tests.epidemic.factories import WeeklyReportFactory
from tests.security.table import NONE, K

WEEK = K(week="@epidemic_week")

# fmt: off
URLS = {
    # name                                 kwargs                                          anon i1   t1   t2   off  adm  sys  sec  aud
    "epidemic:index":                      (NONE,                                          "L    200  200  200  200  200  200  200  200"),
    "epidemic:week":                       (WEEK,                                          "L    200  200  200  200  200  200  200  200"),
    "epidemic:county":                     (NONE,                                          "L    403  200  200  200  200  403  403  403"),
    "epidemic:county_week":                (WEEK,                                          "L    403  200  200  200  200  403  403  403"),
    "epidemic:county_xlsx":                (WEEK,                                          "L    403  200  200  200  200  403  403  403"),
    "epidemic:file":                       (K(institution_pk="@institution1", week="@epidemic_week"), "L    200  200  404  200  200  404  404  404"),
    "epidemic:report":                     (K(pk="@epidemic_report"),                      "L    200  200  404  200  200  404  404  404"),
    "epidemic:institution":                (K(pk="@institution1"),                         "L    200  200  404  200  200  404  404  404"),
    "epidemic:follow_ups":                 (NONE,                                          "L    200  200  200  200  200  200  200  200"),
    "epidemic:follow_up":                  (K(pk="@epidemic_follow_up"),                   "L    200  200  404  200  200  404  404  404"),
}

ADMIN_MODELS = {
    #                                    changelist            add
    # model                              adm  sys  sec  aud    adm  sys  sec  aud
    "epidemic.followup":               ("403  403  403  403", "403  403  403  403"),
    "epidemic.weeklyreport":           ("403  403  403  403", "403  403  403  403"),
}
# fmt: on


def populate(w, users, outside):
    week = week_of(timezone.localdate())
    w.epidemic_week = week_label(week)
    w.epidemic_report = WeeklyReportFactory(
        institution=w.institution1,
        week=week,
        residents_positive=2,
        hospital="县医院感染科丙",
        sent_to_hospital=1,
        notes="阳性老人单独隔离于三号楼丁",
        submitted_by=users["inst1"],
    )
    w.epidemic_follow_up = services.open_follow_up(
        w.epidemic_report, w.epidemic_report.submitted_at
    )
    outside += [w.epidemic_report.notes, w.epidemic_report.hospital]
