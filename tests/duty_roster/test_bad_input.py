"""Bad input to duty pages is a form error, a 400 or a 404, never a 500."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from duty_roster import services
from duty_roster.models import Incident, LeaveReport, RequestStatus, Shift
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory, at


@pytest.fixture
def post(township1):
    return DutyPostFactory(name="羊册镇值班室", township=township1)


def incident_data(institution, **changes):
    return {
        "occurred_at": "2027-01-31T08:30",
        "township": institution.township_id,
        "institution": institution.pk,
        "place": "1号楼",
        "category": "fire",
        "severity": "ordinary",
        "deaths": 0,
        "injuries": 0,
        "summary": "冒烟",
        "actions_taken": "已扑灭",
        "who_was_told": "镇值班室",
        **changes,
    }


@pytest.mark.parametrize("field", ["deaths", "injuries"])
@pytest.mark.parametrize("count", [2**31, 10000, 10**30])
def test_implausible_casualties_get_a_chinese_message_beside_the_field(
    client_for, inst1, institution1, field, count
):
    response = client_for(inst1).post(
        reverse("duty_roster:incident_new"), incident_data(institution1, **{field: count})
    )
    assert response.status_code == 200
    assert "最多 9999 人，请核实人数" in response.content.decode()
    assert not Incident.objects.exists()


def test_database_refuses_implausible_casualties(institution1, inst1):
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.create(
            occurred_at=at(1, 8),
            township=institution1.township,
            place="1号楼",
            category="fire",
            severity="ordinary",
            deaths=10000,
            summary="冒烟",
            actions_taken="已扑灭",
            who_was_told="镇值班室",
            reported_by=inst1,
            reported_at=at(1, 9),
        )


@pytest.mark.parametrize("bad_id", ["abc", "99999999999999999999", "-1", "1.5", ""])
def test_non_numeric_or_unknown_people_on_a_shift_are_form_errors(
    client_for, officer, post, bad_id
):
    response = client_for(officer).post(
        reverse("duty_roster:add_shift", args=[post.pk]),
        {
            "starts_at": "2027-02-11T08:30",
            "ends_at": "2027-02-12T08:30",
            "leader": bad_id,
            "officers": [bad_id],
        },
    )
    assert response.status_code == 200
    errors = response.context["shift_form"].errors
    assert "leader" in errors and "officers" in errors
    assert not Shift.objects.exists()


@pytest.mark.parametrize("decision", ["maybe", "", "APPROVE", "approve\x00"])
def test_a_leave_decision_other_than_approve_or_reject_is_a_400_and_decides_nothing(
    client_for, town1, county_approver, decision
):
    leave = services.file_leave(
        person=town1,
        destination="郑州",
        starts_at=at(12, 9),
        ends_at=at(12, 18),
        reason="开会",
        contact="13903960001",
        approver=county_approver,
    )
    response = client_for(county_approver).post(
        reverse("duty_roster:decide_leave", args=[leave.pk]), {"decision": decision}
    )
    assert response.status_code == 400
    leave.refresh_from_db()
    assert leave.status == RequestStatus.PENDING


def test_a_leave_decision_missing_altogether_is_a_400(client_for, town1, county_approver):
    leave = services.file_leave(
        person=town1,
        destination="郑州",
        starts_at=at(12, 9),
        ends_at=at(12, 18),
        reason="开会",
        contact="13903960001",
        approver=county_approver,
    )
    response = client_for(county_approver).post(
        reverse("duty_roster:decide_leave", args=[leave.pk])
    )
    assert response.status_code == 400
    assert LeaveReport.objects.get().status == RequestStatus.PENDING


@pytest.mark.parametrize(
    ("name", "action"),
    [("shift_action", "delete"), ("incident_action", "delete"), ("swap_action", "cancel")],
)
def test_an_unknown_action_is_a_404(client_for, officer, town1, post, institution1, name, action):
    shift = ShiftFactory(post=post, leader=town1)
    incident = services.report_incident(
        user=officer,
        township=institution1.township,
        occurred_at=at(1, 8),
        place="1号楼",
        category="fire",
        severity="ordinary",
        deaths=0,
        injuries=0,
        summary="冒烟",
        actions_taken="已扑灭",
        who_was_told="镇值班室",
    )
    swap = services.request_swap(shift=shift, user=town1, replacement=officer, reason="出差")
    pk = {"shift_action": shift.pk, "incident_action": incident.pk, "swap_action": swap.pk}[name]
    response = client_for(officer).post(reverse(f"duty_roster:{name}", args=[pk, action]))
    assert response.status_code == 404
