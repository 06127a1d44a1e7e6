"""The URL matrix's rows for the people found in a village (主动发现): reported by a village
worker or the township, answered by the township; the county reads them and reports none.
(The village worker's own walk of every URL is tests/security/test_village_worker.py.)"""

from django.utils import timezone

from relief import services
from tests.security.table import NONE, K

# fmt: off
URLS = {
    # name                                 kwargs                                          anon i1   t1   t2   off  adm  sys  sec  aud
    "relief:found_reports":                (NONE,                                          "L    403  200  200  200  200  403  403  403"),
    "relief:found_report_new":             (NONE,                                          "L    403  200  200  403  403  403  403  403"),
    "relief:found_report":                 (K(pk="@found_report"),                         "L    404  200  404  200  200  404  404  404"),
    "relief:found_report_handle":          (K(pk="@found_report"),                         "L    405  405  405  405  405  405  405  405"),
}

ADMIN_MODELS = {
    #                                    changelist            add
    # model                              adm  sys  sec  aud    adm  sys  sec  aud
    "relief.foundreport":              ("403  403  403  403", "403  403  403  403"),
}
# fmt: on


def populate(w, users, outside):
    w.found_report = services.report_found(
        user=users["town1"],
        village="王庄村",
        name="发现人钱九",
        address="王庄村七组",
        found_on=timezone.localdate(),
        situation="独居无取暖设备，咳嗽不止",
        is_urgent=True,
    )
    outside += [w.found_report.name, w.found_report.situation]
