"""The whole life of a hazard, from a failed item to verified and closed."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from inspections import services
from inspections.models import EventKind, Hazard, HazardStatus, InspectionStatus
from tests.inspections.factories import InspectionFactory, jpeg, soon


def answer_all(inspection, items, user, failing=()):
    for item in items:
        services.save_answer(
            inspection=inspection, item=item, user=user, value="fail" if item in failing else "pass"
        )


def submit(inspection, user):
    return services.submit_inspection(
        inspection=inspection, user=user, inspector_name="李春梅", person_present="王建国"
    )


@time_machine.travel(datetime.datetime(2027, 2, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_each_failed_item_becomes_a_hazard_with_its_deadline(sweep, town1):
    inspection, items = sweep
    answer_all(inspection, items, town1, failing=[items[0], items[1]])
    submit(inspection, town1)
    hazards = {h.item_id: h for h in Hazard.objects.all()}
    assert set(hazards) == {items[0].pk, items[1].pk}
    # A major hazard is due at once; a general one in its item's days.
    assert hazards[items[0].pk].deadline == datetime.date(2027, 2, 1)
    assert hazards[items[1].pk].deadline == datetime.date(2027, 2, 8)
    assert hazards[items[1].pk].responsible_person == inspection.institution.safety_officer


def test_submitted_inspection_is_scored_and_read_only(sweep, town1):
    inspection, items = sweep
    answer_all(inspection, items, town1, failing=[items[1]])
    submit(inspection, town1)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED
    assert inspection.score == 75
    with pytest.raises(ValidationError):
        services.save_answer(inspection=inspection, item=items[0], user=town1, value="fail")


def test_submitting_twice_makes_no_duplicate_hazards(sweep, town1):
    inspection, items = sweep
    answer_all(inspection, items, town1, failing=[items[1]])
    submit(inspection, town1)
    submit(inspection, town1)
    assert Hazard.objects.count() == 1


def test_unanswered_required_item_stops_the_submission(sweep, town1):
    inspection, items = sweep
    answer_all(inspection, items[:-1], town1)
    with pytest.raises(ValidationError):
        submit(inspection, town1)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT


def test_failed_item_needing_a_photo_cannot_be_submitted_without_one(photo_sweep, town1):
    inspection, items, photo_item = photo_sweep
    answer_all(inspection, [*items, photo_item], town1, failing=[photo_item])
    with pytest.raises(ValidationError):
        submit(inspection, town1)
    services.save_answer(
        inspection=inspection, item=photo_item, user=town1, value="fail", photo=jpeg()
    )
    submit(inspection, town1)
    hazard = Hazard.objects.get(item=photo_item)
    assert hazard.photos.count() == 1


@pytest.fixture
def general_hazard(sweep, town1):
    inspection, items = sweep
    answer_all(inspection, items, town1, failing=[items[1]])
    submit(inspection, town1)
    return Hazard.objects.get()


@pytest.fixture
def major_hazard(sweep, town1):
    inspection, items = sweep
    answer_all(inspection, items, town1, failing=[items[0]])
    submit(inspection, town1)
    return Hazard.objects.get()


def test_rectified_hazard_is_verified_and_closed(general_hazard, inst1, town1):
    services.start_rectification(hazard=general_hazard, user=inst1)
    services.submit_rectification(
        hazard=general_hazard, user=inst1, note="已更换灭火器", photos=[jpeg()]
    )
    services.verify_hazard(hazard=general_hazard, user=town1, note="复核到位")
    general_hazard.refresh_from_db()
    assert general_hazard.status == HazardStatus.CLOSED
    assert general_hazard.closed_at is not None
    kinds = list(general_hazard.events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.RAISED,
        EventKind.RECTIFYING,
        EventKind.SUBMITTED,
        EventKind.VERIFIED,
    ]


def test_rejected_rectification_goes_back_with_its_reason(general_hazard, inst1, officer):
    services.submit_rectification(hazard=general_hazard, user=inst1, note="已整改", photos=[jpeg()])
    services.reject_rectification(hazard=general_hazard, user=officer, reason="照片看不清")
    general_hazard.refresh_from_db()
    assert general_hazard.status == HazardStatus.RECTIFYING
    assert general_hazard.events.last().note == "照片看不清"


@pytest.mark.parametrize(
    ("note", "photos", "field"), [("", "one", "note"), ("已整改", "none", "photos")]
)
def test_rectification_without_a_note_or_after_photos_is_refused(
    general_hazard, inst1, note, photos, field
):
    with pytest.raises(ValidationError) as error:
        services.submit_rectification(
            hazard=general_hazard, user=inst1, note=note, photos=[jpeg()] if photos == "one" else []
        )
    assert field in error.value.error_dict
    general_hazard.refresh_from_db()
    assert general_hazard.status == HazardStatus.OPEN


def test_hazard_cannot_be_closed_before_evidence_is_submitted(general_hazard, town1):
    with pytest.raises(ValidationError):
        services.verify_hazard(hazard=general_hazard, user=town1)


def test_major_hazard_needs_interim_measures(major_hazard, inst1):
    with pytest.raises(ValidationError) as error:
        services.start_rectification(hazard=major_hazard, user=inst1, interim_measures=" ")
    assert "interim_measures" in error.value.error_dict
    services.start_rectification(
        hazard=major_hazard, user=inst1, interim_measures="停止使用，专人看守"
    )
    major_hazard.refresh_from_db()
    assert major_hazard.status == HazardStatus.RECTIFYING


def test_approved_extension_moves_the_deadline(general_hazard, inst1, town1):
    new_deadline = general_hazard.deadline + datetime.timedelta(days=10)
    extension = services.request_extension(
        hazard=general_hazard, user=inst1, new_deadline=new_deadline, reason="需要采购材料"
    )
    services.decide_extension(extension=extension, user=town1, approve=True)
    general_hazard.refresh_from_db()
    assert general_hazard.deadline == new_deadline


def test_same_item_failing_again_within_90_days_is_recurring(general_hazard, town1, institution1):
    inspection, items = general_hazard.inspection, None
    items = [a.item for a in inspection.answers.select_related("item")]
    with time_machine.travel(datetime.timedelta(days=30)):
        again = InspectionFactory(institution=institution1, version=inspection.version)
        answer_all(again, items, town1, failing=[general_hazard.item])
        submit(again, town1)
    assert Hazard.objects.get(inspection=again).is_recurring


def test_same_item_failing_after_90_days_is_not_recurring(general_hazard, town1, institution1):
    inspection = general_hazard.inspection
    items = [a.item for a in inspection.answers.select_related("item")]
    with time_machine.travel(datetime.timedelta(days=120)):
        again = InspectionFactory(institution=institution1, version=inspection.version)
        answer_all(again, items, town1, failing=[general_hazard.item])
        submit(again, town1)
    assert not Hazard.objects.get(inspection=again).is_recurring


def test_hazard_raised_by_hand_starts_its_timeline(institution1, town1):
    hazard = services.raise_hazard(
        institution=institution1,
        user=town1,
        category="gas",
        severity="general",
        description="走访发现燃气软管老化",
        deadline=soon(),
        photos=[jpeg()],
    )
    assert hazard.status == HazardStatus.OPEN
    assert hazard.events.get().kind == EventKind.RAISED
    assert hazard.photos.count() == 1
