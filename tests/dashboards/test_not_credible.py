"""The league table counts, per township, the self-inspection items the township or the
bureau failed (自查不实, inspections.levels) in the period: one grouped query whatever the
number of institutions, each figure a link to the institutions behind it."""

import datetime
from urllib.parse import parse_qs, urlsplit

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.models import Answer, InspectionStatus, Level
from tests.dashboards.conftest import NOW, TODAY
from tests.factories import InstitutionFactory, TownshipFactory
from tests.inspections.factories import InspectionFactory, checklist

DAY = datetime.timedelta(days=1)


def _submitted(institution, version, level, values, due_on=TODAY):
    inspection = InspectionFactory(
        institution=institution,
        version=version,
        level=level,
        due_on=due_on,
        status=InspectionStatus.SUBMITTED,
        submitted_at=NOW - DAY,
    )
    Answer.objects.bulk_create(
        Answer(inspection=inspection, item=item, value=value, is_failure=value == "fail")
        for item, value in values.items()
    )


def not_credible(institution, version, items, failed=1, due_on=TODAY):
    """The institution passed every item; the township failed the first `failed` and
    the bureau the first (counted once)."""
    _submitted(institution, version, Level.SELF, dict.fromkeys(items, "pass"), due_on)
    _submitted(
        institution,
        version,
        Level.TOWNSHIP,
        {item: ("fail" if n < failed else "pass") for n, item in enumerate(items)},
        due_on,
    )
    _submitted(institution, version, Level.SUPERVISORY, {items[0]: "fail"}, due_on)


def _rows(response):
    return {row["name"]: row for row in response.context["league"]}


def test_each_township_counts_its_items_not_credible(
    page, officer, festival, institution1, institution2
):
    version, items = checklist(items_per_section=3, sections=1)
    not_credible(institution1, version, items, failed=2)
    not_credible(InstitutionFactory(township=institution1.township), version, items, failed=1)
    # Before the period: not counted.
    not_credible(institution2, version, items, failed=3, due_on=TODAY - 40 * DAY)

    rows = _rows(page(officer))

    assert rows["羊册镇"]["not_credible"] == 3
    assert rows["羊册镇"]["not_credible_institutions"] == 2
    assert rows["马谷田镇"]["not_credible"] == 0


def test_the_figure_links_to_the_institutions_behind_it(
    page, client_for, officer, festival, institution1
):
    version, items = checklist(items_per_section=2, sections=1)
    not_credible(institution1, version, items, failed=2)

    link = _rows(page(officer))["羊册镇"]["links"]["not_credible"]

    query = parse_qs(urlsplit(link).query)
    assert urlsplit(link).path == "/inspections/levels/not-credible/"
    assert query["township"] == [str(institution1.township_id)]
    assert query["date_from"] == ["2027-02-01"] and query["date_to"] == ["2027-02-28"]
    listed = client_for(officer).get(link).context["page"]
    assert [(row["institution_name"], row["items"]) for row in listed] == [("羊册镇敬老院", 2)]


def test_a_clerk_counts_their_own_township_only(page, town1, festival, institution1, institution2):
    version, items = checklist(items_per_section=2, sections=1)
    not_credible(institution1, version, items, failed=1)
    not_credible(institution2, version, items, failed=2)

    rows = _rows(page(town1))

    assert list(rows) == ["羊册镇"]
    assert rows["羊册镇"]["not_credible"] == 1


def test_sorted_by_items_not_credible_worst_first(
    page, officer, festival, institution1, institution2
):
    version, items = checklist(items_per_section=3, sections=1)
    not_credible(institution1, version, items, failed=1)
    not_credible(institution2, version, items, failed=3)

    response = page(officer, sort="-not_credible")

    assert [row["name"] for row in response.context["league"]] == ["马谷田镇", "羊册镇"]


def _queries(client):
    cache.clear()  # every figure counted afresh
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    return len(captured)


def test_the_count_costs_the_same_queries_at_two_sizes(
    client_for, django_assert_num_queries, officer, festival, township1, township2
):
    version, items = checklist(items_per_section=2, sections=1)
    townships = [township1, township2, TownshipFactory(name="第三镇", code="411726999")]
    client = client_for(officer)

    def grow(n):
        for township in townships:
            for _ in range(n):
                not_credible(InstitutionFactory(township=township), version, items, failed=2)

    grow(1)
    small = _queries(client)

    grow(10)

    cache.clear()
    with django_assert_num_queries(small):
        response = client.get("/dashboard/")
    assert [row["not_credible"] for row in response.context["league"]] == [22, 22, 22]
