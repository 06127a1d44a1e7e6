"""The dashboard is counted by a Celery task for the scopes people look at, and a save
does not make the next view recount the county (figures are at most a minute old)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import warming
from dashboards.tasks import warm_dashboards
from tests.inspections.factories import HazardFactory


def _queries(page, user, **query):
    with CaptureQueriesContext(connection) as captured:
        response = page(user, **query)
    assert response.status_code == 200
    return response, len(captured)


def test_a_view_of_the_default_dashboard_marks_its_scope_in_use(page, officer, town1, inst1):
    page(officer)
    page(town1)
    page(inst1)  # sent home: nothing to warm

    scopes = warming.scopes_in_use()

    assert scopes == {"county": officer.pk, f"t{town1.township_id}": town1.pk}


def test_a_filtered_view_is_not_warmed(page, officer, festival):
    page(officer, kind="elderly_care")

    assert warming.scopes_in_use() == {}


def test_the_task_counts_what_people_will_see_before_they_look(
    page, officer, festival, institution1
):
    page(officer)
    HazardFactory(institution=institution1)
    _, cached_queries = _queries(page, officer)
    assert page(officer).context["hazards"]["total"] == 0  # a save does not recount

    assert warm_dashboards() == 1

    response, queries = _queries(page, officer)
    assert response.context["hazards"]["total"] == 1
    assert queries == cached_queries  # counted by the task, read from the cache


def test_an_account_deactivated_since_is_not_counted_as(page, officer):
    page(officer)
    officer.is_active = False
    officer.save()

    assert warm_dashboards() == 0
