"""The hazard and inspection counts on officers' pages are cached a minute per scope."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from inspections import home
from inspections.models import Hazard, HazardStatus
from tests.inspections.factories import HazardFactory

LATE = datetime.date(2026, 3, 1)


@pytest.fixture
def local_cache(settings):
    # The local-memory cache reads the clock time-machine moves (Redis keeps its own).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def overdue_hazard(institution, **fields):
    return HazardFactory(institution=institution, deadline=LATE, **fields)


def counting(queries, table):
    return [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]


def test_a_second_view_within_the_minute_counts_nothing_again(
    client_for, officer, institution1, django_assert_max_num_queries
):
    overdue_hazard(institution1)
    client = client_for(officer)
    with django_assert_max_num_queries(50) as first:
        client.get(reverse("inspections:index"))
    with django_assert_max_num_queries(50) as second:
        response = client.get(reverse("inspections:index"))
    assert len(counting(first, "inspections_hazard")) == 1
    assert counting(second, "inspections_hazard") == []
    assert len(second.captured_queries) == len(first.captured_queries) - 1
    assert response.context["hazards"]["overdue"] == 1


def test_the_home_panel_counts_come_from_the_cache_the_second_time(
    client_for, town1, institution1, django_assert_max_num_queries
):
    overdue_hazard(institution1)
    client = client_for(town1)
    with django_assert_max_num_queries(80) as first:
        client.get(reverse("home"))
    with django_assert_max_num_queries(80) as second:
        response = client.get(reverse("home"))
    assert len(counting(first, "inspections_hazard")) == 1
    assert len(counting(first, "inspections_inspection")) == 1
    assert counting(second, "inspections_hazard") == []
    assert counting(second, "inspections_inspection") == []
    panel = next(p for p in response.context["panels"] if "overdue_hazards" in p)
    assert panel["overdue_hazards"] == 1


def test_a_bulk_change_shows_once_the_minute_is_over(local_cache, officer, institution1):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        hazard = overdue_hazard(institution1)
        assert home.hazard_counts(officer)["overdue"] == 1
        # As the supervision scan and the fan-out write: in bulk, with no signal.
        Hazard.objects.filter(pk=hazard.pk).update(status=HazardStatus.CLOSED)
        clock.shift(datetime.timedelta(seconds=30))
        assert home.hazard_counts(officer)["overdue"] == 1  # still the cached count
        clock.shift(datetime.timedelta(seconds=31))
        assert home.hazard_counts(officer)["overdue"] == 0


def test_a_hazard_saved_shows_at_once(local_cache, officer, institution1):
    overdue_hazard(institution1)
    assert home.hazard_counts(officer)["overdue"] == 1
    overdue_hazard(institution1)
    assert home.hazard_counts(officer)["overdue"] == 2


def test_each_township_keeps_its_own_counts(
    officer, town1, town2, inst1, institution1, institution2
):
    overdue_hazard(institution1)
    overdue_hazard(institution1, status=HazardStatus.SUBMITTED)
    overdue_hazard(institution2)
    assert home.hazard_counts(town1)["overdue"] == 2
    assert home.hazard_counts(town2)["overdue"] == 1
    assert home.hazard_counts(officer)["overdue"] == 3
    assert home.hazard_counts(inst1)["awaiting"] == 1
    assert home.hazard_counts(town2)["awaiting"] == 0


def test_closed_hazards_are_not_counted(officer, institution1):
    overdue_hazard(institution1, status=HazardStatus.CLOSED)
    assert home.hazard_counts(officer) == {
        "unresolved": 0,
        "overdue": 0,
        "awaiting": 0,
        "supervised": 0,
    }


def test_the_home_panel_keeps_inspections_and_hazards_apart(town1, institution1):
    overdue_hazard(institution1)
    overdue_hazard(institution1)
    [panel] = home.panels(town1)
    assert panel["overdue_hazards"] == 2
    assert panel["overdue"] == 0  # inspections overdue
    assert "supervised" not in panel
