"""The pages each role works in: home, lists, filters, and what they cost in queries."""

import pytest
from django.urls import reverse

from institutions.models import InstitutionKind
from tests.factories import InstitutionFactory


def test_home_shows_institution_staff_their_own_institution(client_for, inst1, institution1):
    response = client_for(inst1).get(reverse("home"))
    assert response.context["own_institution"] == institution1


def test_home_lists_township_institutions_that_need_attention(client_for, town1, township1):
    gap = InstitutionFactory(township=township1, has_sandwich_panels=True)
    InstitutionFactory(township=township1)
    response = client_for(town1).get(reverse("home"))
    assert list(response.context["attention"]) == [gap]
    assert "存在夹芯彩钢板" in response.content.decode()


def test_home_shows_the_county_by_township_to_bureau(
    client_for, officer, institution1, institution2
):
    response = client_for(officer).get(reverse("home"))
    names = [township.name for township in response.context["townships"]]
    assert names == ["羊册镇", "马谷田镇"]


def test_institution_list_filters_by_kind_and_search(client_for, officer, township1):
    care_home = InstitutionFactory(name="春晖养老院", township=township1)
    InstitutionFactory(
        name="春晖婚姻登记处", kind=InstitutionKind.MARRIAGE_REGISTRY, township=township1
    )
    response = client_for(officer).get(
        reverse("institutions:list"), {"q": "春晖", "kind": InstitutionKind.ELDERLY_CARE}
    )
    assert list(response.context["page"]) == [care_home]


def test_htmx_filter_returns_only_the_results_fragment(client_for, officer, institution1):
    response = client_for(officer).get(reverse("institutions:list"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page
    assert institution1.name in page


@pytest.mark.parametrize("count", [3, 30])
def test_institution_list_costs_the_same_queries_however_many_rows(
    client_for, officer, township1, count, django_assert_num_queries
):
    InstitutionFactory.create_batch(count, township=township1)
    client = client_for(officer)
    # Request savepoint pair; session, user; count, page of institutions with their
    # townships, townships for the filter; the idle-timeout session save and its savepoints.
    with django_assert_num_queries(10):
        client.get(reverse("institutions:list"))


@pytest.mark.parametrize("count", [2, 20])
def test_home_costs_the_same_queries_however_many_institutions(
    client_for, officer, township1, count, django_assert_num_queries
):
    InstitutionFactory.create_batch(count, township=township1, has_sandwich_panels=True)
    client = client_for(officer)
    # As the list page, with totals, attention list, kinds and townships instead of the
    # page, and the counts of the inspections (2), duty (4, with the spot checks' card),
    # relief (4: visits overdue, applications waiting, people found and children not yet
    # decided), daily reports (1: no reporting period covers today), preparedness (2: plans
    # overdue, supplies flagged) and epidemic (3: the week's homes and figures, open
    # follow-ups) panels.
    with django_assert_num_queries(27):
        client.get(reverse("home"))


def test_township_list_shows_totals(client_for, officer, institution1):
    response = client_for(officer).get(reverse("institutions:townships"))
    township = response.context["townships"][0]
    assert township.institution_count == 1
    assert township.residents_total == institution1.residents


def test_the_institution_search_finds_a_credit_code_typed_full_width_or_spaced(
    client_for, officer, institution1
):
    code = institution1.credit_code
    typed = " " + "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in code.lower())
    page = client_for(officer).get(reverse("institutions:list"), {"q": typed}).content.decode()
    assert institution1.name in page
