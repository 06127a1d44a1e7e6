"""Repair dates outside 2000–2100 before 0004 adds check constraints that refuse them.

Such rows came from forms that took any date (0001-01-01 in Asia/Shanghai is a BC
timestamp on PostgreSQL that psycopg cannot read back), so this migration never loads a
bad value into Python: it selects primary keys and updates or deletes in SQL.

- incidents: a time out of range becomes the report time; the summary is flagged;
- leave reports: become rejected, dated when they were filed; the reason is flagged;
- shifts: deleted with their log and swaps (nobody is on duty in year 1 or 9999);
  their history rows get the time they were recorded;
- holiday calendar days out of range: deleted;
- log entries out of range: dated at the start of their shift.
"""

import datetime

from django.db import migrations
from django.db.models import F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

# Frozen copies of duty_roster.validators' bounds (Asia/Shanghai 2000-01-01 to 2100-12-31).
EARLIEST = datetime.datetime(1999, 12, 31, 16, 0, tzinfo=datetime.UTC)
END = datetime.datetime(2100, 12, 31, 16, 0, tzinfo=datetime.UTC)
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
FLAG = "【系统修复：原填写的时间不在2000—2100年之间，已更正，请核实】"


def outside(*fields):
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__lt": EARLIEST}) | Q(**{f"{field}__gte": END})
    return condition


def flagged(field):
    return Concat(Value(FLAG), F(field), output_field=TextField())


def pks(model, condition):
    return list(model.objects.filter(condition).values_list("pk", flat=True))


def repair(apps, schema_editor):
    now = timezone.now()
    for name in ("Incident", "HistoricalIncident"):
        model = apps.get_model("duty_roster", name)
        bad = pks(model, outside("occurred_at", "reported_at"))
        model.objects.filter(pk__in=bad).filter(outside("reported_at")).update(reported_at=now)
        model.objects.filter(pk__in=bad).filter(
            outside("occurred_at") | Q(occurred_at__gt=F("reported_at"))
        ).update(occurred_at=F("reported_at"))
        model.objects.filter(pk__in=bad).update(summary=flagged("summary"))
    for name in ("LeaveReport", "HistoricalLeaveReport"):
        model = apps.get_model("duty_roster", name)
        model.objects.filter(pk__in=pks(model, outside("starts_at", "ends_at"))).update(
            starts_at=F("created_at"),
            ends_at=F("created_at") + datetime.timedelta(minutes=1),
            status="rejected",
            decided_at=now,
            reason=flagged("reason"),
        )
    shift_model = apps.get_model("duty_roster", "Shift")
    bad_shifts = pks(shift_model, outside("starts_at", "ends_at"))
    for child in ("DutyLogEntry", "SwapRequest"):
        apps.get_model("duty_roster", child).objects.filter(shift_id__in=bad_shifts).delete()
    shift_model.officers.through.objects.filter(shift_id__in=bad_shifts).delete()
    shift_model.objects.filter(pk__in=bad_shifts).only("pk").delete()
    history = apps.get_model("duty_roster", "HistoricalShift")
    history.objects.filter(pk__in=pks(history, outside("starts_at", "ends_at"))).update(
        starts_at=F("history_date"), ends_at=F("history_date") + datetime.timedelta(minutes=1)
    )
    apps.get_model("duty_roster", "Holiday").objects.exclude(
        date__gte=FIRST_DAY, date__lte=LAST_DAY
    ).delete()
    entry = apps.get_model("duty_roster", "DutyLogEntry")
    entry.objects.filter(pk__in=pks(entry, outside("at"))).update(
        at=Subquery(shift_model.objects.filter(pk=OuterRef("shift_id")).values("starts_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("duty_roster", "0002_shift_no_overlap_postgresql")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
