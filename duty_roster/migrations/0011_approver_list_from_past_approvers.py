"""Start the leave approver list from the bureau staff who have approved leave before.

Before the list, any colleague could be named approver. Bureau officers and admins
who were named become county-wide approvers, so filing leave keeps working; township
approvers are for the administrator to add (admin: 外出报备审批人). Pending reports
naming someone not on the list can be rejected by them and filed again.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    leave = apps.get_model("duty_roster", "LeaveReport")
    approver = apps.get_model("duty_roster", "LeaveApprover")
    user = apps.get_model("institutions", "User")
    named = leave.objects.values("approver")
    county = user.objects.filter(pk__in=named, is_active=True).filter(
        role__in=["bureau_officer", "admin"]
    ) | user.objects.filter(pk__in=named, is_active=True, is_superuser=True)
    for pk in county.values_list("pk", flat=True).distinct():
        approver.objects.get_or_create(user_id=pk, township=None)


class Migration(migrations.Migration):
    dependencies = [("duty_roster", "0010_leave_for_everyone_on_duty_and_approver_list")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
