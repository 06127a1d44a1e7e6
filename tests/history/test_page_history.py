"""The county sees an object's change history on its page: who, when, from where and
what changed; nobody else gets it, and it costs the same however long the history is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.history.conftest import CASES, TOWNSHIP_PAGES, history_section


def section_of(response):
    return history_section(response.content.decode())


@pytest.mark.parametrize("page", CASES)
def test_an_officer_sees_who_changed_the_object_from_where(client_for, officer, make_case, page):
    case = make_case(page)
    case.change(1)
    case.obj.history.filter(history_type="~").update(ip_address="198.51.100.23")
    response = client_for(officer).get(case.url)
    assert response.status_code == 200
    section = section_of(response)
    assert section is not None
    assert "变更记录" in section
    assert "198.51.100.23" in section
    assert "→" in section  # a field-level change, old → new


@pytest.mark.parametrize("page", TOWNSHIP_PAGES)
def test_a_township_clerk_who_may_open_the_page_does_not_get_its_history(
    client_for, town1, make_case, page
):
    case = make_case(page)
    case.change(1)
    response = client_for(town1).get(case.url)
    assert response.status_code == 200
    assert response.context["history"] is None
    assert section_of(response) is None
    assert "变更记录" not in response.content.decode()


@pytest.mark.parametrize("page", CASES)
def test_a_long_history_costs_no_more_queries_than_a_short_one(
    client_for, officer, make_case, page, django_assert_max_num_queries
):
    short, long = make_case(page), make_case(page)
    short.change(1)
    long.change(30)
    client = client_for(officer)
    client.get(short.url)  # the session's first request writes what later ones do not
    with CaptureQueriesContext(connection) as first:
        client.get(short.url)
    with django_assert_max_num_queries(len(first)):
        response = client.get(long.url)
    # Capped: the latest 20 versions, and a word that there are more.
    assert len(response.context["history"].versions) == 20
    assert response.context["history"].has_more
    assert "更早的记录请在管理后台查看" in section_of(response)
