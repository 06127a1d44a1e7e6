"""The URL matrix's rows for preparedness/: plans, supplies, drills, responsibility.

Every write is open to the three business roles within their scope (inst1 for its own
institution, town1 for its township, the county); town2 gets 404 for institution1's
objects; the 三员 get the lists empty, 404 for objects and 403 for the lists' .xlsx, as
they see no institution. The .xlsx sent to town2 must not name institution1's rows.
"""

from django.utils import timezone

from preparedness import services
from preparedness.models import MovementKind
from tests.preparedness.factories import (
    DrillFactory,
    PlanFactory,
    ResponsibilityFactory,
    SupplyFactory,
    stored_pdf,
)
from tests.security.table import NONE, K

# fmt: off
URLS = {
    # name                                 kwargs                                          anon i1   t1   t2   off  adm  sys  sec  aud
    "preparedness:index":                  (NONE,                                          "L    200  200  200  200  200  200  200  200"),
    "preparedness:plans_xlsx":             (NONE,                                          "L    200  200  200  200  200  403  403  403"),
    "preparedness:institution":            (K(pk="@institution1"),                         "L    200  200  404  200  200  404  404  404"),
    "preparedness:plan_new":               (K(pk="@institution1", kind="fire"),            "L    200  200  404  200  200  404  404  404"),
    "preparedness:plan":                   (K(pk="@plan"),                                 "L    200  200  404  200  200  404  404  404"),
    "preparedness:plan_document":          (K(pk="@plan"),                                 "L    200  200  404  200  200  404  404  404"),
    "preparedness:supplies":               (NONE,                                          "L    200  200  200  200  200  200  200  200"),
    "preparedness:supplies_xlsx":          (NONE,                                          "L    200  200  200  200  200  403  403  403"),
    "preparedness:supply":                 (K(pk="@supply"),                               "L    200  200  404  200  200  404  404  404"),
    "preparedness:supply_new":             (K(pk="@institution1"),                         "L    200  200  404  200  200  404  404  404"),
    "preparedness:supply_edit":            (K(pk="@supply"),                               "L    200  200  404  200  200  404  404  404"),
    "preparedness:drills":                 (NONE,                                          "L    200  200  200  200  200  200  200  200"),
    "preparedness:drills_xlsx":            (NONE,                                          "L    200  200  200  200  200  403  403  403"),
    "preparedness:not_drilled":            (NONE,                                          "L    200  200  200  200  200  200  200  200"),
    "preparedness:not_drilled_xlsx":       (NONE,                                          "L    200  200  200  200  200  403  403  403"),
    "preparedness:drill_new":              (K(pk="@institution1"),                         "L    200  200  404  200  200  404  404  404"),
    "preparedness:drill":                  (K(pk="@drill"),                                "L    200  200  404  200  200  404  404  404"),
    "preparedness:responsibility":         (NONE,                                          "L    200  200  200  200  200  200  200  200"),
    "preparedness:responsibility_xlsx":    (NONE,                                          "L    200  200  200  200  200  403  403  403"),
    "preparedness:responsibility_edit":    (K(pk="@institution1", year="@this_year"),      "L    200  200  404  200  200  404  404  404"),
    "preparedness:responsibility_letter":  (K(pk="@responsibility"),                       "L    200  200  404  200  200  404  404  404"),
}

ADMIN_MODELS = {
    #                                    changelist            add
    # model                              adm  sys  sec  aud    adm  sys  sec  aud
    "preparedness.drill":              ("403  403  403  403", "403  403  403  403"),
    "preparedness.plan":               ("403  403  403  403", "403  403  403  403"),
    "preparedness.responsibility":     ("403  403  403  403", "403  403  403  403"),
    "preparedness.supply":             ("403  403  403  403", "403  403  403  403"),
    "preparedness.supplymovement":     ("403  403  403  403", "403  403  403  403"),
}
# fmt: on


def populate(w, users, outside):
    town1 = users["town1"]
    w.plan = PlanFactory(
        institution=w.institution1,
        created_by=town1,
        title="羊册镇敬老院消防应急疏散预案",
        owner="预案责任人甲",
        document=stored_pdf(),
    )
    w.supply = SupplyFactory(
        institution=w.institution1,
        updated_by=town1,
        location="东楼应急物资间乙",
        quantity=1,  # below the minimum: on the supplies page and in its .xlsx
    )
    services.record_movement(
        supply=w.supply,
        user=town1,
        kind=MovementKind.RECEIVED,
        quantity=5,
        moved_on=timezone.localdate(),
        note="乡镇中心调拨戊",
    )
    w.drill = DrillFactory(
        institution=w.institution1, recorded_by=town1, scenario="演练情景丙：夜间配电室起火"
    )
    w.responsibility = ResponsibilityFactory(
        institution=w.institution1,
        updated_by=town1,
        township_official="包保干部丁",
        letter=stored_pdf(),
    )
    w.this_year = w.responsibility.year
    outside += [
        w.plan.owner,
        w.supply.location,
        w.drill.scenario,
        w.responsibility.township_official,
        "乡镇中心调拨戊",
    ]
