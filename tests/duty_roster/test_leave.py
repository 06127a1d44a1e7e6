"""Leave and shifts exclude each other, for leaders and duty officers alike, both ways;
leave is approved by someone on the approver list above the person, never a peer."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from duty_roster import services
from duty_roster.models import LeaveApprover, LeaveReport, RequestStatus, Shift
from tests.duty_roster.factories import DutyPostFactory, LeaveApproverFactory, ShiftFactory, at
from tests.factories import InstitutionStaffFactory, TownshipStaffFactory


@pytest.fixture
def post(township1):
    return DutyPostFactory(name="羊册镇值班室", township=township1)


@pytest.fixture
def clerk(township1):
    return TownshipStaffFactory(township=township1, full_name="李值班")


@pytest.fixture
def township_approver(township1):
    user = TownshipStaffFactory(township=township1, full_name="羊册镇分管领导")
    LeaveApproverFactory(user=user, township=township1)
    return user


def file(person, approver, starts_at=None, ends_at=None):
    starts_at = starts_at or at(10, 12)
    return services.file_leave(
        person=person,
        destination="驻马店市",
        starts_at=starts_at,
        ends_at=ends_at or starts_at + datetime.timedelta(hours=6),
        reason="参加会议",
        contact="13903960001",
        approver=approver,
    )


def approved_leave(person, approver, **times):
    leave = file(person, approver, **times)
    services.decide_leave(leave=leave, user=approver, approve=True)
    return leave


def test_leave_is_not_approved_while_the_person_is_a_duty_officer_then(
    post, clerk, town1, county_approver
):
    ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=town1, officers=[clerk])
    leave = file(clerk, county_approver)
    with pytest.raises(ValidationError) as error:
        services.decide_leave(leave=leave, user=county_approver, approve=True)
    assert "李值班" in error.value.messages[0]
    assert LeaveReport.objects.get().status == RequestStatus.PENDING


def test_nobody_on_approved_leave_is_made_leader_of_a_shift_then(post, clerk, county_approver):
    approved_leave(clerk, county_approver)
    with pytest.raises(ValidationError) as error:
        services.create_shift(
            post=post,
            starts_at=at(10, 8),
            ends_at=at(10, 20),
            leader=clerk,
            officers=[],
            user=county_approver,
        )
    assert "leader" in error.value.error_dict
    assert not Shift.objects.exists()


def test_nobody_on_approved_leave_is_made_a_duty_officer_then(post, clerk, town1, county_approver):
    approved_leave(clerk, county_approver)
    with pytest.raises(ValidationError) as error:
        services.create_shift(
            post=post,
            starts_at=at(10, 8),
            ends_at=at(10, 20),
            leader=town1,
            officers=[clerk],
            user=county_approver,
        )
    assert "驻马店市" in error.value.error_dict["officers"][0].message


def test_pending_or_rejected_leave_does_not_keep_anyone_off_the_roster(
    post, clerk, town1, county_approver
):
    rejected = file(clerk, county_approver)
    services.decide_leave(leave=rejected, user=county_approver, approve=False)
    file(town1, county_approver)
    services.create_shift(
        post=post,
        starts_at=at(10, 8),
        ends_at=at(10, 20),
        leader=town1,
        officers=[clerk],
        user=county_approver,
    )
    assert Shift.objects.count() == 1


def test_a_generated_roster_refuses_people_on_leave_and_creates_nothing(
    post, clerk, town1, county_approver
):
    approved_leave(clerk, county_approver, starts_at=at(11, 9), ends_at=at(11, 18))
    with pytest.raises(ValidationError):
        services.generate_roster(
            post=post,
            first_day=datetime.date(2027, 2, 10),
            days=3,
            pattern=[(datetime.time(8, 30), 24)],
            officers=[clerk],
            leaders=[town1],
            user=county_approver,
        )
    assert not Shift.objects.exists()


def test_a_colleague_on_leave_cannot_take_over_a_shift(post, clerk, town1, county_approver):
    shift = ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=town1)
    approved_leave(clerk, county_approver)
    with pytest.raises(ValidationError) as error:
        services.request_swap(shift=shift, user=town1, replacement=clerk, reason="出差")
    assert "replacement" in error.value.error_dict


def test_a_swap_accepted_before_the_leave_was_approved_is_refused_after(
    post, clerk, town1, county_approver
):
    shift = ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=town1)
    swap = services.request_swap(shift=shift, user=town1, replacement=clerk, reason="出差")
    services.accept_swap(swap=swap, user=clerk)
    approved_leave(clerk, county_approver)
    with pytest.raises(ValidationError):
        services.decide_swap(swap=swap, user=county_approver, approve=True)
    shift.refresh_from_db()
    assert shift.leader == town1


def test_a_peer_cannot_be_named_approver(clerk, town1):
    with pytest.raises(ValidationError) as error:
        file(clerk, town1)
    assert "approver" in error.value.error_dict


def test_a_townships_approver_approves_its_staff_and_its_institutions_staff(
    clerk, inst1, township_approver
):
    for person in (clerk, inst1):
        approved_leave(person, township_approver)
    assert LeaveReport.objects.approved().count() == 2


def test_a_townships_approver_does_not_approve_another_townships_staff(town2, township_approver):
    with pytest.raises(ValidationError):
        file(town2, township_approver)


def test_a_townships_approver_does_not_approve_bureau_staff(officer, township_approver):
    with pytest.raises(ValidationError):
        file(officer, township_approver)


def test_township_approvers_report_to_the_county_not_to_each_other(
    township1, township_approver, county_approver
):
    second = TownshipStaffFactory(township=township1, full_name="羊册镇另一位领导")
    LeaveApproverFactory(user=second, township=township1)
    assert list(LeaveApprover.objects.approvers_for(township_approver)) == [county_approver]


def test_an_approver_taken_off_the_list_can_no_longer_approve(clerk, township_approver):
    leave = file(clerk, township_approver)
    LeaveApprover.objects.filter(user=township_approver).update(is_active=False)
    with pytest.raises(ValidationError):
        services.decide_leave(leave=leave, user=township_approver, approve=True)


def test_only_the_named_approver_decides(clerk, township_approver, county_approver):
    leave = file(clerk, township_approver)
    with pytest.raises(PermissionDenied):
        services.decide_leave(leave=leave, user=county_approver, approve=True)


def test_leave_form_offers_the_persons_approvers_only(
    client_for, inst1, township_approver, county_approver, town1
):
    page = client_for(inst1).get(reverse("duty_roster:leave"))
    offered = list(page.context["form"].fields["approver"].queryset)
    assert sorted(offered, key=lambda user: user.pk) == sorted(
        [township_approver, county_approver], key=lambda user: user.pk
    )


def test_leave_form_says_when_nobody_is_set_up_to_approve(client_for, inst1):
    page = client_for(inst1).get(reverse("duty_roster:leave"))
    assert "请管理员" in page.content.decode()


def test_institution_staff_files_leave_from_the_page(client_for, inst1, township_approver):
    response = client_for(inst1).post(
        reverse("duty_roster:leave"),
        {
            "destination": "泌阳县人民医院",
            "starts_at": "2027-02-12T09:00",
            "ends_at": "2027-02-12T13:00",
            "reason": "陪同老人复查",
            "contact": "13903960001",
            "approver": township_approver.pk,
        },
    )
    assert response.status_code == 302
    assert LeaveReport.objects.get().person == inst1


def test_admin_refuses_township_staff_as_a_county_wide_approver(client_for, admin_user, clerk):
    response = client_for(admin_user).post(
        reverse("admin:duty_roster_leaveapprover_add"),
        {"user": clerk.pk, "township": "", "title": "", "is_active": "on"},
    )
    assert response.status_code == 200
    assert not LeaveApprover.objects.exists()


def test_admin_adds_a_townships_approver(client_for, admin_user, clerk, township1):
    response = client_for(admin_user).post(
        reverse("admin:duty_roster_leaveapprover_add"),
        {"user": clerk.pk, "township": township1.pk, "title": "分管副镇长", "is_active": "on"},
    )
    assert response.status_code == 302
    assert LeaveApprover.objects.get().township == township1


def test_institution_staff_can_be_approved_by_their_townships_approver_only(
    institution2, township_approver
):
    other = InstitutionStaffFactory(institution=institution2)
    assert township_approver not in LeaveApprover.objects.approvers_for(other)
