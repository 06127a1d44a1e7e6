"""The relief home page and the county's people list cost the same at any size: the overdue
list is the first few along the list's index with the count a cached figure, and the county
list is read along the index person_list_order (township, village, name, id)."""

import pytest
from django.urls import reverse

from relief.home import panels
from relief.models import Person, PersonCategory, VisitRule
from relief.views import HOME_OVERDUE
from tests.factories import TownshipFactory
from tests.relief.factories import PersonFactory


@pytest.fixture(autouse=True)
def rules(db):
    VisitRule.objects.create(category="orphan", every_days=60)


def overdue(person):
    PersonCategory.objects.create(person=person, category="orphan", start_date="2026-01-01")
    return person


def home(client):
    return client.get(reverse("relief:index"))


@pytest.mark.parametrize("count", [3, 25])
def test_the_home_page_runs_the_same_queries_however_many_are_overdue(
    client_for, officer, township1, count, django_assert_num_queries
):
    for person in PersonFactory.create_batch(count, township=township1):
        overdue(person)
    client = client_for(officer)
    # savepoints, session, user, visit rules (for the page and for the count), overdue
    # count, open conflicts, overdue page, waiting, batches, session save
    with django_assert_num_queries(14):
        response = home(client)
    assert len(response.context["overdue"]) == min(count, HOME_OVERDUE)
    assert response.context["overdue_count"] == count


def test_the_home_page_shows_the_first_few_in_list_order_and_links_to_all(
    client_for, town1, township1
):
    for village, name in [("李庄村", "乙"), ("李庄村", "甲"), ("东村", "丙")] * 4:
        overdue(PersonFactory(township=township1, village=village, name=name))
    response = home(client_for(town1))
    shown = list(response.context["overdue"])
    expected = list(
        Person.objects.filter(township=township1).order_by("village", "name", "pk")[:HOME_OVERDUE]
    )
    assert shown == expected
    assert response.context["overdue_count"] == 12
    assert f"{reverse('relief:people')}?overdue=on" in response.content.decode()
    assert "全部12名超期未走访对象" in response.content.decode()


def test_the_home_page_counts_come_from_the_cache_on_the_second_view(
    client_for, officer, township1, django_assert_num_queries
):
    overdue(PersonFactory(township=township1))
    client = client_for(officer)
    assert panels(officer)[0]["overdue_visits"] == 1  # the home panel's figure, shared
    home(client)
    with django_assert_num_queries(11):  # as above without the rules, the two counts
        response = home(client)
    assert response.context["overdue_count"] == 1
    assert "全部" not in response.content.decode()  # the one overdue person is shown


def test_the_county_list_goes_by_township_then_village_then_name(client_for, officer):
    first = TownshipFactory(name="花园街道", code="411726001")
    second = TownshipFactory(name="羊册镇", code="411726102")
    PersonFactory(township=second, village="东村", name="甲")
    PersonFactory(township=first, village="西村", name="乙")
    PersonFactory(township=first, village="西村", name="丙")
    PersonFactory(township=first, village="东村", name="丁")
    page = client_for(officer).get(reverse("relief:people")).context["page"]
    assert [(p.township_id, p.village, p.name) for p in page] == [
        (first.pk, "东村", "丁"),
        (first.pk, "西村", "丙"),
        (first.pk, "西村", "乙"),
        (second.pk, "东村", "甲"),
    ]


def test_the_county_list_is_ordered_by_the_persons_own_columns_not_through_a_join(officer):
    query = str(Person.objects.visible_to(officer).in_list_order(officer).query)
    order_by = query.upper().rsplit("ORDER BY", 1)[1]
    assert '"RELIEF_PERSON"."TOWNSHIP_ID"' in order_by
    assert "CODE" not in order_by
