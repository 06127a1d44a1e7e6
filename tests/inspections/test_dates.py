"""Dates a user can type stay within sensible bounds, in forms, services and the model."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from inspections import services
from inspections.forms import ExtensionRequestForm, RaiseHazardForm
from inspections.models import Campaign, Hazard
from tests.inspections.factories import checklist

TODAY = datetime.date(2027, 2, 1)
pytestmark = pytest.mark.usefixtures("_frozen_today")


@pytest.fixture
def _frozen_today():
    with time_machine.travel(datetime.datetime(2027, 2, 1, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def raise_form(deadline):
    return RaiseHazardForm(
        {
            "category": "fire",
            "severity": "general",
            "description": "灭火器过期",
            "deadline": deadline,
            "token": "6f1c1b0e-8a4b-4c8e-9a57-2f0b7c1d9e01",
        }
    )


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        ("2027-01-31", "整改期限不能早于今天。"),
        ("2028-02-03", "整改期限最迟为一年后。"),
        ("9999-12-31", "整改期限最迟为一年后。"),
        ("0001-01-01", "整改期限不能早于今天。"),
        ("99999-01-01", "输入一个有效的日期。"),
    ],
)
def test_raise_form_refuses_a_deadline_out_of_bounds_beside_the_field(deadline, message):
    form = raise_form(deadline)
    assert not form.is_valid()
    assert form.errors["deadline"] == [message]


@pytest.mark.parametrize("deadline", ["2027-02-01", "2028-02-01"])
def test_raise_form_accepts_today_up_to_a_year_ahead(deadline):
    assert raise_form(deadline).is_valid()


@pytest.mark.parametrize("new_deadline", ["2027-01-15", "2028-03-01", "9999-12-31"])
def test_extension_form_refuses_a_new_deadline_out_of_bounds(new_deadline):
    form = ExtensionRequestForm({"new_deadline": new_deadline, "reason": "材料未到"})
    assert not form.is_valid()
    assert "new_deadline" in form.errors


def test_raise_service_refuses_a_deadline_beyond_a_year(officer, institution1):
    with pytest.raises(ValidationError) as error:
        services.raise_hazard(
            institution=institution1,
            user=officer,
            category="fire",
            severity="general",
            description="x",
            deadline=datetime.date(2100, 1, 1),
        )
    assert "deadline" in error.value.message_dict
    assert not Hazard.objects.exists()


def test_extension_service_refuses_a_new_deadline_beyond_a_year(officer, town1, institution1):
    hazard = services.raise_hazard(
        institution=institution1,
        user=officer,
        category="fire",
        severity="general",
        description="x",
        deadline=TODAY,
    )
    with pytest.raises(ValidationError) as error:
        services.request_extension(
            hazard=hazard, user=town1, new_deadline=datetime.date(2099, 1, 1), reason="等"
        )
    assert "new_deadline" in error.value.message_dict


def test_the_database_refuses_a_hazard_deadline_outside_2000_to_2100(officer, institution1):
    hazard = services.raise_hazard(
        institution=institution1,
        user=officer,
        category="fire",
        severity="general",
        description="x",
        deadline=TODAY,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Hazard.objects.filter(pk=hazard.pk).update(deadline=datetime.date(1999, 12, 31))


def test_the_model_refuses_a_hazard_deadline_outside_2000_to_2100(officer, institution1):
    hazard = Hazard(
        institution=institution1,
        category="fire",
        severity="general",
        description="x",
        responsible_person="李",
        responsible_phone="13903960001",
        deadline=datetime.date(2101, 1, 1),
        found_by=officer,
    )
    with pytest.raises(ValidationError) as error:
        hazard.full_clean()
    assert error.value.message_dict["deadline"] == ["请输入2000年到2100年之间的日期。"]


def campaign(**dates):
    version, _items = checklist()
    fields = {
        "name": "春节排查",
        "template": version.template,
        "level": "township",
        "starts_on": TODAY,
        "ends_on": TODAY + datetime.timedelta(days=30),
        "due_on": TODAY + datetime.timedelta(days=5),
        **dates,
    }
    return Campaign(**fields)


def test_a_sensible_campaign_is_valid(db):
    campaign().full_clean()


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({"starts_on": datetime.date(1900, 1, 1)}, "starts_on", "请输入2000年到2100年之间的日期。"),
        ({"ends_on": datetime.date(2200, 1, 1)}, "ends_on", "请输入2000年到2100年之间的日期。"),
        (
            {"ends_on": TODAY + datetime.timedelta(days=400)},
            "ends_on",
            "一次活动最长一年；下一年请另建活动。",
        ),
        (
            {"due_on": TODAY + datetime.timedelta(days=60)},
            "due_on",
            "截止日期须在活动的开始和结束日期之间。",
        ),
    ],
)
def test_campaign_dates_out_of_bounds_are_refused_beside_the_field(db, dates, field, message):
    with pytest.raises(ValidationError) as error:
        campaign(**dates).full_clean()
    assert message in error.value.message_dict[field]


def test_campaign_admin_shows_the_date_error_instead_of_saving(client_for, admin_user):
    version, _items = checklist()
    response = client_for(admin_user).post(
        reverse("admin:inspections_campaign_add"),
        {
            "name": "春节排查",
            "template": version.template.pk,
            "level": "township",
            "institution_kinds": "[]",
            "starts_on": "2027-02-01",
            "ends_on": "2127-02-01",
            "due_on": "2027-02-05",
            "recurrence": "once",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "请输入2000年到2100年之间的日期。" in response.content.decode()
    assert not Campaign.objects.exists()
