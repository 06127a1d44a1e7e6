"""Every refusal: wrong role, wrong township, self-approval — on the server, whatever is posted."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from inspections import services
from inspections.models import Hazard, HazardStatus
from tests.inspections.factories import InspectionFactory, jpeg


@pytest.fixture
def hazard(sweep, town1):
    inspection, items = sweep
    for item in items:
        services.save_answer(
            inspection=inspection,
            item=item,
            user=town1,
            value="fail" if item == items[1] else "pass",
        )
    services.submit_inspection(
        inspection=inspection, user=town1, inspector_name="甲", person_present="乙"
    )
    return Hazard.objects.get()


def test_institution_staff_cannot_verify(hazard, inst1, town1):
    services.submit_rectification(hazard=hazard, user=town1, note="已整改", photos=[jpeg()])
    with pytest.raises(PermissionDenied):
        services.verify_hazard(hazard=hazard, user=inst1)


def test_nobody_verifies_their_own_rectification(hazard, town1):
    services.submit_rectification(hazard=hazard, user=town1, note="已整改", photos=[jpeg()])
    with pytest.raises(PermissionDenied):
        services.verify_hazard(hazard=hazard, user=town1)


def test_another_townships_staff_cannot_act_on_a_hazard(hazard, town2):
    with pytest.raises(PermissionDenied):
        services.start_rectification(hazard=hazard, user=town2)


def test_another_townships_hazard_is_a_404(client_for, hazard, town2):
    client = client_for(town2)
    assert client.get(reverse("inspections:hazard", args=[hazard.pk])).status_code == 404
    response = client.post(reverse("inspections:hazard_action", args=[hazard.pk, "start"]), {})
    assert response.status_code == 404
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.OPEN


def test_bureau_officer_posting_a_rectification_gets_403(client_for, hazard, officer):
    response = client_for(officer).post(
        reverse("inspections:hazard_action", args=[hazard.pk, "rectify"]),
        {"note": "伪造", "photos": [jpeg()]},
    )
    assert response.status_code == 403
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.OPEN


def test_institution_staff_posting_a_verification_gets_403(client_for, hazard, inst1, town1):
    services.submit_rectification(hazard=hazard, user=town1, note="已整改", photos=[jpeg()])
    response = client_for(inst1).post(
        reverse("inspections:hazard_action", args=[hazard.pk, "verify"]), {}
    )
    assert response.status_code == 403


def test_requester_cannot_approve_their_own_extension(hazard, town1):
    extension = services.request_extension(
        hazard=hazard,
        user=town1,
        new_deadline=hazard.deadline + datetime.timedelta(days=5),
        reason="材料未到",
    )
    with pytest.raises(PermissionDenied):
        services.decide_extension(extension=extension, user=town1, approve=True)
    hazard.refresh_from_db()
    assert hazard.deadline == extension.hazard.deadline


def test_extension_must_move_the_deadline_later(hazard, inst1):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.request_extension(
            hazard=hazard, user=inst1, new_deadline=hazard.deadline, reason="原因"
        )


def test_institution_staff_cannot_fill_a_township_inspection(sweep, inst1):
    inspection, items = sweep
    with pytest.raises(PermissionDenied):
        services.save_answer(inspection=inspection, item=items[0], user=inst1, value="pass")


def test_township_staff_cannot_fill_a_supervisory_inspection(institution1, sweep, town1):
    _inspection, items = sweep
    supervisory = InspectionFactory(
        institution=institution1, version=items[0].section.version, level="supervisory"
    )
    with pytest.raises(PermissionDenied):
        services.save_answer(inspection=supervisory, item=items[0], user=town1, value="pass")


def test_another_townships_inspection_page_is_a_404(client_for, sweep, town2):
    inspection, _items = sweep
    assert (
        client_for(town2).get(reverse("inspections:fill", args=[inspection.pk])).status_code == 404
    )
