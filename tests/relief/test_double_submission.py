"""Back, then submit again: the application is filed once and the clerk lands on it."""

import re
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from relief import services
from relief.models import Application
from tests.relief.factories import PersonFactory, TemporaryAssistanceFactory


@pytest.fixture
def person(township1):
    return PersonFactory(township=township1)


@pytest.fixture
def programme(db):
    return TemporaryAssistanceFactory()


def token_on_the_page(client, person):
    page = client.get(person.get_absolute_url()).content.decode()
    return re.search(r'name="submission_token" value="([0-9a-f-]{36})"', page)[1]


def test_the_filing_form_carries_a_fresh_token_each_time(client_for, town1, person):
    client = client_for(town1)
    assert token_on_the_page(client, person) != token_on_the_page(client, person)


def test_the_same_form_sent_twice_files_one_application(client_for, town1, person, programme):
    client = client_for(town1)
    data = {
        "programme": programme.pk,
        "amount": "800",
        "reason": "火灾",
        "submission_token": token_on_the_page(client, person),
    }
    url = reverse("relief:person_action", args=[person.pk, "application"])
    first, second = client.post(url, data), client.post(url, data)
    assert Application.objects.count() == 1
    assert first["Location"] == second["Location"] == person.get_absolute_url()


def test_two_forms_file_two_applications(client_for, town1, person, programme):
    client = client_for(town1)
    url = reverse("relief:person_action", args=[person.pk, "application"])
    for _ in range(2):
        data = {"programme": programme.pk, "amount": "800", "reason": "火灾"}
        client.post(url, {**data, "submission_token": token_on_the_page(client, person)})
    assert Application.objects.count() == 2


def test_a_token_used_for_another_person_is_refused(town1, township1, person, programme):
    token = uuid.uuid4()
    fields = {"programme": programme, "amount": Decimal(800), "reason": "x"}
    services.file_application(user=town1, person=person, submission_token=token, **fields)
    other = PersonFactory(township=township1)
    with pytest.raises(ValidationError):
        services.file_application(user=town1, person=other, submission_token=token, **fields)
    assert Application.objects.count() == 1
