"""Duty pages cost the same whatever the size of the county: the duty page's figures per
township and the post directory's total are counted once a minute (config.counts)
and recounted after a write; the post directory and the people pickers' first page are
read in order from an index."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from duty_roster import pickers
from duty_roster.forms import _active_people, first_people_for_post, people_for_post
from duty_roster.models import Attendance, DutyPost, PostKind, Shift
from duty_roster.pickers import first_few
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory, at
from tests.factories import (
    AdminFactory,
    InstitutionFactory,
    InstitutionStaffFactory,
    TownshipStaffFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _nine_on_the_tenth():
    with time_machine.travel(at(10, 9), tick=False):
        yield


def institution_shift(township):
    institution = InstitutionFactory(township=township)
    post = DutyPostFactory(
        kind=PostKind.INSTITUTION, institution=institution, name=f"{institution.name}值班"
    )
    return ShiftFactory(
        post=post,
        starts_at=at(10, 8),
        ends_at=at(10, 20),
        leader=InstitutionStaffFactory(institution=institution),
    )


def shifts_per_township(page):
    return {row["township_name"]: row["shifts"] for row in page.context["elsewhere"]}


def test_the_duty_pages_figures_per_township_are_counted_once_a_minute(
    client_for, officer, township1
):
    institution_shift(township1)
    client = client_for(officer)
    client.get(reverse("duty_roster:index"))  # the session and the user's login, once
    cache.clear()
    with CaptureQueriesContext(connection) as counted:
        first = client.get(reverse("duty_roster:index"))
    with CaptureQueriesContext(connection) as cached:
        again = client.get(reverse("duty_roster:index"))
    assert shifts_per_township(first) == shifts_per_township(again) == {"羊册镇": 1}
    # The shifts per township and the absences per township, read from the cache.
    assert len(cached) == len(counted) - 2
    assert not any("GROUP BY" in query["sql"] for query in cached.captured_queries)


def test_a_new_shift_has_the_duty_pages_figures_recounted(client_for, officer, township1):
    institution_shift(township1)
    client = client_for(officer)
    assert shifts_per_township(client.get(reverse("duty_roster:index"))) == {"羊册镇": 1}
    # A moment later (a write's new generation is the clock's time: here it stands still).
    with time_machine.travel(at(10, 9, 1), tick=False):
        institution_shift(township1)
    assert shifts_per_township(client.get(reverse("duty_roster:index"))) == {"羊册镇": 2}


def test_the_figures_per_township_are_kept_per_scope(client_for, officer, town1, township1):
    institution_shift(township1)
    assert shifts_per_township(client_for(officer).get(reverse("duty_roster:index")))
    # An institution's staff (another scope) never get the county's figures.
    staff = InstitutionStaffFactory(institution=InstitutionFactory(township=township1))
    assert client_for(staff).get(reverse("duty_roster:index")).context["elsewhere"] == []


def test_the_post_directorys_total_is_counted_once_a_minute(client_for, officer, township1):
    DutyPostFactory.create_batch(3, township=township1)
    client = client_for(officer)
    url = reverse("duty_roster:posts")
    client.get(url)  # the session and the user's login, once
    cache.clear()
    with CaptureQueriesContext(connection) as counted:
        assert client.get(url).context["page"].paginator.count == 3
    with CaptureQueriesContext(connection) as cached:
        assert client.get(url).context["page"].paginator.count == 3
    assert len(cached) == len(counted) - 1
    assert not any("COUNT(" in query["sql"] for query in cached.captured_queries)
    with time_machine.travel(at(10, 9, 1), tick=False):
        DutyPostFactory(township=township1, name="新值班点")
    assert client.get(url).context["page"].paginator.count == 4  # a new post: recounted
    found = client.get(url, {"q": "新"}).context["page"].paginator
    assert found.count == 1  # a search counts its own total


def test_the_post_directorys_total_is_kept_per_scope(client_for, officer, inst1, institution1):
    DutyPostFactory(kind=PostKind.COUNTY_DUTY_ROOM, township=None, name="县局值班室")
    DutyPostFactory(kind=PostKind.INSTITUTION, institution=institution1, name="本院值班")
    DutyPostFactory.create_batch(3)
    url = reverse("duty_roster:posts")
    assert client_for(officer).get(url).context["page"].paginator.count == 5
    assert client_for(inst1).get(url).context["page"].paginator.count == 2


@pytest.fixture
def crowd(township1, township2):
    """A township's staff and the county's, more than a picker lists, with names that
    interleave: the first page must mix the parts in name order."""
    names = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八"]
    people = [TownshipStaffFactory(township=township1, full_name=name) for name in names]
    people += [
        UserFactory(full_name="陈九"),  # bureau officer
        AdminFactory(full_name="褚十"),
        # A superuser is county staff whatever their role says.
        TownshipStaffFactory(township=township2, full_name="卫十一", is_superuser=True),
        TownshipStaffFactory(township=township1, full_name="蒋十二", is_active=False),
    ]
    TownshipStaffFactory(township=township2, full_name="沈十三")  # another township's
    return people


@pytest.mark.parametrize("limit", [3, 50])
@pytest.mark.parametrize("township_post", [True, False])
def test_the_pickers_first_page_is_the_plain_querys(
    officer, township1, crowd, monkeypatch, limit, township_post
):
    monkeypatch.setattr(pickers, "PICKER_LIMIT", limit)
    post = DutyPostFactory(township=township1 if township_post else None)
    leaving_out = [crowd[0].pk, crowd[8].pk]
    plain = first_few(people_for_post(post, officer).exclude(pk__in=leaving_out))
    assert len(plain) == min(limit + 1, 10 if township_post else 3)
    assert first_people_for_post(post, officer, leaving_out=leaving_out) == plain


def test_the_pickers_first_page_respects_the_users_scope(town1, township1, crowd, monkeypatch):
    monkeypatch.setattr(pickers, "PICKER_LIMIT", 3)
    post = DutyPostFactory(township=township1)
    first = first_people_for_post(post, town1)
    assert first == first_few(people_for_post(post, town1))
    assert {person.township_id for person in first} == {township1.pk}


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="reads PostgreSQL's query plans"
)


def plan_of(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Priced out, not forbidden: a Sort or a Seq Scan appears only if nothing else can.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql_only
def test_the_post_directory_is_read_in_its_order_from_an_index(officer):
    posts = DutyPost.objects.visible_to(officer).filter(is_active=True)
    plan = plan_of(posts.order_by("kind", "name", "pk")[:50])
    assert "dutypost_active_list_order" in plan
    assert "Sort" not in plan


@postgresql_only
def test_shifts_under_way_are_read_in_post_order_from_an_index(officer):
    # /duty/now/: a page of the county's shifts under way walks the posts in order and
    # looks up each one's shift, instead of sorting every shift under way.
    shifts = Shift.objects.visible_to(officer).under_way(timezone.now()).select_related("post")
    plan = plan_of(shifts.order_by("post__kind", "post__name", "pk")[:50])
    assert "dutypost_order" in plan
    assert "Incremental Sort" in plan  # only the shifts of one post are sorted by pk


@postgresql_only
@pytest.mark.parametrize(
    "part, index",
    [
        (0, "user_active_role_by_name"),
        (1, "user_active_role_by_name"),
        (2, "user_active_superuser_by_name"),
        (3, "user_active_township_by_name"),
    ],
)
def test_each_part_of_a_pickers_first_page_is_read_in_name_order(officer, township1, part, index):
    post = DutyPostFactory(township=township1)
    # The part as first_people_for_post reads it: its own condition, not the whole OR.
    condition = post.staff_parts()[part]
    plan = plan_of(_active_people(officer).filter(condition).values("pk")[:51])
    assert index in plan
    assert "Sort" not in plan


def test_the_missed_list_does_not_say_not_null_twice(officer):
    # missed_at >= since implies NOT NULL; stating both made PostgreSQL count missed_at's
    # null fraction twice, expect a tenth of the rows, and sort every absence of the last
    # days (245 ms for a clerk at 100×) instead of reading the newest fifty from the index.
    since = timezone.now() - datetime.timedelta(days=2)
    sql = str(Attendance.objects.missed(since=since).query)
    assert '"missed_at" >=' in sql
    assert '"missed_at" IS NOT NULL' not in sql
