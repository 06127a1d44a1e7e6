"""Every historical row says where its change came from: the client address of the
request, read as django-axes reads it (a forwarded address only behind a trusted proxy)."""

import pytest
from django.apps import apps
from django.test import RequestFactory
from django.urls import reverse

from config.history import ClientAddressRecord, client_address
from duty_roster.models import DutyPost, SwapRequest
from inspections.models import Answer, Campaign, DeadlineExtension, HazardPhoto
from relief.models import (
    BatchLine,
    HomeVisit,
    Household,
    Payment,
    Person,
    PersonCategory,
    Programme,
)
from tests.factories import InstitutionFactory

# The ledger models issue 13 names as lacking a history.
NEWLY_TRACKED = [
    Payment,
    BatchLine,
    HomeVisit,
    PersonCategory,
    Programme,
    Household,
    Answer,
    HazardPhoto,
    DeadlineExtension,
    Campaign,
    SwapRequest,
    DutyPost,
]


def historical_models():
    return [model for model in apps.get_models() if hasattr(model, "instance_type")]


@pytest.mark.parametrize("model", NEWLY_TRACKED, ids=lambda m: m.__name__)
def test_the_ledger_model_keeps_a_history(model):
    assert model.history.model.instance_type is model


def test_every_history_keeps_the_client_address():
    found = historical_models()
    assert len(found) >= 24  # the twelve above and the twelve that had a history before
    without = [m.__name__ for m in found if not issubclass(m, ClientAddressRecord)]
    assert without == []


def test_a_persons_history_never_keeps_the_id_number():
    names = {f.name for f in Person.history.model._meta.fields}
    assert "id_number" not in names
    assert "ip_address" in names


def edit_institution(client, institution, **headers):
    url = reverse("institutions:edit", args=[institution.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["beds"] = institution.beds + 1
    response = client.post(url, data, **headers)
    assert response.status_code == 302
    return institution.history.latest()


def test_a_change_made_on_a_page_records_the_client_address(client_for, officer, township1):
    institution = InstitutionFactory(township=township1)
    version = edit_institution(client_for(officer), institution, REMOTE_ADDR="203.0.113.7")
    assert version.history_type == "~"
    assert version.history_user == officer
    assert version.ip_address == "203.0.113.7"


def test_a_forwarded_address_is_ignored_without_a_trusted_proxy(client_for, officer, township1):
    institution = InstitutionFactory(township=township1)
    version = edit_institution(
        client_for(officer),
        institution,
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="192.0.2.66",
    )
    assert version.ip_address == "203.0.113.7"


def test_behind_a_trusted_proxy_the_address_it_forwards_is_recorded(
    client_for, officer, township1, settings
):
    # What settings.py sets for TRUSTED_PROXY_COUNT=1.
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_PROXY_ORDER = "right-most"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    institution = InstitutionFactory(township=township1)
    version = edit_institution(
        client_for(officer),
        institution,
        REMOTE_ADDR="10.0.0.2",
        # A client's own "X-Forwarded-For: 6.6.6.6" and the proxy's addition.
        HTTP_X_FORWARDED_FOR="6.6.6.6, 8.8.4.4",
    )
    assert version.ip_address == "8.8.4.4"


def test_a_change_outside_a_request_has_no_address(township1):
    institution = InstitutionFactory(township=township1)
    institution.beds += 1
    institution.save()
    version = institution.history.latest()
    assert version.history_type == "~"
    assert version.ip_address is None
    assert version.history_user is None


def test_what_is_not_an_address_is_left_empty_rather_than_refused():
    request = RequestFactory().get("/", REMOTE_ADDR="not-an-address")
    assert client_address(request) is None
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="2001:db8::1")) == "2001:db8::1"
    assert client_address(None) is None
