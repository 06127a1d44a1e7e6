"""What the other apps write to the audit log: a full ID number shown, a password changed,
a second factor typed or refused; and the audit administrator finds the log in the menu."""

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.events import Event, Outcome
from audit.models import AuditEvent
from institutions.models import Role
from tests.factories import AdminFactory, UserFactory
from tests.relief.factories import PersonFactory


def test_a_full_id_number_shown_is_recorded_with_who_and_whom(client_for, officer, db):
    person = PersonFactory()
    page = client_for(officer).get(reverse("relief:person", args=[person.pk])).content.decode()
    assert person.id_number in page
    event = AuditEvent.objects.get(event=Event.FULL_ID_SHOWN)
    assert (event.user_id, event.object_id) == (officer.pk, str(person.pk))
    client_for(officer).get(reverse("relief:person_edit", args=[person.pk]))
    assert AuditEvent.objects.filter(event=Event.FULL_ID_SHOWN).count() == 2


def test_a_password_change_is_recorded(client_for, officer):
    client = client_for(officer)
    officer.set_password("Old-pass-2026x")
    officer.save()
    client.force_login(officer)
    client.post(
        reverse("password_change"),
        {
            "old_password": "Old-pass-2026x",
            "new_password1": "Harbour-bells9Q",
            "new_password2": "Harbour-bells9Q",
        },
    )
    assert AuditEvent.objects.filter(event=Event.PASSWORD_CHANGE, user_id=officer.pk).exists()


def test_a_refused_second_factor_is_recorded(client, db):
    admin = AdminFactory(username="bizadmin2")
    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client.force_login(admin)
    client.post(reverse("two_factor"), {"token": "000000"})
    event = AuditEvent.objects.get(event=Event.TWO_FACTOR_FAILED)
    assert event.outcome == Outcome.FAILURE and event.user_id == admin.pk


def test_the_audit_administrator_finds_the_log_in_the_menu(client_for, officer, db):
    auditor = UserFactory(username="auditor2", role=Role.AUDIT_ADMIN)
    assert (
        reverse("audit:list")
        in client_for(auditor).get(reverse("password_change")).content.decode()
    )
    assert reverse("audit:list") not in client_for(officer).get(reverse("home")).content.decode()
