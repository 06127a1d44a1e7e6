"""The dashboard costs the same number of queries whatever the size of the county, and
its page stays small: figures are grouped queries, lists are bounded."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duty_roster.models import Attendance, Incident
from inspections.models import HazardStatus, InspectionStatus, Severity
from relief.models import ApplicationStatus, Payment, VisitRule
from tests.dashboards.conftest import NOW, TODAY, moment
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory
from tests.factories import InstitutionFactory, TownshipFactory, TownshipStaffFactory
from tests.inspections.factories import HazardFactory, InspectionFactory
from tests.relief.factories import (
    ApplicationFactory,
    PersonCategoryFactory,
    PersonFactory,
    ProgrammeFactory,
)

DAY = datetime.timedelta(days=1)


def grow(festival, townships, n):
    """n of everything in each township: institutions, inspections, hazards at every
    stage, posts and shifts (some absent, some with gaps), incidents, relief."""
    programme = ProgrammeFactory()
    VisitRule.objects.get_or_create(category="orphan", defaults={"every_days": 30})
    for township in townships:
        clerk = TownshipStaffFactory(township=township)
        for i in range(n):
            institution = InstitutionFactory(township=township)
            InspectionFactory(
                institution=institution,
                campaign=festival,
                version=festival.version,
                due_on=TODAY - (i % 3 - 1) * DAY,
                status=InspectionStatus.SUBMITTED if i % 2 else InspectionStatus.DRAFT,
            )
            HazardFactory(institution=institution, deadline=TODAY - DAY, severity=Severity.MAJOR)
            HazardFactory(institution=institution, is_recurring=True, found_at=moment(3))
            HazardFactory(
                institution=institution,
                status=HazardStatus.CLOSED,
                found_at=moment(2),
                closed_at=moment(5),
            )
            post = DutyPostFactory(township=township)
            shift = ShiftFactory(post=post, starts_at=moment(10, 8), leader=clerk)
            Attendance.objects.filter(shift=shift).update(missed_at=moment(10, 9))
            Incident.objects.create(
                occurred_at=NOW - DAY,
                reported_at=NOW - DAY,
                township=township,
                place="二楼",
                category="fire",
                severity="ordinary",
                summary="起火",
                actions_taken="已扑灭",
                who_was_told="镇政府",
                reported_by=clerk,
            )
            person = PersonFactory(township=township)
            PersonCategoryFactory(person=person, category="orphan")
            ApplicationFactory(person=person, filed_by=clerk)
            ApplicationFactory(person=person, filed_by=clerk, status=ApplicationStatus.REVIEWED)
            Payment.objects.create(
                person=person, programme=programme, period="2027-02", amount=600, approved_at=NOW
            )


def _queries(client):
    cache.clear()  # every figure counted afresh
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    return len(captured), len(response.content)


@pytest.mark.parametrize("role", ["officer", "town1"])
def test_the_dashboard_costs_the_same_queries_at_two_sizes(
    request, client_for, django_assert_num_queries, festival, role, township1, township2
):
    user = request.getfixturevalue(role)
    client = client_for(user)
    townships = [township1, township2, TownshipFactory(name="第三镇", code="411726999")]
    grow(festival, townships, 1)
    small, _ = _queries(client)

    grow(festival, townships, 12)

    cache.clear()
    with django_assert_num_queries(small):
        response = client.get("/dashboard/")
    assert response.status_code == 200
    # Two unresolved hazards an institution, 13 institutions a township.
    assert response.context["hazards"]["total"] == (3 if role == "officer" else 1) * 13 * 2


def test_the_page_stays_under_300_kb_with_a_years_period_and_full_lists(
    client_for, officer, festival, township1, township2
):
    grow(festival, [township1, township2], 25)
    client = client_for(officer)

    _, size = _queries(client)
    response = client.get("/dashboard/", {"date_from": "2026-02-11", "date_to": "2027-02-10"})

    assert len(response.context["hazards"]["trend_rows"]) == 365
    assert len(response.context["hazards"]["overdue_list"]) == 20
    assert max(size, len(response.content)) < 300_000


def test_a_second_view_within_the_minute_reads_the_figures_from_the_cache(
    client_for, officer, festival, township1
):
    client = client_for(officer)
    grow(festival, [township1], 2)
    first, _ = _queries(client)

    with CaptureQueriesContext(connection) as captured:
        client.get("/dashboard/")

    assert len(captured) < first - 10


def test_the_list_behind_a_coverage_figure_costs_the_same_queries_at_two_sizes(
    client_for, django_assert_num_queries, officer, festival, township1, township2
):
    client = client_for(officer)
    url = f"/dashboard/inspections/?campaign={festival.pk}"
    grow(festival, [township1, township2], 1)
    with CaptureQueriesContext(connection) as small:
        client.get(url)

    grow(festival, [township1, township2], 30)

    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["page"]) == 50


def test_a_clerks_queries_name_their_township_once(page, town1, festival, institution1):
    # Scope and narrowing both said "township = X": PostgreSQL multiplied the township's
    # share in twice, expected a twentieth of the rows and read a township's every shift
    # for the absences of today (334 ms at 100×).
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert page(town1).status_code == 200
    condition = f'"township_id" = {town1.township_id}'
    repeated = [q["sql"] for q in captured.captured_queries if q["sql"].count(condition) > 1]
    assert repeated == []
