"""The business administrator (业务管理员, Role.ADMIN) keeps the business configuration in the
admin site through its group, without being a superuser, and sees nothing of the 三员's."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import ROLE_GROUPS, ROLE_PERMISSIONS
from daily_reports.models import ReportingPeriod
from duty_roster.models import Holiday
from institutions import demo
from institutions.models import ADMIN_SITE_ROLES, Role, User
from tests.factories import UserFactory
from tests.inspections.factories import ItemFactory, SectionFactory, TemplateVersionFactory

# What belongs to the system, security and audit administrators alone.
THREE_ADMINISTRATORS_APPS = {"auth", "axes", "audit", "otp_totp", "admin", "sessions"}


@pytest.fixture
def bizadmin(db):
    return UserFactory(username="bizadmin", role=Role.ADMIN)


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args)


def form_data(response):
    """The admin change form's fields (inlines included) as the browser would post them."""
    context = response.context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    return data


def test_every_role_of_the_admin_site_has_its_group():
    assert set(ROLE_GROUPS) == ADMIN_SITE_ROLES
    assert ROLE_GROUPS[Role.ADMIN] == "业务管理员"


def test_the_business_administrator_has_nothing_of_the_three_administrators():
    granted = ROLE_PERMISSIONS[Role.ADMIN]
    apps = {dotted.split(".")[0] for dotted in granted}
    assert not apps & THREE_ADMINISTRATORS_APPS
    assert not [p for p in granted if p.endswith("_user") or ".delete_" in p]
    # Separation of duties: of the others' permissions it shares only reading townships.
    others = {p for role in ROLE_GROUPS if role != Role.ADMIN for p in ROLE_PERMISSIONS[role]}
    assert set(granted) & others == {"institutions.view_township"}


def test_the_business_administrator_is_in_its_group_not_a_superuser(bizadmin):
    assert bizadmin.is_staff and not bizadmin.is_superuser
    assert list(bizadmin.groups.values_list("name", flat=True)) == ["业务管理员"]
    assert bizadmin.has_perm("duty_roster.change_holiday")
    assert not bizadmin.has_perm("institutions.change_user")
    assert not bizadmin.has_perm("audit.view_auditevent")


def test_the_business_administrator_edits_a_checklist_item(client_for, bizadmin):
    version = TemplateVersionFactory(is_published=False)
    section = SectionFactory(version=version)
    item = ItemFactory(section=section, text="灭火器是否在有效期内")
    client = client_for(bizadmin)
    url = admin_url("inspections_section_change", section.pk)
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page)
    data["items-0-text"] = "灭火器压力是否在绿区"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    item.refresh_from_db()
    assert item.text == "灭火器压力是否在绿区"


def test_a_version_used_by_inspections_stays_frozen_for_the_business_administrator(
    client_for, bizadmin, institution1
):
    from tests.inspections.factories import InspectionFactory

    section = SectionFactory()
    ItemFactory(section=section)
    InspectionFactory(institution=institution1, version=section.version)
    client = client_for(bizadmin)
    page = client.get(admin_url("inspections_section_change", section.pk))
    assert page.status_code == 200  # read
    assert client.post(admin_url("inspections_section_change", section.pk), {}).status_code == 403


def test_the_business_administrator_adds_and_changes_a_holiday(client_for, bizadmin):
    client = client_for(bizadmin)
    response = client.post(
        admin_url("duty_roster_holiday_add"),
        {"date": "2027-10-01", "kind": "holiday", "name": "国庆节", "source": ""},
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(date=datetime.date(2027, 10, 1))
    response = client.post(
        admin_url("duty_roster_holiday_change", holiday.pk),
        {"date": "2027-10-01", "kind": "holiday", "name": "国庆节（第一天）", "source": ""},
    )
    assert response.status_code == 302
    holiday.refresh_from_db()
    assert holiday.name == "国庆节（第一天）"
    # Not removed: a calendar day wrongly entered is corrected.
    assert client.get(admin_url("duty_roster_holiday_delete", holiday.pk)).status_code == 403


def test_what_the_app_makes_the_business_administrator_only_reads_here(
    client_for, bizadmin, officer
):
    period = ReportingPeriod.objects.create(
        name="春节假期",
        start_date=datetime.date(2027, 2, 5),
        end_date=datetime.date(2027, 2, 12),
        created_by=officer,
    )
    client = client_for(bizadmin)
    url = admin_url("daily_reports_reportingperiod_change", period.pk)
    assert client.get(url).status_code == 200
    client.post(url, {"name": "改名", "start_date": "2027-02-05", "end_date": "2027-02-12"})
    period.refresh_from_db()
    assert period.name == "春节假期"
    assert client.get(admin_url("daily_reports_reportingperiod_add")).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "institutions_user_changelist",
        "auth_group_changelist",
        "axes_accessattempt_changelist",
        "otp_totp_totpdevice_changelist",
        "audit_auditevent_changelist",
        # The business records are worked on in the app, scoped and audited.
        "relief_person_changelist",
        "inspections_hazard_changelist",
        "exports_exportjob_changelist",
    ],
)
def test_the_business_administrator_cannot_see_accounts_security_audit_or_records(
    client_for, bizadmin, name
):
    assert client_for(bizadmin).get(admin_url(name)).status_code == 403


def test_the_business_administrator_cannot_read_the_audit_log_in_the_app(client_for, bizadmin):
    assert client_for(bizadmin).get(reverse("audit:list")).status_code == 403


def test_the_admin_index_lists_the_configuration_and_nothing_of_the_others(client_for, bizadmin):
    page = client_for(bizadmin).get(admin_url("index")).content.decode()
    assert admin_url("duty_roster_holiday_changelist") in page
    assert admin_url("inspections_checklisttemplate_changelist") in page
    assert admin_url("institutions_user_changelist") not in page
    assert admin_url("audit_auditevent_changelist") not in page


def test_the_demo_admin_is_a_business_administrator_without_superuser(db):
    # An existing demo database had it as a superuser: seeding again takes that away.
    UserFactory(username="admin", role=Role.ADMIN, is_superuser=True)
    townships = demo.seed_townships()
    institutions = demo.seed_institutions(townships)
    demo.seed_users(townships, institutions, "Demo-pass-2026")
    admin = User.objects.get(username="admin")
    assert admin.role == Role.ADMIN and admin.is_staff and not admin.is_superuser
    assert list(admin.groups.values_list("name", flat=True)) == ["业务管理员"]
    assert admin.has_perm("inspections.change_item")
