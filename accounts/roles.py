"""Separation of duties (三员分立, GB/T 22239-2019 level 3): the groups of the roles that work
in the admin site and what each may do there. None of them needs to be a superuser; a
superuser (`createsuperuser`) stays possible, for emergencies, but no daily role is one.

- The system administrator opens accounts and keeps the reference data (townships). An account they open stays switched off until the security administrator
  has confirmed its role and place (institutions.admin.UserAdmin).
- The security administrator decides what an account may do: its role and place, whether
  it is active, its password when it has to be reset, and lifting lockouts.
- The audit administrator reads the audit log and changes nothing.
- The business administrator (业务管理员, Role.ADMIN) keeps the business configuration:
  checklists, holidays, relief programmes and visit rules, notification rules and webhooks,
  duty posts and leave approvers. What the app's own pages make (campaigns, reporting
  periods) it only reads here, and the business records themselves (people, payments,
  inspections, hazards, shifts...) it works on in the app, where every read and write is
  scoped and audited. Nothing of the three others': no account, group, lockout,
  authenticator or audit record.

A user with one of these roles is in its group and may use the admin site (the User model's
save and accounts.signals); the groups are (re)made with exactly these permissions by a
migration and after every `migrate` or flush (accounts.apps).
"""

from institutions.models import Role

ROLE_GROUPS = {
    Role.ADMIN: "业务管理员",
    Role.SYSTEM_ADMIN: "系统管理员",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDIT_ADMIN: "审计管理员",
}


# "app_label.codename" per role. The audit log's model may not exist yet where this runs:
# its permission is made in advance, and Django's own post-migrate step finds it there.
def _edit(*models):
    """Add, change and view (not delete: a record that is no longer wanted is switched off,
    or stays for the versions and inspections made from it)."""
    return [
        f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
        for model in models
        for action in ("add", "change", "view")
    ]


ROLE_PERMISSIONS = {
    Role.ADMIN: [
        *_edit(
            "inspections.checklisttemplate",
            "inspections.section",
            "inspections.item",
            "duty_roster.holiday",
            "duty_roster.dutypost",
            "duty_roster.leaveapprover",
            "relief.programme",
            "relief.visitrule",
            "notifications.webhook",
        ),
        # A version is made and published by the admin's actions (a copy of the last one),
        # never typed in; a used version is frozen (inspections.admin).
        "inspections.change_templateversion",
        "inspections.view_templateversion",
        # Rules are code: the table only tunes them.
        "notifications.change_rule",
        "notifications.view_rule",
        # Made on the app's own pages, with their checks: read-only here.
        "inspections.view_campaign",
        "daily_reports.view_reportingperiod",
        # The pickers of the forms above: a webhook's township (autocomplete) and a duty
        # post's institution (the raw-id lookup). Read-only; kept by others.
        "institutions.view_township",
        "institutions.view_institution",
    ],
    Role.SYSTEM_ADMIN: [
        "institutions.view_user",
        "institutions.add_user",
        "institutions.change_user",
        "institutions.view_township",
        "institutions.add_township",
        "institutions.change_township",
        # Not the institutions: their records (residents, beds, fire risk, safety
        # officers' phones) are business data, kept by township and county staff.
    ],
    Role.SECURITY_ADMIN: [
        "institutions.view_user",
        "institutions.change_user_role",
        "institutions.reset_user_password",
        # To choose an account's township (an institution is chosen from the account
        # form's list of names, which needs no permission on institutions).
        "institutions.view_township",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
        # A lost phone: remove the user's authenticator; they set up a new one at sign-in.
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
    ],
    Role.AUDIT_ADMIN: [
        "audit.view_auditevent",
        "audit.view_auditarchive",
    ],
}

# The User model's own permissions (its Meta.permissions): codename -> (model, name).
CUSTOM_PERMISSIONS = {
    "change_user_role": ("user", "Can change a user's role, place and active flag"),
    "reset_user_password": ("user", "Can reset a user's password"),
}


def _model_and_name(apps, app_label, codename):
    """What Django would call the permission: "view_accessattempt" is on accessattempt,
    named after the model's verbose name when the model is known here."""
    if codename in CUSTOM_PERMISSIONS:
        return CUSTOM_PERMISSIONS[codename]
    action, model = codename.split("_", 1)
    try:
        verbose = apps.get_model(app_label, model)._meta.verbose_name_raw
    except LookupError:
        verbose = model
    return model, f"Can {action} {verbose}"


def ensure_role_groups(apps, using="default"):
    """Make the groups with exactly the permissions above. `apps` is a migration's
    app registry or django.apps.apps; only database rows are touched, so a model that
    does not exist yet costs nothing."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for role, group_name in ROLE_GROUPS.items():
        permissions = []
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            model, name = _model_and_name(apps, app_label, codename)
            content_type, _ = ContentType.objects.using(using).get_or_create(
                app_label=app_label, model=model
            )
            permission, _ = Permission.objects.using(using).get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": name},
            )
            permissions.append(permission)
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        group.permissions.set(permissions)
