"""Relief pages: masked ID numbers, Chinese errors beside the field, scope."""

import datetime

import pytest
from django.urls import reverse

from relief.models import Person, PersonCategory
from tests.relief.factories import PersonFactory, TemporaryAssistanceFactory, id_number


@pytest.fixture
def person(township1):
    return PersonFactory(township=township1, name="王秀英", id_number="11010519491231002X")


def test_people_list_shows_only_masked_numbers(client_for, town1, person):
    page = client_for(town1).get(reverse("relief:people")).content.decode()
    assert "1101**********002X" in page
    assert "11010519491231002X" not in page


def test_own_township_staff_see_the_full_number_on_the_person_page(client_for, town1, person):
    page = client_for(town1).get(reverse("relief:person", args=[person.pk])).content.decode()
    assert "11010519491231002X" in page


def test_id_number_never_appears_in_a_url(client_for, town1, person):
    assert person.id_number not in person.get_absolute_url()


def test_another_townships_person_is_a_404(client_for, town2, person):
    assert client_for(town2).get(reverse("relief:person", args=[person.pk])).status_code == 404


def test_institution_staff_have_no_relief_pages(client_for, inst1):
    assert client_for(inst1).get(reverse("relief:people")).status_code == 403


def person_data(township, **overrides):
    data = {
        "name": "李桂兰",
        "id_number": id_number(7),
        "township": township.pk,
        "village": "王庄村",
        "address": "",
        "phone": "",
        "monthly_income": "0",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010519491231002", "身份证号码应为18位"),
        ("110105194912310021", "身份证号码的校验码不正确"),
        ("110105194902300021", "身份证号码中的出生日期不存在"),
    ],
)
def test_malformed_id_number_gets_a_message_beside_the_field(
    client_for, town1, township1, value, message
):
    response = client_for(town1).post(
        reverse("relief:person_new"), person_data(township1, id_number=value)
    )
    assert message in " ".join(response.context["form"].errors["id_number"])
    assert not Person.objects.exists()


def test_category_ending_before_it_starts_is_refused_beside_the_end_date(client_for, town1, person):
    response = client_for(town1).post(
        reverse("relief:person_action", args=[person.pk, "category"]),
        {"category": "orphan", "start_date": "2026-05-01", "end_date": "2026-04-01"},
    )
    assert "结束日期不能早于开始日期" in " ".join(
        response.context["category_form"].errors["end_date"]
    )
    assert not PersonCategory.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"), [("-50", "金额必须大于零"), ("99999", "超过该项目每次申请的上限")]
)
def test_negative_or_too_large_amount_is_refused_beside_the_field(
    client_for, town1, person, amount, message
):
    programme = TemporaryAssistanceFactory(ceiling=3000)
    response = client_for(town1).post(
        reverse("relief:person_action", args=[person.pk, "application"]),
        {"programme": programme.pk, "amount": amount, "reason": "火灾"},
    )
    assert message in " ".join(response.context["application_form"].errors["amount"])


def test_visit_updates_the_overdue_list(client_for, town1, person):
    from relief.models import VisitRule

    VisitRule.objects.create(category="elderly_alone", every_days=30)
    PersonCategory.objects.create(
        person=person, category="elderly_alone", start_date=datetime.date(2025, 1, 1)
    )
    assert list(Person.objects.overdue_for_visit()) == [person]
    client_for(town1).post(
        reverse("relief:person_action", args=[person.pk, "visit"]),
        {
            "visited_on": datetime.date.today().isoformat(),
            "findings": "身体尚好，缺少冬衣",
            "needs": ["supplies"],
        },
    )
    assert not Person.objects.overdue_for_visit().exists()


@pytest.mark.parametrize("count", [2, 25])
def test_people_list_runs_the_same_queries_however_many_people(
    client_for, town1, township1, count, django_assert_num_queries
):
    PersonFactory.create_batch(count, township=township1)
    client = client_for(town1)
    # savepoints, session, user, township for the menu, count, page, session save
    with django_assert_num_queries(10):
        client.get(reverse("relief:people"))


def test_own_township_staff_can_correct_a_persons_address(client_for, town1, township1, person):
    data = person_data(township1, name=person.name, id_number=person.id_number, village="新村")
    response = client_for(town1).post(reverse("relief:person_edit", args=[person.pk]), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.village == "新村"


def test_edit_cannot_move_a_person_to_another_township(
    client_for, town1, township1, township2, person
):
    data = person_data(township2, name=person.name, id_number=person.id_number)
    response = client_for(town1).post(reverse("relief:person_edit", args=[person.pk]), data)
    person.refresh_from_db()
    assert (response.status_code, person.township_id) == (200, township1.pk)


def test_another_townships_staff_cannot_open_the_edit_page(client_for, town2, person):
    response = client_for(town2).get(reverse("relief:person_edit", args=[person.pk]))
    assert response.status_code == 404
