"""Move check-in from the shift to each person on it.

A shift kept one check-in (whoever pressed the button first) and one "missed" flag. Each
person on a shift now gets an Attendance row: the one who checked the shift in keeps the
times; when the scan had flagged the shift, everybody on it was absent at that moment, so
everybody's row is flagged at the scan's moment (start + 15 minutes), and whoever checked
in afterwards shows as late, not absent.
"""

import datetime

from django.db import migrations

BATCH = 500
GRACE = datetime.timedelta(minutes=15)


def forwards(apps, schema_editor):
    shift_model = apps.get_model("duty_roster", "Shift")
    attendance = apps.get_model("duty_roster", "Attendance")
    officers = shift_model.officers.through
    shifts = shift_model.objects.filter(attendances__isnull=True).values(
        "pk", "starts_at", "leader_id", "checked_in_at", "checked_out_at", "checked_in_by_id",
        "is_missed",
    )
    batch = []
    for shift in shifts.order_by("pk").iterator(chunk_size=BATCH):
        people = {shift["leader_id"]: "leader"}
        for person_id in officers.objects.filter(shift_id=shift["pk"]).values_list(
            "user_id", flat=True
        ):
            people.setdefault(person_id, "officer")
        for person_id, role in people.items():
            row = attendance(shift_id=shift["pk"], person_id=person_id, role=role)
            if shift["is_missed"]:
                row.missed_at = shift["starts_at"] + GRACE
            if person_id == shift["checked_in_by_id"]:
                row.checked_in_at = shift["checked_in_at"]
                row.checked_out_at = shift["checked_out_at"]
            batch.append(row)
        if len(batch) >= BATCH:
            attendance.objects.bulk_create(batch)
            batch = []
    attendance.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    shift_model = apps.get_model("duty_roster", "Shift")
    attendance = apps.get_model("duty_roster", "Attendance")
    for row in attendance.objects.filter(checked_in_at__isnull=False).order_by("checked_in_at"):
        shift_model.objects.filter(pk=row.shift_id, checked_in_at__isnull=True).update(
            checked_in_at=row.checked_in_at,
            checked_out_at=row.checked_out_at,
            checked_in_by_id=row.person_id,
        )
    missed = attendance.objects.filter(missed_at__isnull=False).values("shift_id")
    shift_model.objects.filter(pk__in=missed).update(is_missed=True)
    attendance.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("duty_roster", "0006_attendance")]

    operations = [migrations.RunPython(forwards, backwards)]
