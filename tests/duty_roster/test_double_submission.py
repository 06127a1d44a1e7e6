"""The back button and "send again" never file anything twice: each create form carries a
one-time token, the database refuses a second row with it, and the second sending lands
on what the first created."""

import re
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from duty_roster import services
from duty_roster.models import Incident, IncidentUpdate, LeaveReport, Shift
from tests.duty_roster.factories import DutyPostFactory, at

TOKEN_FIELD = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')


@pytest.fixture
def post(township1):
    return DutyPostFactory(name="羊册镇值班室", township=township1)


def incident_data(institution, token):
    return {
        "submission_token": token,
        "occurred_at": "2027-01-31T08:30",
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
    }


def token_on(client, url):
    return TOKEN_FIELD.search(client.get(url).content.decode()).group(1)


def test_each_incident_form_carries_a_fresh_token(client_for, inst1):
    client = client_for(inst1)
    url = reverse("duty_roster:incident_new")
    assert token_on(client, url) != token_on(client, url)


def test_sending_the_incident_form_again_lands_on_the_first_report(client_for, inst1, institution1):
    client = client_for(inst1)
    data = incident_data(institution1, token_on(client, reverse("duty_roster:incident_new")))
    first = client.post(reverse("duty_roster:incident_new"), data)
    again = client.post(reverse("duty_roster:incident_new"), data)
    incident = Incident.objects.get()
    assert first.url == again.url == incident.get_absolute_url()
    assert IncidentUpdate.objects.count() == 1
    assert "已经提交过" in client.get(again.url).content.decode()


def test_two_incident_forms_file_two_incidents(client_for, inst1, institution1):
    client = client_for(inst1)
    for _ in range(2):
        client.post(
            reverse("duty_roster:incident_new"), incident_data(institution1, str(uuid.uuid4()))
        )
    assert Incident.objects.count() == 2


def test_a_malformed_token_is_a_form_error_and_files_nothing(client_for, inst1, institution1):
    response = client_for(inst1).post(
        reverse("duty_roster:incident_new"), incident_data(institution1, "not-a-uuid")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["submission_token"]
    assert not Incident.objects.exists()


def test_the_database_refuses_a_second_incident_with_the_same_token(inst1, institution1):
    token = uuid.uuid4()
    fields = {
        "occurred_at": at(1, 8),
        "township": institution1.township,
        "place": "1号楼",
        "category": "fire",
        "severity": "ordinary",
        "summary": "冒烟",
        "actions_taken": "已扑灭",
        "who_was_told": "镇值班室",
        "reported_by": inst1,
        "reported_at": at(1, 9),
        "submission_token": token,
    }
    Incident.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.create(**fields)


def test_sending_the_leave_form_again_files_one_report(client_for, town1, county_approver):
    client = client_for(town1)
    data = {
        "submission_token": token_on(client, reverse("duty_roster:leave")),
        "destination": "郑州",
        "starts_at": "2027-02-12T09:00",
        "ends_at": "2027-02-12T18:00",
        "reason": "开会",
        "contact": "13903960001",
        "approver": county_approver.pk,
    }
    responses = [client.post(reverse("duty_roster:leave"), data) for _ in range(2)]
    assert [response.status_code for response in responses] == [302, 302]
    assert LeaveReport.objects.count() == 1


def test_sending_the_shift_form_again_lands_on_the_roster_not_an_overlap_error(
    client_for, officer, post
):
    client = client_for(officer)
    data = {
        "submission_token": token_on(client, reverse("duty_roster:roster", args=[post.pk])),
        "starts_at": "2027-02-11T08:30",
        "ends_at": "2027-02-12T08:30",
        "leader": officer.pk,
        "officers": [officer.pk],
    }
    responses = [
        client.post(reverse("duty_roster:add_shift", args=[post.pk]), data) for _ in range(2)
    ]
    assert [response.status_code for response in responses] == [302, 302]
    assert responses[1].url == post.get_absolute_url()
    assert Shift.objects.count() == 1


def test_a_service_given_a_used_token_returns_what_it_created(post, officer):
    token = uuid.uuid4()
    kwargs = {
        "post": post,
        "starts_at": at(11, 8),
        "ends_at": at(11, 20),
        "leader": officer,
        "officers": [],
        "user": officer,
        "submission_token": token,
    }
    shift = services.create_shift(**kwargs)
    with pytest.raises(services.AlreadySubmitted) as sent:
        services.create_shift(**kwargs)
    assert sent.value.existing == shift
