"""Who is overdue for a home visit: one row per person, each category at its own interval,
counted without a DISTINCT over the people table."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relief.home import panels
from relief.models import HomeVisit, Person, PersonCategory, VisitRule
from tests.relief.factories import PersonFactory

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def rules(db):
    VisitRule.objects.create(category="elderly_alone", every_days=30)
    VisitRule.objects.create(category="orphan", every_days=60)


def in_category(person, category, start=datetime.date(2026, 1, 1), end=None):
    PersonCategory.objects.create(person=person, category=category, start_date=start, end_date=end)
    return person


def last_visited(person, days_ago):
    person.last_visited_on = TODAY - datetime.timedelta(days=days_ago)
    person.save(update_fields=["last_visited_on"])
    return person


def test_each_category_is_overdue_after_its_own_interval(township1):
    elderly = last_visited(in_category(PersonFactory(township=township1), "elderly_alone"), 45)
    orphan = last_visited(in_category(PersonFactory(township=township1), "orphan"), 45)
    late_orphan = last_visited(in_category(PersonFactory(township=township1), "orphan"), 61)
    assert set(Person.objects.overdue_for_visit(TODAY)) == {elderly, late_orphan}
    assert orphan not in Person.objects.overdue_for_visit(TODAY)


def test_never_visited_person_in_a_visited_category_is_overdue(township1):
    person = in_category(PersonFactory(township=township1), "orphan")
    assert list(Person.objects.overdue_for_visit(TODAY)) == [person]


def test_categories_without_a_rule_ended_or_not_started_do_not_count(township1):
    in_category(PersonFactory(township=township1), "dibao")
    in_category(PersonFactory(township=township1), "orphan", end=datetime.date(2026, 6, 30))
    in_category(PersonFactory(township=township1), "orphan", start=datetime.date(2026, 12, 1))
    assert Person.objects.overdue_for_visit(TODAY).count() == 0


def test_a_person_in_several_overdue_categories_is_listed_and_counted_once(township1):
    person = in_category(in_category(PersonFactory(township=township1), "orphan"), "elderly_alone")
    last_visited(person, 100)
    assert list(Person.objects.overdue_for_visit(TODAY)) == [person]
    assert Person.objects.overdue_for_visit(TODAY).count() == 1


def test_the_shortest_interval_of_a_persons_categories_decides(township1):
    # Visited 45 days ago: within the orphan's 60 days, past the elderly's 30.
    person = in_category(in_category(PersonFactory(township=township1), "orphan"), "elderly_alone")
    last_visited(person, 45)
    assert list(Person.objects.overdue_for_visit(TODAY)) == [person]


def test_no_rules_means_nobody_is_overdue(township1):
    in_category(PersonFactory(township=township1), "orphan")
    VisitRule.objects.all().delete()
    assert not Person.objects.overdue_for_visit(TODAY).exists()


def test_the_count_is_a_semi_join_not_a_distinct_over_people(township1):
    in_category(PersonFactory(township=township1), "orphan")
    with CaptureQueriesContext(connection) as captured:
        assert Person.objects.overdue_for_visit(TODAY).count() == 1
    count_sql = captured.captured_queries[-1]["sql"].upper()
    assert "EXISTS" in count_sql
    assert "DISTINCT" not in count_sql


@pytest.mark.parametrize("people", [2, 20])
def test_the_overdue_count_takes_two_queries_however_many_people(
    township1, people, django_assert_num_queries
):
    for person in PersonFactory.create_batch(people, township=township1):
        in_category(in_category(person, "orphan"), "elderly_alone")
    # the visit rules, the count
    with django_assert_num_queries(2):
        assert Person.objects.overdue_for_visit(TODAY).count() == people


def test_the_home_panel_counts_the_users_township_only(town1, township1, township2):
    in_category(PersonFactory(township=township1), "orphan")
    in_category(PersonFactory(township=township2), "orphan")
    assert panels(town1)[0]["overdue_visits"] == 1


def test_the_home_panel_counts_again_after_a_visit_is_recorded(officer, township1):
    person = in_category(PersonFactory(township=township1), "orphan")
    assert panels(officer)[0]["overdue_visits"] == 1
    HomeVisit.objects.create(person=person, visitor=officer, visited_on=TODAY, findings="好")
    last_visited(person, 0)
    assert panels(officer)[0]["overdue_visits"] == 0


def test_the_home_panel_reads_its_figures_from_the_cache_within_the_minute(
    officer, township1, django_assert_num_queries
):
    in_category(PersonFactory(township=township1), "orphan")
    first = panels(officer)
    with django_assert_num_queries(0):
        assert panels(officer) == first


def test_the_overdue_filter_lists_each_person_once(client_for, town1, township1):
    person = in_category(in_category(PersonFactory(township=township1), "orphan"), "elderly_alone")
    page = client_for(town1).get(reverse("relief:people") + "?overdue=on")
    assert list(page.context["page"]) == [person]


def test_the_digests_counts_per_township_match_the_list(township1, township2):
    from notifications.rules.relief import overdue_visits_by_township

    in_category(in_category(PersonFactory(township=township1), "orphan"), "elderly_alone")
    in_category(PersonFactory(township=township1), "orphan")
    last_visited(in_category(PersonFactory(township=township2), "orphan"), 10)  # visited
    in_category(PersonFactory(township=township2), "elderly_alone")
    expected = {}
    for person in Person.objects.overdue_for_visit(TODAY):
        expected[person.township_id] = expected.get(person.township_id, 0) + 1
    assert dict(overdue_visits_by_township(TODAY)) == expected == {township1.pk: 2, township2.pk: 1}
