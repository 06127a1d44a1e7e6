"""The pages that show their object's change history, each with a way to change it.

A case makes its object (through the fixtures of the demo roles) and returns the page's
URL and a `change(n)` that saves the object n times with something different each time,
with a changed reference among the changes (so that the page also reads names).
"""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import services as inspection_services
from inspections.models import Campaign, Level
from relief import services as relief_services
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory
from tests.factories import InstitutionFactory, TownshipStaffFactory, UserFactory
from tests.inspections.factories import HazardFactory, InspectionFactory, checklist
from tests.relief.factories import PersonCategoryFactory, PersonFactory, ProgrammeFactory

SECTION = re.compile(r'<details class="card mt-3 history-changes">.*?</details>', re.S)


def history_section(page):
    """The change history's section of a page's HTML, or None."""
    found = SECTION.search(page)
    return found.group(0) if found else None


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Case:
    url: str
    obj: object
    change: object  # change(n): save the object n more times


def _saving(obj, field, values):
    def change(n):
        for i in range(n):
            setattr(obj, field, values(i))
            obj.save()

    return change


def institution_case(institution1, town1, town2, officer):
    institution = InstitutionFactory(township=institution1.township)
    return Case(
        reverse("institutions:detail", args=[institution.pk]),
        institution,
        _saving(institution, "beds", lambda i: 101 + i),
    )


def hazard_case(institution1, town1, town2, officer):
    hazard = HazardFactory(institution=institution1, found_by=town1)
    people = [town1, TownshipStaffFactory(township=institution1.township)]

    def change(n):
        for i in range(n):
            hazard.interim_measures = f"临时措施{i}"
            hazard.rectified_by = people[i % 2]
            hazard.save()

    return Case(reverse("inspections:hazard", args=[hazard.pk]), hazard, change)


def inspection_case(institution1, town1, town2, officer):
    version, items = checklist(items_per_section=2, sections=1)
    inspection = InspectionFactory(institution=institution1, version=version)
    for item in items:
        inspection_services.save_answer(inspection=inspection, item=item, user=town1, value="pass")
    inspection_services.submit_inspection(
        inspection=inspection, user=town1, inspector_name="李春梅", person_present="王建国"
    )
    inspection.refresh_from_db()  # submitted by the service on a row of its own
    return Case(
        reverse("inspections:result", args=[inspection.pk]),
        inspection,
        _saving(inspection, "person_present", lambda i: f"在场人{i}"),
    )


def person_case(institution1, town1, town2, officer):
    person = PersonFactory(township=institution1.township)
    PersonCategoryFactory(person=person)
    return Case(
        reverse("relief:person", args=[person.pk]),
        person,
        _saving(person, "village", lambda i: f"村{i}"),
    )


def batch_case(institution1, town1, town2, officer):
    programme = ProgrammeFactory()
    PersonCategoryFactory(person=PersonFactory(township=institution1.township), category="orphan")
    maker = UserFactory(full_name="制表人")
    batch = relief_services.generate_batch(programme=programme, period="2027-01", user=maker)
    line = batch.lines.first()

    def change(n):
        for i in range(n):
            line.exclusion_reason = f"原因{i}"
            line.save()
            batch.approved_by = [officer, town2][i % 2]  # a reference among the changes
            batch.save()

    return Case(reverse("relief:batch", args=[batch.pk]), batch, change)


def post_case(institution1, town1, town2, officer):
    post = DutyPostFactory(township=institution1.township)
    return Case(
        reverse("duty_roster:roster", args=[post.pk]),
        post,
        _saving(post, "phone", lambda i: f"0396-79211{i:02d}"),
    )


def shift_case(institution1, town1, town2, officer):
    shift = ShiftFactory(post=DutyPostFactory(township=institution1.township), leader=town1)
    return Case(
        reverse("duty_roster:shift", args=[shift.pk]),
        shift,
        _saving(shift, "handover_note", lambda i: f"交接{i}"),
    )


def incident_case(institution1, town1, town2, officer):
    from duty_roster.models import Incident

    now = timezone.now()
    incident = Incident.objects.create(
        occurred_at=now - datetime.timedelta(hours=1),
        township=institution1.township,
        institution=institution1,
        place="敬老院厨房",
        category="fire",
        severity="general",
        summary="油锅起火，已扑灭",
        actions_taken="使用灭火毯",
        who_was_told="院长",
        reported_by=town1,
        reported_at=now,
    )
    return Case(
        reverse("duty_roster:incident", args=[incident.pk]),
        incident,
        _saving(incident, "place", lambda i: f"地点{i}"),
    )


def campaign_case(institution1, town1, town2, officer):
    version, _items = checklist(items_per_section=1, sections=1)
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="节前检查",
        template=version.template,
        level=Level.TOWNSHIP,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
        due_on=today + datetime.timedelta(days=20),
    )
    return Case(
        reverse("inspections:campaign_edit", args=[campaign.pk]),
        campaign,
        _saving(campaign, "name", lambda i: f"节前检查{i}"),
    )


CASES = {
    "institution": institution_case,
    "hazard": hazard_case,
    "inspection result": inspection_case,
    "relief person": person_case,
    "batch": batch_case,
    "duty post": post_case,
    "shift": shift_case,
    "incident": incident_case,
    "campaign": campaign_case,
}
# The pages a township's staff may open too (the batch and the campaign are the county's).
TOWNSHIP_PAGES = [
    "institution",
    "hazard",
    "inspection result",
    "relief person",
    "duty post",
    "shift",
    "incident",
]


@pytest.fixture
def make_case(institution1, town1, town2, officer):
    def make(name):
        return CASES[name](institution1, town1, town2, officer)

    return make
