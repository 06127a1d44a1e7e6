"""Duty supervision (查岗): the bureau checks a post, a failed check is answered by the post
and closed by the bureau, and the county sees the results by township. Also: who is on a
shift is part of its change history."""

import datetime
import importlib
import uuid

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from duty_roster import services
from duty_roster.models import FollowUpState, PostKind, Shift, SpotCheck
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory, at
from tests.factories import InstitutionStaffFactory, TownshipStaffFactory

NOW = at(1, 9)  # the duty tests' "now" (tests/duty_roster/conftest.py)


@pytest.fixture
def centre(township1):
    return DutyPostFactory(
        name="羊册镇社会事务服务中心值班室", kind=PostKind.TOWNSHIP_CENTRE, township=township1
    )


@pytest.fixture
def leader(township1):
    return TownshipStaffFactory(username="leader1", full_name="王带班", township=township1)


@pytest.fixture
def duty_officer(township1):
    return TownshipStaffFactory(username="duty1", full_name="李值班", township=township1)


@pytest.fixture
def shift(centre, leader, duty_officer):
    """The centre's shift under way now."""
    return ShiftFactory(
        post=centre,
        starts_at=NOW - datetime.timedelta(hours=1),
        ends_at=NOW + datetime.timedelta(hours=23),
        leader=leader,
        officers=[duty_officer],
    )


def record(officer, post, **fields):
    values = {
        "checked_at": NOW,
        "method": "phone",
        "result": "failed",
        "answered_by": "李值班",
        "leader_present": False,
        "officers_present": True,
        "findings": "带班领导不在岗",
    }
    values.update(fields)
    return services.record_spot_check(user=officer, post=post, **values)


def form_data(post, **fields):
    data = {
        "post": post.pk,
        "checked_at": "2027-02-01T09:00",
        "method": "phone",
        "answered_by": "李值班",
        "officers_present": "on",
        "result": "failed",
        "findings": "带班领导不在岗",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# --- Recording -----------------------------------------------------------------------


def test_officer_records_a_spot_check_against_the_shift_on_duty(client_for, officer, shift):
    response = client_for(officer).post(
        reverse("duty_roster:spot_check_new"), form_data(shift.post)
    )
    check = SpotCheck.objects.get()
    assert response.status_code == 302
    assert response["Location"] == check.get_absolute_url()
    assert check.shift == shift
    assert check.checked_by == officer
    assert check.follow_up_state == FollowUpState.AWAITING


def test_form_shows_who_is_on_duty_and_prefills_presence_from_check_ins(
    client_for, officer, shift, leader
):
    services.check_in(shift=shift, user=leader)
    page = client_for(officer).get(reverse("duty_roster:spot_check_new"), {"post": shift.post.pk})
    text = page.content.decode()
    assert "王带班" in text and "李值班" in text
    form = page.context["form"]
    assert form.initial["leader_present"] is True  # checked in
    assert form.initial["officers_present"] is False  # not checked in


def test_a_post_without_a_shift_at_that_time_is_recorded_without_one(officer, centre):
    check = record(officer, centre, findings="无人值班，电话无人接听")
    assert check.shift is None


@pytest.mark.parametrize("role_user", ["town1", "inst1"])
def test_only_the_county_records_spot_checks(request, client_for, role_user, shift):
    user = request.getfixturevalue(role_user)
    client = client_for(user)
    assert client.get(reverse("duty_roster:spot_check_new")).status_code == 403
    response = client.post(reverse("duty_roster:spot_check_new"), form_data(shift.post))
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        record(user, shift.post)
    assert not SpotCheck.objects.exists()


def test_a_post_with_its_leader_absent_cannot_pass(client_for, officer, shift):
    response = client_for(officer).post(
        reverse("duty_roster:spot_check_new"),
        form_data(shift.post, result="passed", findings=""),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["result"] == ["带班领导和值班人员均在岗，方可判定合格。"]
    assert not SpotCheck.objects.exists()


def test_a_failed_check_needs_its_findings(client_for, officer, shift):
    response = client_for(officer).post(
        reverse("duty_roster:spot_check_new"), form_data(shift.post, findings="  ")
    )
    assert response.context["form"].errors["findings"] == [
        "请填写发现的问题，值班点须就此作出答复。"
    ]
    assert not SpotCheck.objects.exists()


def test_a_check_in_the_future_is_refused_beside_its_time(client_for, officer, shift):
    response = client_for(officer).post(
        reverse("duty_roster:spot_check_new"),
        form_data(shift.post, checked_at="2027-02-02T09:00"),
    )
    assert response.context["form"].errors["checked_at"] == ["查岗尚未进行，不能提前登记。"]
    assert not SpotCheck.objects.exists()


def test_the_same_form_sent_twice_records_one_check(client_for, officer, shift):
    client = client_for(officer)
    data = form_data(shift.post)
    client.post(reverse("duty_roster:spot_check_new"), data)
    again = client.post(reverse("duty_roster:spot_check_new"), data)
    assert SpotCheck.objects.count() == 1
    assert again["Location"] == SpotCheck.objects.get().get_absolute_url()


def test_random_post_is_one_with_a_shift_under_way(client_for, officer, shift, township1):
    DutyPostFactory(township=township1)  # nobody on duty there
    response = client_for(officer).get(reverse("duty_roster:spot_check_random"))
    assert response["Location"].endswith(f"?post={shift.post.pk}")


def test_random_post_says_so_when_nobody_is_on_duty(client_for, officer, centre):
    response = client_for(officer).get(reverse("duty_roster:spot_check_random"), follow=True)
    assert "当前没有正在进行的班次。" in response.content.decode()


def test_township_staff_cannot_pick_a_random_post(client_for, town1, shift):
    assert client_for(town1).get(reverse("duty_roster:spot_check_random")).status_code == 403


# --- Follow-up ----------------------------------------------------------------------


def test_township_answers_a_failed_check_and_the_officer_closes_it(
    client_for, officer, town1, shift
):
    check = record(officer, shift.post)
    answer = client_for(town1).post(
        reverse("duty_roster:spot_check_action", args=[check.pk, "answer"]),
        {"response": "已约谈带班领导，重新排班"},
    )
    assert answer.status_code == 302
    check.refresh_from_db()
    assert check.follow_up_state == FollowUpState.ANSWERED
    assert check.responded_by == town1
    client_for(officer).post(
        reverse("duty_roster:spot_check_action", args=[check.pk, "close"]),
        {"closing_note": "已核实"},
    )
    check.refresh_from_db()
    assert check.follow_up_state == FollowUpState.CLOSED
    assert check.closed_by == officer


def test_an_empty_answer_is_refused_beside_the_field(client_for, officer, town1, shift):
    check = record(officer, shift.post)
    response = client_for(town1).post(
        reverse("duty_roster:spot_check_action", args=[check.pk, "answer"]), {"response": " "}
    )
    assert response.context["answer_form"].errors["response"] == ["请填写针对问题采取的整改措施。"]
    check.refresh_from_db()
    assert check.responded_at is None


def test_another_township_neither_sees_nor_answers_the_check(client_for, officer, town2, shift):
    check = record(officer, shift.post)
    client = client_for(town2)
    assert client.get(check.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("duty_roster:spot_check_action", args=[check.pk, "answer"]),
        {"response": "冒名答复"},
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.answer_spot_check(check=check, user=town2, response="冒名答复")
    check.refresh_from_db()
    assert check.response == ""


def test_the_county_does_not_answer_its_own_finding(officer, shift):
    check = record(officer, shift.post)
    with pytest.raises(PermissionDenied):
        services.answer_spot_check(check=check, user=officer, response="代答")


def test_the_township_does_not_close_its_own_finding(client_for, officer, town1, shift):
    check = record(officer, shift.post)
    services.answer_spot_check(check=check, user=town1, response="已整改")
    response = client_for(town1).post(
        reverse("duty_roster:spot_check_action", args=[check.pk, "close"]), {}
    )
    assert response.status_code == 403
    check.refresh_from_db()
    assert check.closed_at is None


def test_a_finding_is_closed_only_after_the_post_answers(officer, shift):
    check = record(officer, shift.post)
    with pytest.raises(ValidationError) as refused:
        services.close_spot_check(check=check, user=officer)
    assert refused.value.messages == ["值班点尚未答复，答复后方可销号。"]


def test_township_sees_its_findings_waiting_on_the_duty_page(client_for, officer, town1, shift):
    check = record(officer, shift.post)
    page = client_for(town1).get(reverse("duty_roster:index"))
    assert list(page.context["open_findings"]) == [check]


# --- Lists ------------------------------------------------------------------------


def test_each_side_lists_the_checks_of_its_own_posts(
    client_for, officer, shift, township2, institution1, town1, town2
):
    here = record(officer, shift.post)
    elsewhere = record(officer, DutyPostFactory(township=township2), findings="无人接听")
    institution_post = DutyPostFactory(kind=PostKind.INSTITUTION, institution=institution1)
    at_home = record(officer, institution_post, findings="值班记录缺失")
    inst_staff = InstitutionStaffFactory(username="inst9", institution=institution1)

    def listed(user):
        page = client_for(user).get(reverse("duty_roster:spot_checks"))
        return set(page.context["page"].object_list)

    assert listed(town1) == {here, at_home}
    assert listed(town2) == {elsewhere}
    assert listed(inst_staff) == {at_home}
    assert listed(officer) == {here, elsewhere, at_home}


def test_list_filters_by_township_result_and_dates(client_for, officer, shift, township2):
    failed = record(officer, shift.post)
    shift.attendances.update(checked_in_at=NOW - datetime.timedelta(minutes=50))
    passed = record(
        officer,
        shift.post,
        result="passed",
        leader_present=True,
        officers_present=True,
        findings="",
        checked_at=NOW - datetime.timedelta(days=3),
    )
    other = record(officer, DutyPostFactory(township=township2), findings="无人接听")
    client = client_for(officer)

    def listed(**params):
        page = client.get(reverse("duty_roster:spot_checks"), params)
        return set(page.context["page"].object_list)

    assert listed(township=shift.post.township_id) == {failed, passed}
    assert listed(result="passed") == {passed}
    assert listed(date_from="2027-02-01") == {failed, other}
    assert listed(date_to="2027-01-30") == {passed}
    assert listed(follow_up="awaiting") == {failed, other}


def test_a_backwards_date_range_is_said_beside_the_field(client_for, officer):
    page = client_for(officer).get(
        reverse("duty_roster:spot_checks"), {"date_from": "2027-02-01", "date_to": "2027-01-01"}
    )
    assert page.context["form"].errors["date_to"] == ["截止日期早于起始日期。"]


def _many_checks(officer, townships, count):
    posts = [DutyPostFactory(township=t) for t in townships]
    for n in range(count):
        record(officer, posts[n % len(posts)], checked_at=NOW - datetime.timedelta(hours=n))


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_costs_the_same_queries_at_any_size(
    client_for, officer, township1, township2, count, django_assert_num_queries
):
    _many_checks(officer, [township1, township2], count)
    client = client_for(officer)
    client.get(reverse("duty_roster:spot_checks"))  # the session, once
    # The same at any size: the session and user, the capped count, the page, the
    # filter's township choices, and the session's save with its savepoints.
    with django_assert_num_queries(10):
        page = client.get(reverse("duty_roster:spot_checks"))
    assert len(page.context["page"].object_list) == count


@pytest.mark.parametrize("count", [2, 12])
def test_the_results_by_township_cost_one_query_at_any_size(
    client_for, officer, township1, township2, count, django_assert_num_queries
):
    _many_checks(officer, [township1, township2], count)
    client = client_for(officer)
    client.get(reverse("duty_roster:spot_check_summary"))
    # The same at any size: one grouped query of counts, besides the session's work.
    with django_assert_num_queries(8):
        client.get(reverse("duty_roster:spot_check_summary"))


def test_results_by_township_count_this_month_and_this_season(
    client_for, officer, shift, township2
):
    record(officer, shift.post)  # February: this month and this season
    with time_machine.travel(at(1, 9) - datetime.timedelta(days=20), tick=False):
        # 12 January: this season (the first quarter), not this month
        record(officer, shift.post, checked_at=NOW - datetime.timedelta(days=20))
    with time_machine.travel(at(1, 9) - datetime.timedelta(days=40), tick=False):
        # 23 December: last season, left out
        record(officer, shift.post, checked_at=NOW - datetime.timedelta(days=40))
    record(officer, DutyPostFactory(township=township2), findings="无人接听")
    page = client_for(officer).get(reverse("duty_roster:spot_check_summary"))
    rows = {row["township_name"]: row for row in page.context["rows"]}
    assert rows["羊册镇"]["month_failed"] == 1
    assert rows["羊册镇"]["season_failed"] == 2
    assert rows["马谷田镇"]["month_failed"] == 1
    assert page.context["totals"]["season_failed"] == 3


@pytest.mark.parametrize("role_user", ["town1", "inst1"])
def test_only_the_county_sees_the_results_by_township(request, client_for, role_user):
    user = request.getfixturevalue(role_user)
    assert client_for(user).get(reverse("duty_roster:spot_check_summary")).status_code == 403


# --- Who is on a shift, in its change history (issue 13) -----------------------------


def test_changing_the_officers_of_a_shift_shows_in_its_change_history(
    client_for, officer, shift, duty_officer, township1
):
    replacement = TownshipStaffFactory(username="duty2", full_name="赵替班", township=township1)
    shift.officers.remove(duty_officer)
    shift.officers.add(replacement)
    latest = shift.history.order_by("-history_date", "-history_id").first()
    assert [link.user_id for link in latest.officers.all()] == [replacement.pk]

    page = client_for(officer).get(reverse("duty_roster:shift", args=[shift.pk]))
    changes = [
        (str(change.label), change.old, change.new)
        for version in page.context["history"].versions
        for change in version.changes
    ]
    assert ("值班人员", "李值班", None) in changes
    assert ("值班人员", None, "赵替班") in changes


def test_the_officers_change_made_through_a_page_keeps_the_client_address(
    client_for, officer, shift, duty_officer, township1
):
    replacement = TownshipStaffFactory(username="duty2", full_name="赵替班", township=township1)
    swap = services.request_swap(
        shift=shift, user=duty_officer, replacement=replacement, reason="家中有事"
    )
    services.accept_swap(swap=swap, user=replacement)
    client_for(officer).post(
        reverse("duty_roster:swap_action", args=[swap.pk, "approve"]), REMOTE_ADDR="10.9.8.7"
    )
    latest = shift.history.order_by("-history_date", "-history_id").first()
    assert latest.ip_address == "10.9.8.7"
    assert [link.user_id for link in latest.officers.all()] == [replacement.pk]


def test_a_new_shift_shows_created_not_a_second_line_for_its_officers(
    client_for, officer, centre, leader, duty_officer
):
    created = services.create_shift(
        post=centre,
        starts_at=at(3, 8, 30),
        ends_at=at(4, 8, 30),
        leader=leader,
        officers=[duty_officer],
        user=officer,
    )
    page = client_for(officer).get(reverse("duty_roster:shift", args=[created.pk]))
    kinds = [v.kind for v in page.context["history"].versions if not v.model_label]
    assert kinds == ["+"]


def test_shifts_rostered_before_get_their_officers_on_their_latest_version(shift, duty_officer):
    officers = Shift.history.model.officers.model
    officers.objects.all().delete()  # as before the officers were kept
    migration = importlib.import_module(
        "duty_roster.migrations.0019_officers_of_shifts_rostered_before"
    )
    migration.snapshot_officers(apps, None)
    latest = shift.history.order_by("-history_date", "-history_id").first()
    assert [link.user_id for link in latest.officers.all()] == [duty_officer.pk]
    assert officers.objects.count() == 1
