"""The period, township and kind filters: validated, with Chinese messages, never a 500."""

import datetime

from tests.dashboards.conftest import TODAY


def test_the_period_defaults_to_the_festival_sweeps_dates(page, officer, festival):
    filters = page(officer).context["filters"]

    assert (filters.date_from, filters.date_to) == (festival.starts_on, festival.ends_on)


def test_without_a_festival_sweep_the_period_is_the_last_30_days(page, officer):
    filters = page(officer).context["filters"]

    assert filters.date_to == TODAY
    assert filters.date_from == TODAY - datetime.timedelta(days=29)


def test_a_chosen_period_is_used(page, officer, festival):
    filters = page(officer, date_from="2027-01-01", date_to="2027-01-31").context["filters"]

    assert (filters.date_from, filters.date_to) == (
        datetime.date(2027, 1, 1),
        datetime.date(2027, 1, 31),
    )


def test_a_date_that_is_not_one_is_a_chinese_message_beside_the_field(page, officer, festival):
    response = page(officer, date_from="2027-02-30", date_to="昨天")

    assert response.status_code == 200
    form = response.context["form"]
    assert "date_from" in form.errors and "date_to" in form.errors
    filters = response.context["filters"]
    assert (filters.date_from, filters.date_to) == (festival.starts_on, festival.ends_on)


def test_the_message_is_in_chinese(client_for, officer, festival):
    client = client_for(officer)
    response = client.get(
        "/dashboard/", {"date_from": "not-a-date"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 200
    assert "请输入日期" in response.content.decode()


def test_an_end_before_the_start_is_refused(page, officer, festival):
    response = page(officer, date_from="2027-02-10", date_to="2027-02-01")

    assert "date_to" in response.context["form"].errors
    assert response.context["filters"].date_from == festival.starts_on


def test_a_period_longer_than_a_year_is_refused(page, officer):
    response = page(officer, date_from="2025-01-01", date_to="2027-02-01")

    assert "date_to" in response.context["form"].errors
    assert len(response.context["hazards"]["trend_rows"]) == 30


def test_dates_outside_2000_to_2100_are_refused(page, officer):
    response = page(officer, date_from="1999-12-31", date_to="9999-01-01")

    assert set(response.context["form"].errors) == {"date_from", "date_to"}


def test_an_unknown_township_or_kind_is_refused_not_a_server_error(page, officer):
    for query in (
        {"township": "999999"},
        {"township": "1e9"},
        {"township": "9" * 30},
        {"kind": "casino"},
        {"sort": "pk; drop table"},
        {"date_from": "\x00"},
    ):
        response = page(officer, **query)
        assert response.status_code == 200, query


def test_the_date_boxes_show_the_period_counted_when_none_was_typed(page, officer, festival):
    for query in ({}, {"sort": "-missed"}):
        html = page(officer, **query).content.decode()
        assert 'name="date_from" value="2027-02-01"' in html, query
        assert 'name="date_to" value="2027-02-28"' in html, query
