"""The township league table: sorted on the server by a whitelisted key, each figure a
link to the list behind it."""

import datetime
from urllib.parse import parse_qs, urlsplit

from inspections.models import HazardStatus
from tests.dashboards.conftest import TODAY, moment
from tests.factories import InstitutionFactory, TownshipFactory
from tests.inspections.factories import HazardFactory

DAY = datetime.timedelta(days=1)


def _names(response):
    return [row["name"] for row in response.context["league"]]


def _county(township1, township2, institution1, institution2):
    """羊册镇: 1 of 2 unresolved overdue; 马谷田镇: 3 of 3; 第三镇: none at all."""
    third = TownshipFactory(name="第三镇", code="411726999")
    InstitutionFactory(township=third)
    HazardFactory(institution=institution1, deadline=TODAY - DAY)
    HazardFactory(institution=institution1)
    HazardFactory.create_batch(3, institution=institution2, deadline=TODAY - DAY)
    return third


def test_the_table_is_in_township_code_order_by_default(
    page, officer, festival, township1, township2, institution1, institution2
):
    _county(township1, township2, institution1, institution2)

    assert _names(page(officer)) == ["羊册镇", "马谷田镇", "第三镇"]


def test_sorted_by_overdue_rate_worst_first_with_unknown_rates_last(
    page, officer, festival, township1, township2, institution1, institution2
):
    _county(township1, township2, institution1, institution2)

    response = page(officer, sort="-overdue_rate")

    assert _names(response) == ["马谷田镇", "羊册镇", "第三镇"]
    assert [row["overdue_rate"] for row in response.context["league"]] == [100.0, 50.0, None]
    assert _names(page(officer, sort="overdue_rate")) == ["羊册镇", "马谷田镇", "第三镇"]


def test_an_unknown_sort_key_is_the_default_order(
    page, officer, festival, township1, township2, institution1, institution2
):
    _county(township1, township2, institution1, institution2)

    response = page(officer, sort="name); DROP TABLE x; --")

    assert response.status_code == 200
    assert response.context["sort"] == "township"
    assert _names(response) == ["羊册镇", "马谷田镇", "第三镇"]


def test_the_heading_of_the_current_sort_turns_it_round(page, officer, festival, township1):
    columns = {c["key"]: c["url"] for c in page(officer, sort="missed").context["league_columns"]}

    assert "sort=-missed" in columns["missed"]
    assert "sort=coverage" in columns["coverage"]


def test_sorted_by_days_to_close(
    page, officer, festival, township1, township2, institution1, institution2
):
    for institution, days in ((institution1, 5), (institution2, 1)):
        HazardFactory(
            institution=institution,
            status=HazardStatus.CLOSED,
            found_at=moment(2),
            closed_at=moment(2 + days),
        )

    assert _names(page(officer, sort="days_to_close")) == ["马谷田镇", "羊册镇"]
    assert _names(page(officer, sort="-days_to_close")) == ["羊册镇", "马谷田镇"]


def test_the_overdue_figure_links_to_the_ledger_filtered_to_those_hazards(
    client_for, officer, festival, township1, township2, institution1, institution2
):
    _county(township1, township2, institution1, institution2)
    client = client_for(officer)
    row = next(r for r in client.get("/dashboard/").context["league"] if r["name"] == "马谷田镇")

    link = urlsplit(row["links"]["overdue"])
    assert link.path == "/inspections/hazards/"
    assert parse_qs(link.query) == {"township": [str(township2.pk)], "overdue": ["true"]}
    ledger = client.get(row["links"]["overdue"])
    assert ledger.status_code == 200
    assert ledger.context["page"].paginator.count == row["overdue"] == 3


def test_the_closed_figure_links_to_the_townships_closed_hazards(
    client_for, officer, festival, township1, institution1
):
    HazardFactory(
        institution=institution1,
        status=HazardStatus.CLOSED,
        found_at=moment(2),
        closed_at=moment(3),
    )
    client = client_for(officer)
    row = client.get("/dashboard/", {"kind": "elderly_care"}).context["league"][0]

    ledger = client.get(row["links"]["closed"])

    assert parse_qs(urlsplit(row["links"]["closed"]).query)["kind"] == ["elderly_care"]
    assert ledger.context["page"].paginator.count == 1
