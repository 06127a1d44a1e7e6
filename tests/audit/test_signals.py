"""What the log hears by itself: signing in and out, failures and lockouts, permission
changes and exports."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

import audit
from audit.models import AuditEvent
from institutions.models import Role
from tests.audit.helpers import events
from tests.factories import TownshipStaffFactory, UserFactory

PASSWORD = "test-pass-123"


@pytest.fixture
def clerk(township1):
    return TownshipStaffFactory(username="clerk", township=township1)


def sign_in(client, username, password, address="10.9.8.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_signing_in_is_recorded_with_the_clients_address(client, clerk):
    sign_in(client, "clerk", PASSWORD)
    (login,) = events(audit.Event.LOGIN)
    assert (login.user, login.username, login.client_address) == (clerk, "clerk", "10.9.8.7")
    assert login.outcome == audit.Outcome.SUCCESS


def test_a_failed_sign_in_keeps_the_name_tried_and_never_the_password(client, clerk):
    sign_in(client, "clerk", "Wrong-Secret-42")
    sign_in(client, "nobody-here", "Other-Secret-43")
    failed = events(audit.Event.LOGIN_FAILED)
    assert [(e.username, e.user, e.outcome) for e in failed] == [
        ("clerk", None, "failure"),
        ("nobody-here", None, "failure"),
    ]
    assert failed[0].client_address == "10.9.8.7"
    everything = str(list(AuditEvent.objects.values()))
    assert "Wrong-Secret-42" not in everything
    assert "Other-Secret-43" not in everything


def test_five_failures_record_a_lockout_and_each_refused_try_after_it(client, clerk):
    for _ in range(5):
        sign_in(client, "clerk", "wrong")
    sign_in(client, "clerk", PASSWORD)  # refused: locked
    lockouts = events(audit.Event.LOCKOUT)
    assert len(lockouts) == 2
    assert {(e.username, e.outcome, e.client_address) for e in lockouts} == {
        ("clerk", "denied", "10.9.8.7")
    }
    assert len(events(audit.Event.LOGIN_FAILED)) == 6
    assert events(audit.Event.LOGIN) == []


def test_failed_sign_ins_stay_when_a_success_clears_the_lockout_counter(client, clerk):
    from axes.models import AccessAttempt

    for _ in range(3):
        sign_in(client, "clerk", "wrong")
    sign_in(client, "clerk", PASSWORD)
    assert not AccessAttempt.objects.exists()  # axes forgot them (AXES_RESET_ON_SUCCESS)
    assert len(events(audit.Event.LOGIN_FAILED)) == 3


def test_signing_out_is_recorded(client, clerk):
    client.force_login(clerk)
    client.post(reverse("logout"))
    (logout,) = events(audit.Event.LOGOUT)
    assert logout.user == clerk


def test_a_new_account_is_recorded_with_the_rights_it_starts_with(db):
    user = UserFactory(username="newcomer", role=Role.BUREAU_OFFICER)
    (created,) = [e for e in events(audit.Event.PERMISSION_CHANGE) if e.object_id == str(user.pk)]
    assert created.object_type == "institutions.user"
    assert created.detail["created"] is True
    assert created.detail["changes"]["role"] == [None, "bureau_officer"]


@pytest.mark.parametrize(
    "field, value",
    [("role", Role.ADMIN), ("is_active", False), ("is_superuser", True)],
)
def test_a_change_of_role_or_flag_is_recorded_with_before_and_after(officer, field, value):
    before = getattr(officer, field)
    setattr(officer, field, value)
    officer.save()
    change = events(audit.Event.PERMISSION_CHANGE)[-1]
    assert change.object_id == str(officer.pk)
    assert change.detail["changes"][field] == [before, value]


def test_the_admin_site_flag_that_follows_the_role_is_recorded_with_it(officer):
    officer.is_superuser = True
    officer.save()  # is_staff follows (institutions.User.save)
    change = events(audit.Event.PERMISSION_CHANGE)[-1]
    assert change.detail["changes"]["is_staff"] == [False, True]


def test_saving_a_user_without_changing_rights_records_nothing(officer):
    count = AuditEvent.objects.count()
    officer.full_name = "新名字"
    officer.save()
    officer.save(update_fields=["last_login"])
    assert AuditEvent.objects.count() == count


def test_groups_added_removed_and_cleared_are_recorded(officer):
    reviewers = Group.objects.create(name="审核组")
    duty = Group.objects.create(name="值班组")
    officer.groups.add(reviewers, duty)
    officer.groups.remove(duty)
    officer.groups.clear()
    duty.user_set.add(officer)
    changes = [e.detail for e in events(audit.Event.PERMISSION_CHANGE)[-4:]]
    assert [(c["relation"], c["action"], c["items"]) for c in changes] == [
        ("groups", "add", ["值班组", "审核组"]),
        ("groups", "remove", ["值班组"]),
        ("groups", "clear", ["审核组"]),
        ("user_set", "add", ["测试用户"]),
    ]


def test_permissions_of_a_user_or_a_group_are_recorded(officer):
    view = Permission.objects.get(codename="view_auditevent")
    officer.user_permissions.add(view)
    group = Group.objects.create(name="审计")
    group.permissions.add(view)
    user_change, group_change = events(audit.Event.PERMISSION_CHANGE)[-2:]
    assert user_change.object_id == str(officer.pk)
    assert user_change.detail["items"] == ["audit.view_auditevent"]
    assert (group_change.object_type, group_change.object_text) == ("auth.group", "审计")
    assert group_change.detail["relation"] == "permissions"


def test_the_actor_of_a_change_made_in_a_page_is_the_signed_in_user(client_for, admin_user):
    client = client_for(admin_user)
    view = Permission.objects.get(codename="view_auditevent")
    response = client.post(
        reverse("admin:auth_group_add"),
        {"name": "审计员", "permissions": [view.pk]},
        REMOTE_ADDR="10.3.3.3",
    )
    assert response.status_code == 302
    change = events(audit.Event.PERMISSION_CHANGE)[-1]
    assert (change.user, change.client_address) == (admin_user, "10.3.3.3")
    assert change.object_text == "审计员"


def test_an_export_is_recorded_with_its_filter_and_rows(client_for, officer, township1):
    response = client_for(officer).get(
        reverse("inspections:ledger_xlsx"), {"township": township1.pk}, REMOTE_ADDR="10.4.4.4"
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    (export,) = events(audit.Event.EXPORT)
    assert (export.user, export.client_address) == (officer, "10.4.4.4")
    assert export.object_type == "exports.exportjob"
    assert export.detail["kind"] == "hazard_ledger"
    assert export.detail["row_count"] == 0
    assert export.detail["params"] == {"township": [str(township1.pk)]}
    assert "羊册镇" in export.detail["filter_text"]


def test_lifting_a_lockout_is_recorded_with_who_lifted_it(
    client, client_for, clerk, security_admin
):
    for _ in range(5):
        sign_in(client, "clerk", "wrong")
    response = client_for(security_admin).post(
        reverse("lockout_unlock"),
        {"username": "clerk", "ip_address": "10.9.8.7"},
        REMOTE_ADDR="10.5.5.5",
    )
    assert response.status_code == 302
    (unlock,) = events(audit.Event.UNLOCK)
    assert (unlock.user, unlock.client_address) == (security_admin, "10.5.5.5")
    assert (unlock.object_type, unlock.object_id) == ("lockout", "clerk")
    assert unlock.detail == {"ip_address": "10.9.8.7"}


def test_removing_someones_authenticator_is_recorded(client_for, security_admin, officer):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=officer, name="手机", confirmed=True)
    response = client_for(security_admin).post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]),
        {"post": "yes"},
        REMOTE_ADDR="10.6.6.6",
    )
    assert response.status_code == 302
    (reset,) = events(audit.Event.TWO_FACTOR_RESET)
    assert (reset.user, reset.client_address) == (security_admin, "10.6.6.6")
    assert (reset.object_type, reset.object_id) == ("institutions.user", str(officer.pk))
    assert reset.detail == {"device": "手机", "confirmed": True}
