"""Submitting the raise-hazard form twice (back and submit again) records one hazard."""

import re
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from inspections import services
from inspections.models import Hazard, HazardEvent
from tests.inspections.factories import jpeg, soon


def form_data(token, **extra):
    return {
        "category": "fire",
        "severity": "general",
        "description": "灭火器过期",
        "deadline": soon(7).isoformat(),
        "token": token,
        **extra,
    }


def raise_by_hand(institution, user, token):
    return services.raise_hazard(
        institution=institution,
        user=user,
        category="fire",
        severity="general",
        description="x",
        deadline=soon(),
        token=token,
    )


def test_the_form_carries_a_fresh_token_each_time(client_for, officer, institution1):
    client = client_for(officer)
    url = reverse("inspections:raise", args=[institution1.pk])
    tokens = {
        re.search(r'name="token" value="([0-9a-f-]{36})"', client.get(url).content.decode())[1]
        for _ in range(2)
    }
    assert len(tokens) == 2


def test_resubmitting_the_same_form_lands_on_the_hazard_already_recorded(
    client_for, officer, institution1
):
    client = client_for(officer)
    url = reverse("inspections:raise", args=[institution1.pk])
    token = str(uuid.uuid4())
    first = client.post(url, form_data(token, photos=[jpeg()]))
    second = client.post(url, form_data(token, photos=[jpeg()]))
    hazard = Hazard.objects.get()
    assert first["Location"] == second["Location"] == hazard.get_absolute_url()
    assert hazard.photos.count() == 1
    assert HazardEvent.objects.count() == 1


def test_two_forms_record_two_hazards(client_for, officer, institution1):
    client = client_for(officer)
    url = reverse("inspections:raise", args=[institution1.pk])
    client.post(url, form_data(str(uuid.uuid4())))
    client.post(url, form_data(str(uuid.uuid4())))
    assert Hazard.objects.count() == 2


@pytest.mark.parametrize("token", ["", "not-a-uuid", "💥"])
def test_a_form_without_a_valid_token_is_refused_and_records_nothing(
    client_for, officer, institution1, token
):
    response = client_for(officer).post(
        reverse("inspections:raise", args=[institution1.pk]), form_data(token)
    )
    assert response.status_code == 200
    assert "表单已过期" in response.content.decode()
    assert not Hazard.objects.exists()


def test_another_users_token_does_not_reveal_or_duplicate_their_hazard(
    officer, town1, institution1
):
    token = uuid.uuid4()
    raise_by_hand(institution1, officer, token)
    with pytest.raises(ValidationError):
        raise_by_hand(institution1, town1, token)
    assert Hazard.objects.count() == 1


def test_the_database_refuses_two_hazards_with_one_token(officer, institution1):
    token = uuid.uuid4()
    raise_by_hand(institution1, officer, token)
    hazard = Hazard.objects.get()
    hazard.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        hazard.save()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections")
def test_two_simultaneous_submissions_of_one_form_record_one_hazard(officer, institution1):
    token = uuid.uuid4()
    barrier = threading.Barrier(2)
    results = []

    def submit():
        try:
            barrier.wait()
            results.append(raise_by_hand(institution1, officer, token).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Hazard.objects.count() == 1
    assert results == [Hazard.objects.get().pk] * 2
