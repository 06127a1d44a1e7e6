"""The printed 值班表 of a post: scoped as the roster page, the coming fortnight by default."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.duty_roster.factories import DutyPostFactory, ShiftFactory, at
from tests.factories import InstitutionStaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _spring_festival_2027():
    # As tests/duty_roster: today is 1 February 2027, 09:00 in Beijing.
    with time_machine.travel(at(1, 9), tick=True):
        yield


def sheet(response):
    """The printed sheet only (the page's links and language form repeat the query)."""
    page = response.content.decode()
    return page[page.index('class="print-sheet"') : page.index("</article>")]


def print_url(post, **query):
    url = reverse("duty_roster:roster_print", args=[post.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def post(township1):
    return DutyPostFactory(name="羊册镇社会事务服务中心", township=township1)


@pytest.fixture
def shifts(post, town1):
    """Shifts on 1, 2 and 20 February 2027 (the tests' today is 1 February)."""
    leader = UserFactory(full_name="带班领导甲", phone="13900000001")
    officer = UserFactory(full_name="值班员乙", phone="13900000002")
    return [
        ShiftFactory(post=post, leader=leader, officers=[officer], starts_at=at(day, 8, 30))
        for day in (1, 2, 20)
    ]


def test_the_coming_fortnight_by_default_with_leaders_officers_and_phones(
    client_for, town1, post, shifts
):
    page = sheet(client_for(town1).get(print_url(post)))
    assert "值班表" in page and post.name in page
    assert "2027-02-01 — 2027-02-14" in page
    assert page.count("带班领导甲") == 2  # the 20th is outside the fortnight
    assert "13900000001" in page and "值班员乙" in page and "13900000002" in page


def test_a_period_asked_for_is_printed(client_for, town1, post, shifts):
    page = sheet(client_for(town1).get(print_url(post, start="2027-02-15", end="2027-02-28")))
    assert page.count("带班领导甲") == 1
    assert "2027-02-20" in page


def test_a_period_longer_than_62_days_is_cut(client_for, town1, post):
    response = client_for(town1).get(print_url(post, start="2027-02-01", end="2027-12-31"))
    assert "2027-04-03" in sheet(response)  # 1 February + 61 days
    assert "2027-12-31" not in sheet(response)
    assert "最长 62 天，已截至 2027-04-03" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"start": "abc", "end": "9999-12-31"},
        {"start": "0001-01-01", "end": "0001-01-01"},
        {"start": "2027-02-30"},
        {"start": "2027-03-01", "end": "2027-02-01"},
        {"start": "%00", "end": "😀"},
    ],
)
def test_unreadable_dates_fall_back_to_the_defaults(client_for, town1, post, query):
    assert client_for(town1).get(print_url(post, **query)).status_code == 200


def test_the_roster_page_links_to_the_print(client_for, town1, post):
    page = client_for(town1).get(reverse("duty_roster:roster", args=[post.pk])).content.decode()
    assert reverse("duty_roster:roster_print", args=[post.pk]) in page
    assert "onclick" not in page


def test_another_townships_clerk_gets_404(client_for, town2, post):
    assert client_for(town2).get(print_url(post)).status_code == 404


def test_institution_staff_print_only_their_own_post(
    client_for, inst1, institution1, institution2, post
):
    own = DutyPostFactory(kind="institution", institution=institution1, township=None)
    other = DutyPostFactory(kind="institution", institution=institution2, township=None)
    client = client_for(inst1)
    assert client.get(print_url(own)).status_code == 200
    assert client.get(print_url(other)).status_code == 404
    assert client.get(print_url(post)).status_code == 404
    stranger = InstitutionStaffFactory(institution=institution2)
    assert client_for(stranger).get(print_url(own)).status_code == 404


def test_the_query_count_does_not_grow_with_shifts(
    client_for, town1, post, township1, assert_same_queries
):
    quiet = DutyPostFactory(township=township1)
    busy = DutyPostFactory(township=township1)
    people = [UserFactory() for _ in range(3)]
    ShiftFactory(post=quiet, leader=people[0], officers=people[1:2], starts_at=at(1, 8, 30))
    for day in range(1, 15):
        ShiftFactory(post=busy, leader=people[0], officers=people[1:], starts_at=at(day, 8, 30))
    assert_same_queries(client_for(town1), print_url(quiet), print_url(busy))


def test_sixty_two_days_are_printed_without_a_note(client_for, town1, post):
    last = datetime.date(2027, 2, 1) + datetime.timedelta(days=61)
    page = client_for(town1).get(print_url(post, start="2027-02-01", end=last.isoformat()))
    assert last.isoformat() in sheet(page)
    assert "最长 62 天，已截至" not in page.content.decode()
