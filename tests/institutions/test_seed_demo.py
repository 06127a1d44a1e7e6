"""seed_demo builds a believable county and can be run again without harm."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from institutions.models import Institution, InstitutionKind, Role, Township, User


@pytest.fixture
def seeded(db):
    call_command("seed_demo", "--password", "demo-pass-x1", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_has_the_townships_of_biyang_county(seeded):
    assert Township.objects.count() == 22
    assert Township.objects.get(code="411726102").name == "羊册镇"
    assert all(
        code.startswith("411726") for code in Township.objects.values_list("code", flat=True)
    )


def test_demo_has_thirty_institutions_of_every_kind(seeded):
    assert Institution.objects.count() >= 30
    kinds = set(Institution.objects.values_list("kind", flat=True))
    assert kinds == set(InstitutionKind.values)


def test_running_seed_demo_twice_changes_nothing(seeded):
    counts = (Township.objects.count(), Institution.objects.count(), User.objects.count())
    call_command("seed_demo", "--password", "demo-pass-x1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Township.objects.count(), Institution.objects.count(), User.objects.count()) == counts


def test_demo_accounts_have_their_roles_and_places_and_log_in(seeded, client):
    accounts = {
        user.username: user for user in User.objects.select_related("township", "institution")
    }
    assert accounts["admin"].role == Role.ADMIN and not accounts["admin"].is_superuser
    assert accounts["officer"].role == Role.BUREAU_OFFICER
    assert accounts["town1"].township != accounts["town2"].township
    assert accounts["inst1"].institution.township == accounts["town1"].township
    for username in ["admin", "officer", "town1", "town2", "inst1"]:
        response = client.post(reverse("login"), {"username": username, "password": "demo-pass-x1"})
        assert response.status_code == 302, username
        if username == "admin":
            # An administrator's second step (accounts.two_factor): the set-up page, then
            # the code the demo's `otp_code` command prints, as the README says.
            assert client.get(reverse("home")).url.startswith(reverse("two_factor"))
            client.get(reverse("two_factor"))
            code = io.StringIO()
            call_command("otp_code", "admin", stdout=code)
            client.post(reverse("two_factor"), {"token": code.getvalue().strip()})
        assert client.get(reverse("home")).status_code == 200, username
        client.post(reverse("logout"))
