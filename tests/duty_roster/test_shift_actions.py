"""Every action on the shift page, through the page: check in and out, log, handover, swap."""

import pytest
import time_machine
from django.urls import reverse

from duty_roster.models import DutyLogEntry, SwapRequest
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory, at
from tests.factories import TownshipStaffFactory


@pytest.fixture
def post(township1):
    return DutyPostFactory(name="羊册镇值班室", township=township1)


@pytest.fixture
def officer_on_duty(township1):
    return TownshipStaffFactory(township=township1, full_name="值班员甲")


@pytest.fixture
def colleague(township1):
    return TownshipStaffFactory(township=township1, full_name="值班员乙")


@pytest.fixture
def shift(post, town1, officer_on_duty):
    return ShiftFactory(
        post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=town1, officers=[officer_on_duty]
    )


@pytest.fixture
def following(post, colleague):
    return ShiftFactory(post=post, starts_at=at(10, 20), ends_at=at(11, 8), leader=colleague)


def act(client, shift, action, data=None):
    return client.post(reverse("duty_roster:shift_action", args=[shift.pk, action]), data or {})


def test_shift_page_offers_the_swap_form_to_people_on_the_shift(client_for, officer_on_duty, shift):
    page = client_for(officer_on_duty).get(reverse("duty_roster:shift", args=[shift.pk]))
    assert page.status_code == 200
    assert "申请换班" in page.content.decode()


def test_person_on_the_shift_asks_a_colleague_to_swap(
    client_for, officer_on_duty, colleague, shift
):
    response = act(
        client_for(officer_on_duty),
        shift,
        "swap",
        {"replacement": colleague.pk, "reason": "家中有事"},
    )
    assert response.status_code == 302
    swap = SwapRequest.objects.get()
    assert (swap.requested_by, swap.replacement) == (officer_on_duty, colleague)


def test_swap_without_a_reason_shows_the_error_beside_the_field(
    client_for, officer_on_duty, colleague, shift
):
    response = act(client_for(officer_on_duty), shift, "swap", {"replacement": colleague.pk})
    assert response.status_code == 200
    assert response.context["swap_form"].errors["reason"]
    assert not SwapRequest.objects.exists()


def test_swap_with_oneself_shows_the_error_beside_the_field(client_for, officer_on_duty, shift):
    response = act(
        client_for(officer_on_duty),
        shift,
        "swap",
        {"replacement": officer_on_duty.pk, "reason": "家中有事"},
    )
    assert response.status_code == 200
    assert response.context["swap_form"].errors["replacement"]
    assert not SwapRequest.objects.exists()


def test_someone_not_on_the_shift_cannot_request_a_swap(client_for, colleague, township1, shift):
    third = TownshipStaffFactory(township=township1)
    response = act(
        client_for(colleague), shift, "swap", {"replacement": third.pk, "reason": "调休"}
    )
    assert response.status_code == 403
    assert not SwapRequest.objects.exists()


def test_person_on_the_shift_checks_in_and_out(client_for, officer_on_duty, shift):
    shift_page = reverse("duty_roster:shift", args=[shift.pk])
    with time_machine.travel(at(10, 7, 50)):
        assert act(client_for(officer_on_duty), shift, "check_in").url == shift_page
    with time_machine.travel(at(10, 19, 55)):  # a new login: sessions end after 30 idle minutes
        assert act(client_for(officer_on_duty), shift, "check_out").url == shift_page
        page = client_for(officer_on_duty).get(shift_page).content.decode()
    assert "在岗 07:50" in page and "已离岗 19:55" in page


def test_check_in_outside_its_window_is_refused_with_a_message(client_for, officer_on_duty, shift):
    with time_machine.travel(at(9, 8)):
        response = act(client_for(officer_on_duty), shift, "check_in", {})
        assert response.status_code == 302
        page = client_for(officer_on_duty).get(response.url).content.decode()
    assert "签到从班次开始前30分钟开放" in page


def test_person_on_the_shift_adds_to_the_duty_log(client_for, officer_on_duty, shift):
    response = act(
        client_for(officer_on_duty), shift, "log", {"kind": "call", "text": "县局来电询问值班情况"}
    )
    assert response.status_code == 302
    assert DutyLogEntry.objects.get().author == officer_on_duty


def test_empty_log_entry_shows_the_error_beside_the_field(client_for, officer_on_duty, shift):
    response = act(client_for(officer_on_duty), shift, "log", {"kind": "call", "text": ""})
    assert response.status_code == 200
    assert response.context["log_form"].errors["text"]
    assert not DutyLogEntry.objects.exists()


def test_log_entry_of_an_unknown_kind_shows_the_error_beside_the_field(
    client_for, officer_on_duty, shift
):
    response = act(client_for(officer_on_duty), shift, "log", {"kind": "party", "text": "x"})
    assert response.status_code == 200
    assert response.context["log_form"].errors["kind"]


def test_next_shift_acknowledges_the_handover_from_the_page(
    client_for, officer_on_duty, colleague, shift, following
):
    act(client_for(officer_on_duty), shift, "handover", {"note": "3号楼电路需复查"})
    response = act(client_for(colleague), shift, "acknowledge")
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.handover_note == "3号楼电路需复查"
    assert shift.handover_acknowledged_by == colleague


def test_empty_handover_note_shows_the_error_beside_the_field(client_for, officer_on_duty, shift):
    response = act(client_for(officer_on_duty), shift, "handover", {"note": "  "})
    assert response.status_code == 200
    assert response.context["handover_form"].errors["note"]


def test_someone_not_on_the_next_shift_cannot_acknowledge(
    client_for, officer_on_duty, town2, shift, following
):
    act(client_for(officer_on_duty), shift, "handover", {"note": "3号楼电路需复查"})
    assert act(client_for(town2), shift, "acknowledge").status_code == 404  # not their township


def test_shift_actions_need_a_post(client_for, officer_on_duty, shift):
    url = reverse("duty_roster:shift_action", args=[shift.pk, "check_in"])
    assert client_for(officer_on_duty).get(url).status_code == 405


def test_another_townships_shift_is_a_404(client_for, town2, shift):
    assert act(client_for(town2), shift, "log", {"kind": "call", "text": "x"}).status_code == 404


def test_colleague_accepts_the_swap_from_the_duty_page(
    client_for, officer_on_duty, colleague, shift
):
    act(
        client_for(officer_on_duty),
        shift,
        "swap",
        {"replacement": colleague.pk, "reason": "家中有事"},
    )
    swap = SwapRequest.objects.get()
    response = client_for(colleague).post(
        reverse("duty_roster:swap_action", args=[swap.pk, "accept"])
    )
    assert response.status_code == 302
    swap.refresh_from_db()
    assert swap.status == "accepted"


def test_a_swap_is_a_404_to_anyone_but_its_parties_and_the_county(
    client_for, officer_on_duty, colleague, town2, shift
):
    act(
        client_for(officer_on_duty),
        shift,
        "swap",
        {"replacement": colleague.pk, "reason": "家中有事"},
    )
    swap = SwapRequest.objects.get()
    response = client_for(town2).post(reverse("duty_roster:swap_action", args=[swap.pk, "accept"]))
    assert response.status_code == 404
