"""The URL matrix's rows for the three inspection levels compared (inspections.levels).

institution1 has its self-inspection (inst1's, passing the item town1's inspection of
the world failed): its comparison is open to whoever sees institution1, 404 for town2 and
the 三员, as an inspection result is. The list of institutions found not credible is for
the business roles in their scope (inst1: its own); the 三员 get 403.
"""

from inspections import services
from inspections.models import Level
from tests.inspections.factories import InspectionFactory
from tests.security.table import NONE, K

# fmt: off
URLS = {
    # name                            kwargs                              anon i1   t1   t2   off  adm  sys  sec  aud
    "inspections:levels":             (K(institution_pk="@institution1"), "L    200  200  404  200  200  404  404  404"),
    "inspections:not_credible":       (NONE,                              "L    200  200  200  200  200  403  403  403"),
}
# fmt: on


def populate(w, users, outside):
    inst1 = users["inst1"]
    own = InspectionFactory(
        institution=w.institution1,
        version=w.submitted.version,
        level=Level.SELF,
        due_on=w.submitted.due_on,
    )
    note = "自查消防设施完好无损"
    services.save_answer(inspection=own, item=w.item, user=inst1, value="pass", note=note)
    for answer in w.submitted.answers.exclude(item=w.item).select_related("item"):
        services.save_answer(inspection=own, item=answer.item, user=inst1, value="pass")
    w.self_inspection = services.submit_inspection(
        inspection=own, user=inst1, inspector_name="机构自查员", person_present="院长"
    )
    outside.append("机构自查员")
