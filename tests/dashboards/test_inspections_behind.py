"""The list behind a coverage figure: the inspections it counts, scoped as the page."""

import datetime

import pytest
from django.db import connection

from dashboards import queries
from dashboards.forms import InspectionListForm
from dashboards.views import PAGE_SIZE
from inspections.models import InspectionStatus
from tests.dashboards.conftest import TODAY
from tests.inspections.factories import InspectionFactory

DAY = datetime.timedelta(days=1)


def _sweep(festival, institution1, institution2):
    def inspection(institution, due_on, status=InspectionStatus.DRAFT):
        return InspectionFactory(
            institution=institution,
            campaign=festival,
            version=festival.version,
            due_on=due_on,
            status=status,
        )

    return {
        "done": inspection(institution1, TODAY - 3 * DAY, InspectionStatus.SUBMITTED),
        "due": inspection(institution1, TODAY + 3 * DAY),
        "overdue": inspection(institution1, TODAY - 2 * DAY),
        "elsewhere": inspection(institution2, TODAY - 2 * DAY),
    }


def _listed(response):
    return [inspection.pk for inspection in response.context["page"]]


def test_each_festival_figure_links_to_the_inspections_it_counts(
    client_for, officer, festival, institution1, institution2
):
    made = _sweep(festival, institution1, institution2)
    client = client_for(officer)
    row = next(
        r for r in client.get("/dashboard/").context["festival"]["rows"] if r["name"] == "羊册镇"
    )

    for state in ("done", "due", "overdue"):
        response = client.get(row["links"][state])
        assert response.status_code == 200
        assert _listed(response) == [made[state].pk], state
        assert row[state] == 1
    everything = client.get(row["links"]["all"])
    assert sorted(_listed(everything)) == sorted(made[s].pk for s in ("done", "due", "overdue"))


def test_the_league_tables_coverage_links_to_the_period_s_inspections(
    client_for, officer, festival, institution1, institution2
):
    made = _sweep(festival, institution1, institution2)
    client = client_for(officer)
    row = next(r for r in client.get("/dashboard/").context["league"] if r["name"] == "羊册镇")

    done = client.get(row["links"]["inspections_done"])
    everything = client.get(row["links"]["inspections"])

    assert _listed(done) == [made["done"].pk]
    assert len(_listed(everything)) == row["inspections_total"] == 3


def test_a_clerk_cannot_list_another_townships_inspections(
    client_for, town1, township2, festival, institution1, institution2
):
    made = _sweep(festival, institution1, institution2)

    response = client_for(town1).get(
        "/dashboard/inspections/", {"campaign": festival.pk, "township": township2.pk}
    )

    assert made["elsewhere"].pk not in _listed(response)
    assert len(_listed(response)) == 3


def test_institution_staff_are_sent_home(client_for, inst1):
    assert client_for(inst1).get("/dashboard/inspections/").status_code == 302


def test_odd_parameters_are_form_errors_not_server_errors(client_for, officer, festival):
    client = client_for(officer)
    for query in (
        {"campaign": "99999999"},
        {"campaign": "x" * 40},
        {"state": "everything"},
        {"page": "-1"},
        {"page": "9" * 40},
        {"date_from": "2027-13-01"},
    ):
        assert client.get("/dashboard/inspections/", query).status_code == 200, query


# --- The index ----------------------------------------------------------------


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="reads PostgreSQL's query plans"
)


def plan_of(queryset):
    """The plan of `queryset` with sorting and sequential scans priced out: a Sort
    appears only if no index gives the rows in their order."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql_only
@pytest.mark.parametrize("role", ["officer", "town1"])
def test_the_period_s_campaign_inspections_are_read_in_order_from_an_index(db, request, role):
    # The festival sweep and a twice-weekly report fan out to every institution of their
    # kinds: sorting all of the period's inspections to show 50 grew with the county
    # (30 → 126 ms from 1× to 10×).
    user = request.getfixturevalue(role)
    filters = InspectionListForm(None, user=user).filters()
    listed = queries.inspections_behind(user, filters)[: PAGE_SIZE + 1]

    plan = plan_of(listed)

    assert "inspection_campaign_due" in plan
    assert "Sort" not in plan
