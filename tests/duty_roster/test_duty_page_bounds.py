"""The duty page stays a glance however large the county: the county duty room and the
township centres one by one, every other post counted per township, the full list a page
at a time."""

import pytest
import time_machine
from django.urls import reverse

from duty_roster import services
from duty_roster.models import PostKind
from duty_roster.views import PAGE_SIZE
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory, at
from tests.factories import InstitutionFactory, InstitutionStaffFactory, TownshipStaffFactory


def institution_shift(township, *, absent=False):
    """A shift under way at a new 24-hour institution post (10th, 08:00–20:00)."""
    institution = InstitutionFactory(township=township)
    staff = InstitutionStaffFactory(institution=institution)
    post = DutyPostFactory(
        kind=PostKind.INSTITUTION, institution=institution, name=f"{institution.name}值班"
    )
    shift = ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=staff)
    if not absent:
        shift.attendances.update(checked_in_at=at(10, 8))
    return shift


@pytest.fixture
def centre(township1, town1):
    post = DutyPostFactory(kind=PostKind.TOWNSHIP_CENTRE, township=township1, name="羊册镇值班室")
    return ShiftFactory(post=post, starts_at=at(10, 8), ends_at=at(10, 20), leader=town1)


@pytest.fixture(autouse=True)
def _nine_on_the_tenth():
    # Logged in and looking at 09:00 on the 10th (a login days earlier would have expired).
    with time_machine.travel(at(10, 9), tick=False):
        yield


def duty_page(client, **params):
    return client.get(reverse("duty_roster:index"), params)


def test_county_sees_township_centres_in_full_and_institutions_counted_per_township(
    client_for, officer, centre, township1, township2
):
    shifts = [institution_shift(township1), institution_shift(township1, absent=True)]
    institution_shift(township2)
    services.mark_missed_check_ins(now=at(10, 8, 20))
    page = duty_page(client_for(officer))
    assert list(page.context["on_duty_now"]) == [centre]
    html = page.content.decode()
    assert "羊册镇值班室" in html
    assert shifts[0].post.name not in html  # counted, not listed
    counted = {(r["township_name"], r["shifts"], r["absent"]) for r in page.context["elsewhere"]}
    assert counted == {("羊册镇", 2, 1), ("马谷田镇", 1, 0)}
    assert f"?township={township1.pk}" in html


def test_institution_staff_see_their_own_posts_in_full(client_for, centre, township1):
    shift = institution_shift(township1)
    institution_shift(township1)
    page = duty_page(client_for(shift.leader))
    assert list(page.context["on_duty_now"]) == [shift]
    assert page.context["elsewhere"] == []  # the other institution is not theirs to see


@pytest.mark.parametrize("count", [3, 30])
def test_duty_page_queries_and_size_do_not_grow_with_the_county(
    client_for, officer, centre, township1, count, django_assert_num_queries
):
    for _ in range(count):
        institution_shift(township1, absent=True)
    services.mark_missed_check_ins(now=at(10, 8, 20))
    client = client_for(officer)
    # Request and session-save savepoints (4), session, user; my shifts (none, so no
    # attendance); shifts and absences per township; incidents; on duty now (centres) and
    # their attendance; swaps to accept and approve; leave; absences; posts at a glance;
    # the idle-timeout session save.
    with django_assert_num_queries(18):
        page = client.get(reverse("duty_roster:index"))
    assert page.context["elsewhere"][0]["shifts"] == count
    assert len(page.content) < 30_000 + 2_000 * min(count, 50)  # the absences list is capped


def test_every_shift_under_way_is_one_click_away_a_page_at_a_time(
    client_for, officer, township1, township2
):
    for _ in range(PAGE_SIZE + 2):
        institution_shift(township1)
    institution_shift(township2)
    client = client_for(officer)
    with time_machine.travel(at(10, 9)):
        first = client.get(reverse("duty_roster:on_duty"), {"township": township1.pk})
        second = client.get(reverse("duty_roster:on_duty"), {"township": township1.pk, "page": 2})
        everywhere = client.get(reverse("duty_roster:on_duty"))
    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert len(second.context["page"].object_list) == 2
    assert all(s.post.township == township1 for s in second.context["page"].object_list)
    assert f"township={township1.pk}&amp;page=2" in first.content.decode()
    assert everywhere.context["page"].paginator.count == PAGE_SIZE + 3


@pytest.mark.parametrize("count", [2, 12])
def test_on_duty_list_runs_the_same_queries_however_many_shifts(
    client_for, officer, township1, count, django_assert_num_queries
):
    for _ in range(count):
        institution_shift(township1)
    client = client_for(officer)
    # Savepoints (4), session, user; townships; the count; the page's shifts and their
    # attendance; the idle-timeout session save.
    with django_assert_num_queries(11):
        client.get(reverse("duty_roster:on_duty"))


def test_township_staff_list_only_their_townships_shifts(client_for, town1, township2):
    institution_shift(township2)
    page = client_for(town1).get(reverse("duty_roster:on_duty"), {"township": township2.pk})
    assert page.context["township"] is None  # not theirs: the filter is ignored
    assert page.context["page"].paginator.count == 0


def test_post_directory_searches_by_name_within_the_users_scope(client_for, town1, township1):
    mine = DutyPostFactory(kind=PostKind.INSTITUTION, township=township1, name="羊册镇敬老院值班")
    DutyPostFactory(kind=PostKind.INSTITUTION, name="别处敬老院值班")
    page = client_for(town1).get(reverse("duty_roster:posts"), {"q": "敬老院"})
    assert list(page.context["page"].object_list) == [mine]


def test_township_staff_see_their_townships_institutions_counted(client_for, township1, township2):
    clerk = TownshipStaffFactory(township=township1)
    institution_shift(township1)
    institution_shift(township2)
    page = duty_page(client_for(clerk))
    assert [(row["township_name"], row["shifts"]) for row in page.context["elsewhere"]] == [
        ("羊册镇", 1)
    ]


def test_absences_are_listed_newest_first(client_for, officer, township1):
    earlier = institution_shift(township1, absent=True)
    services.mark_missed_check_ins(now=at(10, 8, 20))
    later = ShiftFactory(
        # Named to sort after the earlier post: by name, the later absence would come last.
        post=DutyPostFactory(
            kind=PostKind.TOWNSHIP_CENTRE, township=township1, name="羊册镇值班室"
        ),
        starts_at=at(10, 8, 30),
        ends_at=at(10, 20),
        leader=InstitutionStaffFactory(institution=earlier.post.institution),
    )
    services.mark_missed_check_ins(now=at(10, 8, 50))
    page = duty_page(client_for(officer))
    assert [row.shift for row in page.context["missed"]] == [later, earlier]
