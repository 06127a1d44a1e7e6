"""People pickers on a phone: who is who, only the post's people, and rotation in the
order the user numbers it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from duty_roster import services
from duty_roster.models import PostKind, Shift
from tests.duty_roster.factories import SHANGHAI, DutyPostFactory, ShiftFactory, at
from tests.factories import InstitutionStaffFactory, TownshipStaffFactory, UserFactory


@pytest.fixture
def post(township1):
    return DutyPostFactory(name="羊册镇值班室", township=township1)


@pytest.fixture
def namesakes(township1, institution1):
    return [
        TownshipStaffFactory(township=township1, full_name="张伟"),
        InstitutionStaffFactory(institution=institution1, full_name="张伟"),
    ]


def roster_forms(client, post):
    page = client.get(reverse("duty_roster:roster", args=[post.pk]), {"from": "2027-02-10"})
    return page, page.context["shift_form"], page.context["generate_form"]


def test_namesakes_are_told_apart_by_place_and_role(client_for, officer, post, namesakes):
    page, _shift_form, _generate = roster_forms(client_for(officer), post)
    html = page.content.decode()
    assert "张伟（羊册镇 · 乡镇（街道）工作人员）" in html
    assert "张伟（羊册镇敬老院 · 机构工作人员）" in html


def test_pickers_offer_the_posts_township_and_county_staff_only(
    client_for, officer, post, namesakes, town2
):
    _page, shift_form, generate_form = roster_forms(client_for(officer), post)
    offered = set(shift_form.fields["leader"].queryset)
    assert offered == {officer, *namesakes}
    assert set(generate_form.fields["officers"].queryset) == offered


def test_county_duty_room_pickers_offer_county_staff_only(client_for, officer, town1):
    room = DutyPostFactory(kind=PostKind.COUNTY_DUTY_ROOM, township=None, name="县局值班室")
    _page, shift_form, _generate = roster_forms(client_for(officer), room)
    assert list(shift_form.fields["leader"].queryset) == [officer]


def test_nobody_from_another_township_is_put_on_a_shift(post, officer, town2):
    with pytest.raises(ValidationError) as error:
        services.create_shift(
            post=post,
            starts_at=at(10, 8),
            ends_at=at(10, 20),
            leader=officer,
            officers=[town2],
            user=officer,
        )
    assert "officers" in error.value.error_dict


def generate(client, post, officers, leaders, **extra):
    data = {"first_day": "2027-02-10", "days": 3, "pattern": "24h", **extra}
    data.update({f"officers_{pk}": turn for pk, turn in officers.items()})
    data.update({f"leaders_{pk}": turn for pk, turn in leaders.items()})
    return client.post(reverse("duty_roster:generate", args=[post.pk]), data)


def test_the_generated_roster_follows_the_numbered_order(client_for, officer, post, township1):
    first, second, third = (
        TownshipStaffFactory(township=township1, full_name=name) for name in ("甲", "乙", "丙")
    )
    response = generate(
        client_for(officer),
        post,
        officers={third.pk: "1", first.pk: "2", second.pk: "3"},
        leaders={officer.pk: "1"},
    )
    assert response.status_code == 302
    shifts = Shift.objects.order_by("starts_at")
    assert [shift.officers.get().full_name for shift in shifts] == ["丙", "甲", "乙"]
    assert shifts[0].starts_at == datetime.datetime(2027, 2, 10, 8, 30, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("turns", "message"),
    [
        (["1", "1"], "只能安排一人"),
        (["1", "x"], "不是有效的轮班序号"),
        (["0", "2"], "不是有效的轮班序号"),
        (["1", "２"], "不是有效的轮班序号"),
    ],
)
def test_bad_turn_numbers_are_errors_beside_the_field(
    client_for, officer, post, namesakes, turns, message
):
    response = generate(
        client_for(officer),
        post,
        officers={namesakes[0].pk: turns[0], namesakes[1].pk: turns[1]},
        leaders={officer.pk: "1"},
    )
    assert response.status_code == 200
    assert message in str(response.context["generate_form"].errors["officers"])
    assert not Shift.objects.exists()


@pytest.mark.parametrize("stranger", ["other_township", "unknown", "huge", "text"])
def test_a_rotation_naming_someone_not_offered_is_an_error(
    client_for, officer, post, town2, stranger
):
    pk = {"other_township": town2.pk, "unknown": 987654, "huge": "9" * 25, "text": "abc"}[stranger]
    response = generate(client_for(officer), post, officers={pk: "1"}, leaders={officer.pk: "1"})
    assert response.status_code == 200
    assert response.context["generate_form"].errors["officers"]
    assert not Shift.objects.exists()


def test_an_empty_rotation_is_required(client_for, officer, post):
    response = generate(client_for(officer), post, officers={}, leaders={officer.pk: "1"})
    assert response.context["generate_form"].errors["officers"]


def test_a_rotation_keeps_its_numbers_when_the_form_comes_back(
    client_for, officer, post, namesakes
):
    response = generate(
        client_for(officer),
        post,
        officers={namesakes[0].pk: "2", namesakes[1].pk: "1"},
        leaders={officer.pk: "1"},
        days="0",
    )
    html = response.content.decode()
    assert f'name="officers_{namesakes[0].pk}" id="id_officers_{namesakes[0].pk}" value="2"' in html


def test_swap_picker_offers_colleagues_not_already_on_the_shift(
    client_for, post, town1, namesakes, officer
):
    shift = ShiftFactory(post=post, leader=town1, officers=[namesakes[0]])
    page = client_for(town1).get(reverse("duty_roster:shift", args=[shift.pk]))
    assert list(page.context["swap_form"].fields["replacement"].queryset) == [namesakes[1]]


def test_shift_officers_are_checkboxes_not_a_long_select(client_for, officer, post, namesakes):
    page, _shift_form, _generate = roster_forms(client_for(officer), post)
    assert f'type="checkbox" name="officers" value="{namesakes[0].pk}"' in page.content.decode()


def test_the_county_bureau_is_named_as_the_place_of_county_staff(client_for, officer, post):
    page, _shift_form, _generate = roster_forms(client_for(officer), post)
    assert f"{UserFactory._meta.model.objects.get(pk=officer.pk).display_name}（县局" in (
        page.content.decode()
    )
