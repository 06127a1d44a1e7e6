"""The home page's spot checks card (查岗): a township's findings to answer; the county's
findings waiting to be closed and this month's failed checks."""

import datetime

import pytest
from django.urls import reverse

from duty_roster import services
from duty_roster.home import panels, spot_check_panel
from duty_roster.models import PostKind
from tests.duty_roster.factories import DutyPostFactory, at
from tests.factories import InstitutionStaffFactory, UserFactory

NOW = at(1, 9)  # Monday 1 February 2027 (tests/duty_roster/conftest.py)


def record(officer, post, *, days_ago=0, result="failed"):
    present = result == "passed"
    return services.record_spot_check(
        user=officer,
        post=post,
        checked_at=NOW - datetime.timedelta(days=days_ago, minutes=5),
        method="phone",
        answered_by="门卫",
        leader_present=present,
        officers_present=present,
        result=result,
        findings="" if present else "带班领导不在岗",
    )


@pytest.fixture
def centre(township1):
    return DutyPostFactory(name="羊册镇值班室", township=township1)


def card(user):
    return spot_check_panel(user, NOW)


def test_a_township_sees_how_many_findings_it_has_to_answer(officer, centre, town1, town2):
    record(officer, centre)
    record(officer, centre, days_ago=1)
    answered = record(officer, centre, days_ago=2)
    services.answer_spot_check(check=answered, user=town1, response="已整改")
    record(officer, centre, result="passed")
    assert card(town1)["to_answer"] == 2
    assert card(town2) is None  # another township's findings are not its own


def test_an_institution_sees_its_own_posts_findings(officer, institution1, institution2):
    home = DutyPostFactory(kind=PostKind.INSTITUTION, institution=institution1)
    record(officer, home)
    mine = InstitutionStaffFactory(username="inst9", institution=institution1)
    other = InstitutionStaffFactory(username="inst8", institution=institution2)
    assert card(mine)["to_answer"] == 1
    assert card(other) is None


def test_no_card_for_a_township_with_nothing_to_answer(town1, centre):
    assert len(panels(town1)) == 1  # the duty card only


def test_the_county_sees_findings_to_close_and_this_months_failed_checks(
    officer, centre, town1, township2
):
    to_close = record(officer, centre)
    services.answer_spot_check(check=to_close, user=town1, response="已整改")
    record(officer, DutyPostFactory(township=township2))  # this month, not answered
    closed = record(officer, centre, days_ago=5)  # last month, answered and closed
    services.answer_spot_check(check=closed, user=town1, response="已整改")
    services.close_spot_check(check=closed, user=officer)
    last_month = record(officer, centre, days_ago=4)  # last month, answered, still open
    services.answer_spot_check(check=last_month, user=town1, response="已整改")
    record(officer, centre, result="passed")
    shown = card(officer)
    assert (shown["to_close"], shown["failed_this_month"]) == (2, 2)
    assert shown["month_start"].date() == datetime.date(2027, 2, 1)


def test_the_three_administrators_get_no_card(db):
    from institutions.models import Role

    auditor = UserFactory(username="auditor", role=Role.AUDIT_ADMIN)
    assert card(auditor) is None


@pytest.mark.parametrize("count", [2, 12])
def test_the_county_card_is_one_query_at_any_size(
    officer, township1, town1, count, django_assert_num_queries
):
    post = DutyPostFactory(township=township1)
    for n in range(count):
        check = record(officer, post, days_ago=n % 3)
        if n % 2:
            services.answer_spot_check(check=check, user=town1, response="已整改")
    with django_assert_num_queries(1):
        card(officer)
    with django_assert_num_queries(1):
        card(town1)


def test_the_home_page_links_the_cards_lists(client_for, officer, centre, town1):
    record(officer, centre)
    page = client_for(town1).get(reverse("home")).content.decode()
    assert f'href="{reverse("duty_roster:spot_checks")}?follow_up=awaiting"' in page
    assert "待反馈的查岗问题" in page
    county = client_for(officer).get(reverse("home")).content.decode()
    assert f'href="{reverse("duty_roster:spot_checks")}?follow_up=answered"' in county
    assert "?result=failed&amp;date_from=2027-02-01" in county
