"""Pickers list a page of people or institutions, not thousands: beyond PICKER_LIMIT the
page offers a search box (htmx swaps the lists as one types; without JavaScript it is a
plain GET form), and the server still checks every choice against the user's scope."""

import pytest
from django.urls import reverse

from duty_roster import pickers
from duty_roster.models import Shift
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory, at
from tests.factories import InstitutionFactory, TownshipStaffFactory

LIMIT = 3


@pytest.fixture(autouse=True)
def _small_limit(monkeypatch):
    monkeypatch.setattr(pickers, "PICKER_LIMIT", LIMIT)


@pytest.fixture
def post(township1):
    return DutyPostFactory(name="羊册镇值班室", township=township1)


@pytest.fixture
def crowd(township1):
    names = ["赵一", "钱二", "孙三", "李四", "周五", "吴六"]
    return [TownshipStaffFactory(township=township1, full_name=name) for name in names]


def option_ids(field):
    return [str(value) for value, _label in field.widget.choices if value != ""]


def test_a_long_people_list_is_cut_to_a_page_with_a_search_box(client_for, officer, post, crowd):
    page = client_for(officer).get(reverse("duty_roster:roster", args=[post.pk]))
    form = page.context["shift_form"]
    assert form.pickers_cut
    assert len(option_ids(form.fields["leader"])) == LIMIT
    assert len(page.context["generate_form"].fields["officers"].widget.choices) == LIMIT
    html = page.content.decode()
    assert 'name="who"' in html
    assert 'hx-select="#roster-forms"' in html


def test_the_search_lists_the_people_it_finds(client_for, officer, post, crowd):
    page = client_for(officer).get(reverse("duty_roster:roster", args=[post.pk]), {"who": "周"})
    assert option_ids(page.context["shift_form"].fields["leader"]) == [str(crowd[4].pk)]
    assert "周五（羊册镇" in page.content.decode()


def test_a_short_list_is_listed_whole_without_a_search_box(client_for, officer, township2):
    post = DutyPostFactory(township=township2)
    page = client_for(officer).get(reverse("duty_roster:roster", args=[post.pk]))
    assert not page.context["shift_form"].pickers_cut
    assert 'name="who"' not in page.content.decode()


def test_someone_in_scope_but_not_listed_can_be_chosen(client_for, officer, post, crowd):
    response = client_for(officer).post(
        reverse("duty_roster:add_shift", args=[post.pk]),
        {
            "starts_at": "2027-02-10T08:00",
            "ends_at": "2027-02-10T20:00",
            "leader": crowd[5].pk,
            "officers": [crowd[4].pk],
        },
    )
    assert response.status_code == 302
    assert Shift.objects.get().leader == crowd[5]


def test_someone_out_of_scope_is_refused_though_the_list_is_cut(
    client_for, officer, post, crowd, town2
):
    response = client_for(officer).post(
        reverse("duty_roster:add_shift", args=[post.pk]),
        {
            "starts_at": "2027-02-10T08:00",
            "ends_at": "2027-02-10T20:00",
            "leader": town2.pk,
            "officers": [crowd[4].pk],
        },
    )
    assert response.status_code == 200
    assert response.context["shift_form"].errors["leader"]
    assert not Shift.objects.exists()


def test_a_form_sent_back_keeps_its_choices_listed(client_for, officer, post, crowd):
    response = client_for(officer).post(
        reverse("duty_roster:add_shift", args=[post.pk]),
        {"starts_at": "", "ends_at": "", "leader": crowd[5].pk, "officers": [crowd[4].pk]},
    )
    form = response.context["shift_form"]
    assert str(crowd[5].pk) in option_ids(form.fields["leader"])
    assert str(crowd[4].pk) in option_ids(form.fields["officers"])
    assert f'value="{crowd[5].pk}" selected' in response.content.decode()


def test_the_swap_picker_is_cut_and_searched_too(client_for, post, town1, crowd):
    shift = ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=town1)
    page = client_for(town1).get(reverse("duty_roster:shift", args=[shift.pk]), {"who": "吴"})
    form = page.context["swap_form"]
    assert form.pickers_cut
    assert option_ids(form.fields["replacement"]) == [str(crowd[5].pk)]


def test_the_incident_forms_institutions_are_cut_and_searched(client_for, officer, township1):
    for n in range(LIMIT + 2):
        InstitutionFactory(township=township1, name=f"羊册镇第{n}敬老院")
    wanted = InstitutionFactory(township=township1, name="马谷田光荣院")
    page = client_for(officer).get(reverse("duty_roster:incident_new"), {"who": "光荣"})
    form = page.context["form"]
    assert form.pickers_cut
    assert option_ids(form.fields["institution"]) == [str(wanted.pk)]
    assert 'hx-select="#id_institution"' in page.content.decode()
