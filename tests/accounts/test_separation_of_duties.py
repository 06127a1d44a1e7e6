"""三员分立: the system, security and audit administrators each do their own work in the
admin site, none of them needs to be a superuser, and none can do the others' work."""

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import PasswordState
from accounts.roles import ROLE_GROUPS, ROLE_PERMISSIONS, ensure_role_groups
from institutions.models import Role, User
from tests.conftest import verify_second_factor
from tests.factories import InstitutionFactory, TownshipFactory, TownshipStaffFactory

NEW_PASSWORD = "Harbour-bells9"


@pytest.fixture
def clerk(township1):
    return TownshipStaffFactory(username="clerk", full_name="李春梅", township=township1)


@pytest.fixture
def attempt(db):
    return AccessAttempt.objects.create(
        username="clerk", ip_address="10.1.2.3", user_agent="x", failures_since_start=5
    )


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args)


def status(client, url, data=None):
    return (client.post(url, data) if data is not None else client.get(url)).status_code


# --- Every administrator role ---------------------------------------------------------


@pytest.mark.parametrize("role", list(ROLE_GROUPS))
def test_an_administrator_role_opens_the_admin_site_without_being_superuser(client, role, db):
    user = User.objects.create_user("someone", password="x", role=role)
    assert user.is_staff and not user.is_superuser
    assert [group.name for group in user.groups.all()] == [ROLE_GROUPS[role]]
    client.force_login(user)
    verify_second_factor(client, user)
    assert client.get(admin_url("index")).status_code == 200


def test_a_role_change_moves_the_account_between_groups_and_off_the_admin_site(secadmin):
    secadmin.role = Role.AUDIT_ADMIN
    secadmin.save()
    assert list(secadmin.groups.values_list("name", flat=True)) == ["审计管理员"]
    secadmin.role = Role.BUREAU_OFFICER
    secadmin.save()
    assert not secadmin.groups.exists()
    assert not secadmin.is_staff


def test_the_administrator_roles_see_no_institutions_data(sysadmin, secadmin, auditor):
    InstitutionFactory()
    from institutions.models import Institution

    for user in (sysadmin, secadmin, auditor):
        assert not Institution.objects.visible_to(user).exists()


def test_the_groups_are_remade_as_declared(db):
    Group.objects.filter(name="安全管理员").delete()
    Group.objects.get(name="系统管理员").permissions.clear()
    ensure_role_groups(apps)
    for role, name in ROLE_GROUPS.items():
        group = Group.objects.get(name=name)
        granted = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == set(ROLE_PERMISSIONS[role])


# --- System administrator: accounts and reference data ----------------------------------


def test_the_system_administrator_keeps_reference_data(client_for, sysadmin, township1):
    client = client_for(sysadmin)
    assert status(client, admin_url("institutions_township_add")) == 200
    # Not the institutions: their records are business data (residents, fire risk, phones).
    assert status(client, admin_url("institutions_institution_add")) == 403
    assert status(client, admin_url("institutions_institution_changelist")) == 403
    assert status(client, admin_url("institutions_township_change", township1.pk)) == 200
    response = client.post(
        admin_url("institutions_township_change", township1.pk),
        {"name": "羊册镇", "kind": "town", "code": "411726102"},
    )
    assert response.status_code == 302


def test_the_system_administrator_opens_an_account_that_waits_switched_off(
    client_for, sysadmin, township1
):
    client = client_for(sysadmin)
    page = client.get(admin_url("institutions_user_add")).content.decode()
    assert 'value="township_staff"' in page
    assert 'value="security_admin"' not in page and 'value="admin"' not in page
    response = client.post(
        admin_url("institutions_user_add"),
        {
            "username": "newclerk",
            "full_name": "王新",
            "role": "township_staff",
            "township": township1.pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert response.status_code == 200
    user = User.objects.get(username="newclerk")
    assert not user.is_active
    assert PasswordState.objects.get(user=user).must_change
    assert "待安全管理员核定角色并启用" in response.content.decode()


def test_the_system_administrator_cannot_give_an_administrator_role(
    client_for, sysadmin, township1
):
    client_for(sysadmin).post(
        admin_url("institutions_user_add"),
        {
            "username": "mole",
            "role": "security_admin",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert not User.objects.filter(username="mole").exists()


def test_the_system_administrator_edits_a_person_but_not_their_role_or_switch(
    client_for, sysadmin, clerk
):
    response = client_for(sysadmin).post(
        admin_url("institutions_user_change", clerk.pk),
        {
            "username": "clerk",
            "full_name": "李春花",
            "phone": "13903960001",
            "email": "",
            "role": "bureau_officer",
            "is_active": "",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.full_name == "李春花"
    assert (clerk.role, clerk.is_active, clerk.is_superuser) == (Role.TOWNSHIP_STAFF, True, False)


def test_the_system_administrator_cannot_reset_passwords_unlock_or_read_the_audit_log(
    client_for, sysadmin, clerk, attempt
):
    client = client_for(sysadmin)
    assert status(client, admin_url("auth_user_password_change", clerk.pk)) == 403
    assert status(client, admin_url("axes_accessattempt_changelist")) == 403
    assert status(client, admin_url("axes_accessattempt_delete", attempt.pk)) == 403
    assert status(client, admin_url("auth_group_changelist")) == 403
    assert status(client, reverse("lockouts")) == 403
    if apps.is_installed("audit") and "auditevent" in apps.get_app_config("audit").models:
        assert status(client, admin_url("audit_auditevent_changelist")) == 403


# --- Security administrator: roles, switches, passwords, lockouts -------------------------


def test_the_security_administrator_gives_a_role_and_switches_an_account_on(
    client_for, secadmin, clerk, township1
):
    clerk.is_active = False
    clerk.save()
    response = client_for(secadmin).post(
        admin_url("institutions_user_change", clerk.pk),
        {
            "role": "bureau_officer",
            "township": "",
            "institution": "",
            "is_active": "on",
            "full_name": "改名",
        },
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert (clerk.role, clerk.is_active, clerk.full_name) == (Role.BUREAU_OFFICER, True, "李春梅")


def test_the_security_administrator_resets_a_password_to_be_changed_at_sign_in(
    client, client_for, secadmin, clerk
):
    response = client_for(secadmin).post(
        admin_url("auth_user_password_change", clerk.pk),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert PasswordState.objects.get(user=clerk).must_change
    client.logout()
    client.post(reverse("login"), {"username": "clerk", "password": NEW_PASSWORD})
    assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_a_reset_password_follows_the_rules(client_for, secadmin, clerk):
    response = client_for(secadmin).post(
        admin_url("auth_user_password_change", clerk.pk),
        {"usable_password": "true", "password1": "short", "password2": "short"},
    )
    assert response.status_code == 200
    assert "密码太短" in response.content.decode()


def test_the_security_administrator_lifts_lockouts_in_the_admin_too(client_for, secadmin, attempt):
    client = client_for(secadmin)
    assert status(client, admin_url("axes_accessattempt_changelist")) == 200
    response = client.post(admin_url("axes_accessattempt_delete", attempt.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()


def test_the_security_administrator_cannot_open_accounts_or_change_reference_data(
    client_for, secadmin, township1
):
    client = client_for(secadmin)
    assert status(client, admin_url("institutions_user_add")) == 403
    assert status(client, admin_url("institutions_township_add")) == 403
    response = client.post(
        admin_url("institutions_township_change", township1.pk),
        {"name": "改名镇", "kind": "town", "code": "411726102"},
    )
    assert response.status_code == 403
    township1.refresh_from_db()
    assert township1.name == "羊册镇"
    assert status(client, admin_url("auth_group_changelist")) == 403


def test_the_security_administrator_cannot_promote_themself(client_for, secadmin):
    client_for(secadmin).post(
        admin_url("institutions_user_change", secadmin.pk),
        {"role": "admin", "is_active": "on"},
    )
    secadmin.refresh_from_db()
    assert secadmin.role == Role.SECURITY_ADMIN


def test_no_administrator_touches_a_superusers_account(client_for, secadmin, sysadmin, superuser):
    for admin in (secadmin, sysadmin):
        client = client_for(admin)
        assert status(client, admin_url("auth_user_password_change", superuser.pk)) == 403
        client.post(
            admin_url("institutions_user_change", superuser.pk),
            {"username": "root", "role": "bureau_officer", "is_active": ""},
        )
        superuser.refresh_from_db()
        assert superuser.is_active and superuser.role == Role.ADMIN


def test_a_past_version_of_an_account_cannot_be_brought_back(client_for, sysadmin, clerk):
    # Bringing back the version before the security administrator's change would give the
    # account its old role through the system administrator's hands.
    version = clerk.history.earliest()
    clerk.role = Role.BUREAU_OFFICER
    clerk.save()
    url = admin_url("institutions_user_simple_history", clerk.pk, version.history_id)
    client = client_for(sysadmin)
    assert client.get(url).status_code == 200
    response = client.post(url, {"username": "clerk", "full_name": "李春梅", "phone": ""})
    assert response.status_code == 405
    clerk.refresh_from_db()
    assert clerk.role == Role.BUREAU_OFFICER


def test_view_permission_alone_changes_nothing_through_a_past_version(
    client_for, secadmin, township1
):
    # django-simple-history's version page saves a full form for anyone who may view.
    version = township1.history.earliest()
    township1.name = "新名镇"
    township1.save()
    url = admin_url("institutions_township_simple_history", township1.pk, version.history_id)
    response = client_for(secadmin).post(
        url, {"name": "随便改", "kind": "town", "code": "411726102"}
    )
    assert response.status_code == 403
    township1.refresh_from_db()
    assert township1.name == "新名镇"


# --- Audit administrator: reads the audit log, changes nothing ----------------------------


def test_the_audit_administrator_changes_nothing(client_for, auditor, clerk, township1, attempt):
    client = client_for(auditor)
    assert status(client, admin_url("index")) == 200
    for name, args in [
        ("institutions_user_changelist", ()),
        ("institutions_user_change", (clerk.pk,)),
        ("auth_user_password_change", (clerk.pk,)),
        ("institutions_township_changelist", ()),
        ("axes_accessattempt_changelist", ()),
        ("auth_group_changelist", ()),
    ]:
        assert status(client, admin_url(name, *args)) == 403, name
    assert status(client, reverse("lockouts")) == 403


def test_the_audit_administrator_may_read_the_audit_log(auditor):
    assert auditor.has_perm("audit.view_auditevent")
    assert not any(
        auditor.has_perm(f"audit.{action}_auditevent") for action in ("add", "change", "delete")
    )
    if apps.is_installed("audit") and "auditevent" in apps.get_app_config("audit").models:
        from django.test import Client

        client = Client()
        client.force_login(auditor)
        verify_second_factor(client, auditor)
        assert client.get(admin_url("audit_auditevent_changelist")).status_code == 200


def test_nobody_but_a_superuser_deletes_an_account(client_for, sysadmin, secadmin, clerk):
    for admin in (sysadmin, secadmin):
        response = client_for(admin).post(
            admin_url("institutions_user_delete", clerk.pk), {"post": "yes"}
        )
        assert response.status_code == 403
    assert User.objects.filter(pk=clerk.pk).exists()


def test_townships_and_institutions_need_a_pick_list_for_the_security_administrator(
    client_for, secadmin, clerk
):
    TownshipFactory(name="春水镇")
    response = client_for(secadmin).get(
        reverse("admin:autocomplete"),
        {
            "app_label": "institutions",
            "model_name": "user",
            "field_name": "township",
            "term": "春",
        },
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["春水镇"]
