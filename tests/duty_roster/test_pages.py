"""Duty pages: the roster with its gaps, the .xlsx 值班表, check-in and the incident queue."""

import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from duty_roster.models import Incident, PostKind
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory, at
from tests.factories import TownshipStaffFactory


@pytest.fixture
def post(township1):
    return DutyPostFactory(name="羊册镇值班室", township=township1)


@pytest.fixture
def shifts(post, town1, township1):
    partner = TownshipStaffFactory(township=township1, full_name="张值班", phone="13903960002")
    return [
        ShiftFactory(
            post=post, starts_at=at(10, 0), ends_at=at(10, 12), leader=town1, officers=[partner]
        ),
        ShiftFactory(
            post=post, starts_at=at(10, 14), ends_at=at(11, 0), leader=town1, officers=[partner]
        ),
    ]


def test_roster_shows_the_gap_in_red(client_for, town1, post, shifts):
    page = client_for(town1).get(
        reverse("duty_roster:roster", args=[post.pk]), {"from": "2027-02-10"}
    )
    html = page.content.decode()
    assert 'class="table-danger"' in html
    assert "无人值班" in html
    assert page.context["gaps"][0] == (at(10, 12), at(10, 14))


def test_roster_downloads_as_a_duty_table(client_for, town1, post, shifts):
    response = client_for(town1).get(
        reverse("duty_roster:roster_xlsx", args=[post.pk]), {"from": "2027-02-10"}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "羊册镇值班室值班表"  # the title, its period and who made it, then:
    assert rows[3][:4] == ("序号", "日期", "时段", "带班领导")
    assert rows[4][5] == "张值班"
    assert rows[4][6] == "13903960002"


def test_another_townships_post_is_a_404(client_for, town2, post):
    assert client_for(town2).get(reverse("duty_roster:roster", args=[post.pk])).status_code == 404


def test_county_duty_room_is_visible_to_everyone(client_for, inst1):
    room = DutyPostFactory(kind=PostKind.COUNTY_DUTY_ROOM, township=None, name="县局值班室")
    assert client_for(inst1).get(reverse("duty_roster:roster", args=[room.pk])).status_code == 200


def test_duty_officer_checks_in_from_the_shift_page(client_for, town1, shifts):
    with time_machine.travel(at(10, 1)):
        response = client_for(town1).post(
            reverse("duty_roster:shift_action", args=[shifts[0].pk, "check_in"])
        )
    assert response.status_code == 302
    assert shifts[0].attendances.get(person=town1).checked_in_at is not None


def test_adding_an_overlapping_shift_shows_the_error_beside_the_field(
    client_for, officer, post, shifts, town1
):
    response = client_for(officer).post(
        reverse("duty_roster:add_shift", args=[post.pk]),
        {
            "starts_at": "2027-02-10T10:00",
            "ends_at": "2027-02-10T13:00",
            "leader": officer.pk,
            "officers": [officer.pk],
        },
    )
    assert response.status_code == 200
    assert "与同一值班点的其他班次时间重叠" in response.content.decode()


def test_incident_reported_from_a_phone_lands_in_the_county_queue(
    client_for, inst1, institution1, officer
):
    response = client_for(inst1).post(
        reverse("duty_roster:incident_new"),
        {
            "occurred_at": "2027-01-31T02:05",
            "township": institution1.township_id,
            "institution": institution1.pk,
            "place": "1号楼",
            "category": "fire",
            "severity": "ordinary",
            "deaths": 0,
            "injuries": 0,
            "summary": "冒烟",
            "actions_taken": "已扑灭",
            "who_was_told": "镇值班室",
        },
    )
    assert response.status_code == 302
    queue = client_for(officer).get(reverse("duty_roster:index")).context["incident_queue"]
    assert [i.pk for i in queue] == [Incident.objects.get().pk]


def test_leave_without_approver_gets_a_message_beside_the_field(client_for, town1):
    response = client_for(town1).post(
        reverse("duty_roster:leave"),
        {
            "destination": "郑州",
            "starts_at": "2027-02-10T09:00",
            "ends_at": "2027-02-10T18:00",
            "reason": "开会",
            "contact": "13903960001",
            "approver": "",
        },
    )
    assert "请选择审批人" in response.content.decode()


@pytest.mark.parametrize("count", [2, 12])
def test_roster_page_runs_the_same_queries_however_many_shifts(
    client_for, officer, post, town1, count, django_assert_num_queries
):
    import datetime

    for n in range(count):
        ShiftFactory(
            post=post,
            starts_at=at(10, 0) + datetime.timedelta(hours=n),
            ends_at=at(10, 1) + datetime.timedelta(hours=n),
            leader=town1,
            officers=[town1],
        )
    client = client_for(officer)
    # Request savepoints, session, user; the post; shifts and their attendance; coverage;
    # the people of the two roster forms a bureau officer sees (one query a form, shared
    # by its two pickers, township and institution joined for the labels); the post's
    # latest versions for its change history (config.history); the idle-timeout session
    # save.
    with django_assert_num_queries(14):
        client.get(reverse("duty_roster:roster", args=[post.pk]), {"from": "2027-02-10"})


@pytest.mark.parametrize("count", [2, 12])
def test_duty_page_runs_the_same_queries_however_many_shifts_and_people(
    client_for, officer, township1, count, django_assert_num_queries
):
    import time_machine

    from duty_roster import services

    for _ in range(count):
        people = TownshipStaffFactory.create_batch(3, township=township1)
        shift = ShiftFactory(
            post=DutyPostFactory(township=township1),
            starts_at=at(10, 8),
            ends_at=at(10, 20),
            leader=people[0],
            officers=people[1:],
        )
        ShiftFactory(post=shift.post, starts_at=at(10, 20), ends_at=at(11, 8), leader=officer)
    services.mark_missed_check_ins(now=at(10, 8, 20))
    with time_machine.travel(at(10, 9)):
        client = client_for(officer)
        # Request savepoints, session and user; my shifts and their attendance; on duty now
        # and its attendance; other posts' shifts and absences per township; posts;
        # incidents; swaps to accept and approve; leave to decide; absent people; the
        # idle-timeout session save.
        with django_assert_num_queries(19):
            client.get(reverse("duty_roster:index"))
