"""Under supervision (挂牌督办) only the bureau closes a hazard, sends it back or gives it
more time; the institution and the township still rectify it; officers take it over."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from inspections import services
from inspections.models import EventKind, ExtensionStatus, HazardStatus
from inspections.permissions import can_decide_extension, can_verify
from tests.factories import UserFactory
from tests.inspections.factories import HazardFactory, jpeg

TODAY = datetime.date(2027, 3, 10)
NOW = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def late_hazard(institution1):
    return HazardFactory(institution=institution1, deadline=TODAY - datetime.timedelta(days=5))


@pytest.fixture
def supervised(late_hazard):
    services.place_under_supervision()
    late_hazard.refresh_from_db()
    return late_hazard


@pytest.fixture
def awaiting(supervised, inst1):
    """Under supervision and rectified by the institution, awaiting verification."""
    services.submit_rectification(hazard=supervised, user=inst1, note="已整改", photos=[jpeg()])
    supervised.refresh_from_db()
    return supervised


def action(client, hazard, name, data=None):
    return client.post(reverse("inspections:hazard_action", args=[hazard.pk, name]), data or {})


# --- Verifying and sending back --------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("town1", False), ("inst1", False), ("officer", True), ("admin_user", True)],
)
def test_only_the_bureau_may_verify_a_supervised_hazard(request, supervised, role, allowed):
    assert can_verify(request.getfixturevalue(role), supervised) is allowed


def test_township_staff_may_verify_a_hazard_not_under_supervision(late_hazard, town1):
    assert can_verify(town1, late_hazard)


def test_township_staff_cannot_verify_and_close_a_supervised_hazard(awaiting, town1):
    with pytest.raises(PermissionDenied):
        services.verify_hazard(hazard=awaiting, user=town1)
    awaiting.refresh_from_db()
    assert awaiting.status == HazardStatus.SUBMITTED


def test_township_staff_cannot_send_back_a_supervised_hazard(awaiting, town1):
    with pytest.raises(PermissionDenied):
        services.reject_rectification(hazard=awaiting, user=town1, reason="照片不清")
    awaiting.refresh_from_db()
    assert awaiting.status == HazardStatus.SUBMITTED


def test_a_bureau_officer_verifies_and_closes_a_supervised_hazard(awaiting, officer):
    services.verify_hazard(hazard=awaiting, user=officer, note="县局复核到位")
    awaiting.refresh_from_db()
    assert awaiting.status == HazardStatus.CLOSED
    assert not awaiting.is_supervised


def test_a_township_clerk_posting_verify_on_a_supervised_hazard_is_refused(
    client_for, awaiting, town1
):
    response = action(client_for(town1), awaiting, "verify", {"note": "复核"})
    assert response.status_code == 403
    awaiting.refresh_from_db()
    assert awaiting.status == HazardStatus.SUBMITTED
    assert not awaiting.events.filter(kind=EventKind.VERIFIED).exists()


def test_only_the_bureau_is_offered_verification_of_a_supervised_hazard(
    client_for, awaiting, town1, officer
):
    verify = reverse("inspections:hazard_action", args=[awaiting.pk, "verify"])
    assert verify not in client_for(town1).get(awaiting.get_absolute_url()).content.decode()
    assert verify in client_for(officer).get(awaiting.get_absolute_url()).content.decode()


# --- Rectifying stays with the institution and the township --------------


def test_the_institution_and_township_still_rectify_a_supervised_hazard(supervised, inst1, town1):
    services.start_rectification(hazard=supervised, user=town1)
    services.submit_rectification(hazard=supervised, user=inst1, note="已整改", photos=[jpeg()])
    supervised.refresh_from_db()
    assert supervised.status == HazardStatus.SUBMITTED
    assert supervised.is_supervised


# --- More time ---------------------------------------------------------------


def ask(hazard, user, days_from_today):
    return services.request_extension(
        hazard=hazard,
        user=user,
        new_deadline=TODAY + datetime.timedelta(days=days_from_today),
        reason="材料未到",
    )


def test_township_staff_cannot_approve_more_time_for_a_supervised_hazard(supervised, inst1, town1):
    extension = ask(supervised, inst1, 20)
    assert not can_decide_extension(town1, extension)
    with pytest.raises(PermissionDenied):
        services.decide_extension(extension=extension, user=town1, approve=True)
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING


def test_the_bureau_approves_more_time_and_it_moves_the_supervision_deadline(
    supervised, inst1, officer
):
    extension = ask(supervised, inst1, 20)
    services.decide_extension(extension=extension, user=officer, approve=True)
    supervised.refresh_from_db()
    assert supervised.supervision_deadline == datetime.date(2027, 3, 30)
    assert supervised.deadline == datetime.date(2027, 3, 5)


def test_more_time_for_a_supervised_hazard_must_go_past_the_supervision_deadline(supervised, inst1):
    with pytest.raises(ValidationError) as error:
        ask(supervised, inst1, 3)  # later than the old deadline, before the bureau's
    assert "new_deadline" in error.value.error_dict


def test_a_request_made_before_supervision_cannot_shorten_the_bureaus_deadline(
    late_hazard, inst1, officer
):
    extension = ask(late_hazard, inst1, 2)
    services.place_under_supervision()
    with pytest.raises(ValidationError):
        services.decide_extension(extension=extension, user=officer, approve=True)
    late_hazard.refresh_from_db()
    assert late_hazard.supervision_deadline == datetime.date(2027, 3, 17)
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING


# --- 由我督办 and assigning an officer --------------------------------------


def test_a_bureau_officer_takes_over_a_supervised_hazard(client_for, supervised, officer):
    response = action(client_for(officer), supervised, "supervise")
    assert response.status_code == 302
    supervised.refresh_from_db()
    assert supervised.supervised_by == officer
    event = supervised.events.get(kind=EventKind.SUPERVISOR_ASSIGNED)
    assert event.actor == officer


def test_taking_over_twice_changes_nothing_the_second_time(client_for, supervised, officer):
    client = client_for(officer)
    action(client, supervised, "supervise")
    history = supervised.history.count()
    assert action(client, supervised, "supervise").status_code == 302
    assert supervised.events.filter(kind=EventKind.SUPERVISOR_ASSIGNED).count() == 1
    assert supervised.history.count() == history


@pytest.mark.parametrize("role", ["town1", "inst1"])
def test_township_and_institution_staff_cannot_take_over_supervision(
    request, client_for, supervised, role
):
    response = action(client_for(request.getfixturevalue(role)), supervised, "supervise")
    assert response.status_code == 403
    supervised.refresh_from_db()
    assert supervised.supervised_by is None


def test_another_townships_clerk_taking_over_gets_a_404(client_for, supervised, town2):
    assert action(client_for(town2), supervised, "supervise").status_code == 404


def test_a_hazard_not_under_supervision_cannot_be_taken_over(client_for, late_hazard, officer):
    assert action(client_for(officer), late_hazard, "supervise").status_code == 403
    late_hazard.refresh_from_db()
    assert late_hazard.supervised_by is None


def test_an_officer_cannot_take_over_another_officers_hazard(client_for, supervised, officer):
    services.take_over_supervision(hazard=supervised, user=officer)
    other = UserFactory(username="officer2", full_name="钱立新")
    response = action(client_for(other), supervised, "supervise")
    assert response.status_code == 200
    assert "该隐患已由" in response.content.decode()
    supervised.refresh_from_db()
    assert supervised.supervised_by == officer


def test_an_admin_may_take_over_from_another_officer(supervised, officer, admin_user):
    services.take_over_supervision(hazard=supervised, user=officer)
    services.take_over_supervision(hazard=supervised, user=admin_user)
    supervised.refresh_from_db()
    assert supervised.supervised_by == admin_user


def test_an_admin_assigns_another_officer(client_for, supervised, officer, admin_user):
    response = action(
        client_for(admin_user), supervised, "assign-supervisor", {"officer": officer.pk}
    )
    assert response.status_code == 302
    supervised.refresh_from_db()
    assert supervised.supervised_by == officer
    event = supervised.events.get(kind=EventKind.SUPERVISOR_ASSIGNED)
    assert (event.actor, event.note) == (admin_user, officer.display_name)


def test_an_officer_cannot_assign_a_supervisor(client_for, supervised, officer):
    other = UserFactory(username="officer2")
    response = action(client_for(officer), supervised, "assign-supervisor", {"officer": other.pk})
    assert response.status_code == 403
    supervised.refresh_from_db()
    assert supervised.supervised_by is None


@pytest.mark.parametrize("officer_id", ["town1", "99999999999999999999999999", "²", ""])
def test_an_admin_choosing_no_bureau_officer_gets_an_error_beside_the_field(
    request, client_for, supervised, admin_user, officer_id
):
    if officer_id == "town1":
        officer_id = request.getfixturevalue("town1").pk
    response = action(
        client_for(admin_user), supervised, "assign-supervisor", {"officer": officer_id}
    )
    assert response.status_code == 200
    assert 'id="id_officer_error"' in response.content.decode()
    supervised.refresh_from_db()
    assert supervised.supervised_by is None


def test_the_service_refuses_to_make_township_staff_a_supervisor(supervised, admin_user, town1):
    with pytest.raises(ValidationError) as error:
        services.assign_supervisor(hazard=supervised, user=admin_user, officer=town1)
    assert "officer" in error.value.error_dict
