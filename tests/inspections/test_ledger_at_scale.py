"""The hazard ledger costs the same whatever the size of the county's history.

Its count stops at a cap, its institution picker is a search (no <select> of every
institution), and an index serves each of its orders and selective filters: with
sorting and sequential scans priced out, the planner still finds a plan without a
Sort, which it cannot without the index.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config import paging
from inspections.filters import HazardFilter
from inspections.models import Hazard, HazardStatus, Inspection, Severity
from tests.factories import InstitutionFactory
from tests.inspections.factories import HazardFactory


def ledger(client, **params):
    return client.get(reverse("inspections:ledger"), params)


def test_a_count_past_the_cap_says_more_than_and_pages_on(
    client_for, officer, institution1, monkeypatch
):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    HazardFactory.create_batch(30, institution=institution1)
    client = client_for(officer)
    first = ledger(client)
    html = first.content.decode()
    assert "超过3条隐患" in html or "More than 3 hazards" in html
    assert first.context["page"].paginator.num_pages is None
    second = ledger(client, page=2)
    assert len(second.context["page"]) == 5
    assert not second.context["page"].has_next()
    assert ">2</span>" in second.content.decode()  # the page number, without "of N"


def test_a_count_within_the_cap_is_exact(client_for, officer, institution1, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 50)
    HazardFactory.create_batch(30, institution=institution1)
    page = ledger(client_for(officer), page=9).context["page"]
    assert page.paginator.count == 30
    assert page.paginator.num_pages == 2
    assert page.number == 2  # past the end: the last page, as before
    assert len(page) == 5


@pytest.mark.parametrize("count", [3, 40])
def test_ledger_costs_the_same_queries_however_many_hazards(
    client_for, town1, institution1, count, django_assert_num_queries
):
    HazardFactory.create_batch(count, institution=institution1)
    InstitutionFactory.create_batch(count, township=institution1.township)
    client = client_for(town1)
    ledger(client)  # the session and the user are read once
    cache.clear()  # the filter form is cached for a minute: render it afresh
    # Session and user; the capped count and the page; the township choices (the
    # clerk's one, and its list); the session saved; two savepoints and releases.
    with django_assert_num_queries(11):
        ledger(client)


def test_the_filter_form_is_rendered_once_a_minute_per_scope_and_filters(
    client_for, officer, institution1, township2
):
    def filter_form(response):
        return re.search(r'<form method="get".*?</form>', response.content.decode(), re.S)[0]

    client = client_for(officer)
    first = filter_form(ledger(client, status="open"))
    with CaptureQueriesContext(connection) as captured:
        again = filter_form(ledger(client, status="open"))
    other = filter_form(ledger(client, status="closed"))

    assert again == first
    assert not any("institutions_township" in q["sql"] for q in captured.captured_queries)
    assert '<option value="open" selected>' in first
    assert '<option value="closed" selected>' in other


def test_a_township_ledger_lists_no_institutions_in_the_page(client_for, town1, institution1):
    names = [i.name for i in InstitutionFactory.create_batch(30, township=institution1.township)]
    html = ledger(client_for(town1)).content.decode()
    assert not any(name in html for name in names)
    assert 'name="institution_name"' in html
    assert 'type="hidden" name="institution"' in html


def test_typing_part_of_a_name_filters_without_javascript(client_for, town1, institution1):
    other = InstitutionFactory(township=institution1.township, name="城关镇光荣院")
    HazardFactory(institution=institution1)
    mine = HazardFactory(institution=other)
    response = ledger(client_for(town1), institution_name="光荣")
    assert list(response.context["page"]) == [mine]


def test_a_picked_institution_wins_over_the_typed_name_and_shows_its_name(
    client_for, town1, institution1
):
    hazard = HazardFactory(institution=institution1)
    response = ledger(client_for(town1), institution=institution1.pk)
    assert list(response.context["page"]) == [hazard]
    assert f'value="{institution1.name}"' in response.content.decode()


def test_an_institution_of_another_township_is_not_a_valid_pick(
    client_for, town1, institution1, institution2
):
    HazardFactory(institution=institution2)
    response = ledger(client_for(town1), institution=institution2.pk)
    assert list(response.context["page"]) == []


# --- The institution search ------------------------------------------------


def options(client, typed, **params):
    response = client.get(
        reverse("inspections:institution_options"), {"institution_name": typed, **params}
    )
    return list(response.context["institutions"]), response


def test_the_search_suggests_only_institutions_in_the_users_scope(
    client_for, town1, inst1, institution1, institution2
):
    found, _response = options(client_for(town1), "敬老院")
    assert found == [institution1]
    found, _response = options(client_for(inst1), "敬老院")
    assert found == [institution1]


def test_the_search_suggests_at_most_twenty(client_for, officer, township1):
    InstitutionFactory.create_batch(25, township=township1)
    found, response = options(client_for(officer), "敬老院")
    assert len(found) == 20
    assert response.content.decode().count("<button") == 20


def test_the_search_needs_something_typed(client_for, officer, institution1):
    found, _response = options(client_for(officer), "  ")
    assert found == []


def test_the_search_ignores_a_bad_township(client_for, officer, institution1):
    found, _response = options(client_for(officer), "敬老院", township="²")
    assert found == [institution1]


def test_the_search_asks_for_a_login(client, db):
    response = client.get(reverse("inspections:institution_options"), {"institution_name": "院"})
    assert response.status_code == 302


# --- Indexes ----------------------------------------------------------------


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="reads PostgreSQL's query plans"
)


def plan_of(queryset, *, without=()):
    """The plan of `queryset`, with the indexes named in `without` dropped for the test
    (an empty table gives the planner no reason to prefer a narrower index)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for index in without:
            cursor.execute(f"DROP INDEX {index}")
        # Priced out, not forbidden: a Sort or a Seq Scan appears only if nothing else can.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def ledger_rows(user, **params):
    visible = Hazard.objects.visible_to(user).select_related("institution__township")
    hazards = HazardFilter(params, queryset=visible, user=user).qs
    return hazards.order_by("deadline", "pk")[:26]


@postgresql_only
@pytest.mark.parametrize(
    "params, index",
    [
        ({}, "hazard_deadline_id"),
        ({"overdue": "true"}, "hazard_unresolved_deadline"),
        ({"supervised": "true"}, "hazard_supervised_deadline"),
        ({"severity": Severity.MAJOR}, "hazard_major_deadline"),
        ({"category": "gas"}, "hazard_category_deadline"),
    ],
)
def test_an_index_reads_the_ledger_in_its_order(officer, params, index):
    others = [] if index == "hazard_deadline_id" else ["hazard_deadline_id"]
    plan = plan_of(ledger_rows(officer, **params), without=others)
    assert index in plan
    assert "Sort" not in plan


@postgresql_only
def test_a_township_ledger_is_read_in_deadline_order_too(town1):
    plan = plan_of(ledger_rows(town1))
    assert "Sort" not in plan
    assert "hazard_deadline_id" in plan


@postgresql_only
def test_recently_submitted_inspections_are_read_from_an_index(officer):
    recent = Inspection.objects.visible_to(officer).filter(status="submitted")
    plan = plan_of(recent.order_by("-submitted_at")[:10])
    assert "inspection_status_submitted" in plan
    assert "Sort" not in plan


@postgresql_only
def test_inspections_to_do_are_read_from_an_index(officer):
    plan = plan_of(Inspection.objects.visible_to(officer).due().order_by("due_on")[:50])
    assert "Sort" not in plan
    assert "Seq Scan" not in plan


@postgresql_only
def test_hazard_counts_read_only_the_unresolved_index(officer, institution1):
    HazardFactory(institution=institution1)
    HazardFactory(institution=institution1, status=HazardStatus.CLOSED)
    overdue = Hazard.objects.unresolved().filter(deadline__lt=timezone.localdate())
    plan = plan_of(overdue.values("pk"), without=["hazard_deadline_id"])
    assert re.search(r"Index (Only )?Scan using hazard_unresolved_deadline", plan)
