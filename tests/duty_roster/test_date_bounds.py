"""Dates outside 2000–2100, and outside what makes sense per field, are refused beside the field.

0001-01-01 00:00 in Asia/Shanghai is a BC timestamp in UTC: PostgreSQL stored it and then
every page listing the row failed for every county user.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from duty_roster import services
from duty_roster.models import Holiday, Incident, LeaveReport, Shift
from tests.duty_roster.factories import SHANGHAI, DutyPostFactory, at

NOW = at(10, 9)  # 2027-02-10 09:00, during the Spring Festival


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def post(township1):
    return DutyPostFactory(name="羊册镇值班室", township=township1)


def incident_data(institution, **changes):
    return {
        "occurred_at": "2027-02-10T08:30",
        "township": institution.township_id,
        "institution": institution.pk,
        "place": "1号楼",
        "category": "fire",
        "severity": "ordinary",
        "deaths": 0,
        "injuries": 0,
        "summary": "冒烟",
        "actions_taken": "已扑灭",
        "who_was_told": "镇值班室",
        **changes,
    }


def leave_data(approver, **changes):
    return {
        "destination": "郑州",
        "starts_at": "2027-02-12T09:00",
        "ends_at": "2027-02-12T18:00",
        "reason": "开会",
        "contact": "13903960001",
        "approver": approver.pk,
        **changes,
    }


def shift_data(person, **changes):
    return {
        "starts_at": "2027-02-11T08:30",
        "ends_at": "2027-02-12T08:30",
        "leader": person.pk,
        "officers": [person.pk],
        **changes,
    }


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "1999-12-31T23:59", "2101-01-01T00:00"])
def test_incident_outside_2000_to_2100_is_refused_beside_the_field(
    client_for, inst1, institution1, when
):
    response = client_for(inst1).post(
        reverse("duty_roster:incident_new"), incident_data(institution1, occurred_at=when)
    )
    assert response.status_code == 200
    assert "请填写 2000 年至 2100 年之间的日期" in response.content.decode()
    assert not Incident.objects.exists()


def test_incident_more_than_a_year_ago_is_refused(client_for, inst1, institution1):
    response = client_for(inst1).post(
        reverse("duty_roster:incident_new"),
        incident_data(institution1, occurred_at="2025-12-31T08:00"),
    )
    assert "已超过一年" in response.content.decode()
    assert not Incident.objects.exists()


def test_incident_in_the_future_is_refused_beside_the_field(client_for, inst1, institution1):
    response = client_for(inst1).post(
        reverse("duty_roster:incident_new"),
        incident_data(institution1, occurred_at="2027-02-10T10:00"),
    )
    assert response.status_code == 200
    assert not Incident.objects.exists()


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_leave_outside_2000_to_2100_is_refused_beside_the_field(
    client_for, town1, county_approver, when
):
    response = client_for(town1).post(
        reverse("duty_roster:leave"), leave_data(county_approver, starts_at=when)
    )
    assert response.status_code == 200
    assert "请填写 2000 年至 2100 年之间的日期" in response.content.decode()
    assert not LeaveReport.objects.exists()


def test_leave_starting_more_than_a_year_ahead_is_refused(town1, county_approver):
    with pytest.raises(ValidationError) as error:
        services.file_leave(
            person=town1,
            destination="郑州",
            starts_at=at(10, 9) + datetime.timedelta(days=400),
            ends_at=at(10, 18) + datetime.timedelta(days=400),
            reason="开会",
            contact="13903960001",
            approver=county_approver,
        )
    assert set(error.value.error_dict) == {"starts_at"}


def test_leave_longer_than_sixty_days_is_refused(town1, county_approver):
    with pytest.raises(ValidationError) as error:
        services.file_leave(
            person=town1,
            destination="北京",
            starts_at=at(12, 9),
            ends_at=at(12, 9) + datetime.timedelta(days=61),
            reason="学习",
            contact="13903960001",
            approver=county_approver,
        )
    assert set(error.value.error_dict) == {"ends_at"}


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "2029-02-11T08:30", "2026-12-01T08:30"])
def test_shift_outside_the_rostering_window_is_refused_beside_the_field(
    client_for, officer, post, when
):
    response = client_for(officer).post(
        reverse("duty_roster:add_shift", args=[post.pk]), shift_data(officer, starts_at=when)
    )
    assert response.status_code == 200
    assert response.context["shift_form"].errors["starts_at"]
    assert not Shift.objects.exists()


def test_shift_longer_than_two_days_is_refused(post, officer):
    with pytest.raises(ValidationError) as error:
        services.create_shift(
            post=post,
            starts_at=at(11, 8),
            ends_at=at(13, 9),
            leader=officer,
            officers=[officer],
            user=officer,
        )
    assert "ends_at" in error.value.error_dict


@pytest.mark.parametrize("first_day", ["9999-12-25", "0001-01-01", "2028-06-01"])
def test_roster_generated_far_from_today_is_refused_beside_the_field(
    client_for, officer, post, first_day
):
    response = client_for(officer).post(
        reverse("duty_roster:generate", args=[post.pk]),
        {
            "first_day": first_day,
            "days": 14,
            "pattern": "24h",
            "officers": [officer.pk],
            "leaders": [officer.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["generate_form"].errors["first_day"]
    assert not Shift.objects.exists()


def test_generating_past_the_year_2100_is_refused_not_a_crash(post, officer):
    with pytest.raises(ValidationError) as error:
        services.generate_roster(
            post=post,
            first_day=datetime.date(9999, 12, 25),
            days=14,
            pattern=[(datetime.time(8, 30), 24)],
            officers=[officer],
            leaders=[officer],
            user=officer,
        )
    assert "first_day" in error.value.error_dict


@pytest.mark.parametrize("first", ["9999-12-31", "0001-01-01", "2027-13-45", "x"])
def test_roster_page_and_table_answer_any_from_date(client_for, town1, post, first):
    client = client_for(town1)
    page = client.get(reverse("duty_roster:roster", args=[post.pk]), {"from": first})
    table = client.get(reverse("duty_roster:roster_xlsx", args=[post.pk]), {"from": first})
    assert page.status_code == 200
    assert table.status_code == 200
    assert datetime.date(2000, 1, 1) <= page.context["first"] <= datetime.date(2100, 12, 17)


def test_incident_model_refuses_a_time_outside_2000_to_2100(institution1, inst1):
    incident = Incident(
        occurred_at=datetime.datetime(1, 1, 1, tzinfo=SHANGHAI),
        township=institution1.township,
        place="1号楼",
        category="fire",
        severity="ordinary",
        summary="冒烟",
        actions_taken="已扑灭",
        who_was_told="镇值班室",
        reported_by=inst1,
    )
    with pytest.raises(ValidationError) as error:
        incident.full_clean()
    assert "occurred_at" in error.value.error_dict


def test_database_refuses_a_shift_outside_2000_to_2100(post, officer):
    starts_at = datetime.datetime(2150, 1, 1, 8, 30, tzinfo=SHANGHAI)
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.create(
            post=post,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=24),
            leader=officer,
        )


def test_database_refuses_a_holiday_outside_2000_to_2100(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Holiday.objects.create(date=datetime.date(1, 1, 1), kind="holiday", name="元旦")


def test_admin_refuses_an_incident_in_year_one_beside_the_field(
    client_for, admin_user, institution1
):
    response = client_for(admin_user).post(
        reverse("admin:duty_roster_incident_add"),
        {
            **incident_data(institution1, occurred_at="0001-01-01 00:00"),
            "occurred_at_0": "0001-01-01",
            "occurred_at_1": "00:00",
            "reported_by": admin_user.pk,
            "reported_at_0": "2027-02-10",
            "reported_at_1": "09:00",
            "updates-TOTAL_FORMS": 0,
            "updates-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "请填写 2000 年至 2100 年之间的日期" in response.content.decode()
    assert not Incident.objects.exists()
