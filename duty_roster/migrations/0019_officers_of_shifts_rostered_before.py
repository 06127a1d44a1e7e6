"""Shifts rostered before their officers were kept in the history: their latest version
gets the officers they have now, so that the next change of officers is compared with
what it changed (duty_roster.history). Read and written in batches of 5,000 links."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def snapshot_officers(apps, schema_editor):
    Shift = apps.get_model("duty_roster", "Shift")
    HistoricalShift = apps.get_model("duty_roster", "HistoricalShift")
    Officers = apps.get_model("duty_roster", "HistoricalShift_officers")
    through = Shift.officers.through
    latest = (
        HistoricalShift.objects.filter(id=OuterRef("shift_id"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    links = through.objects.annotate(version=Subquery(latest)).filter(version__isnull=False)
    batch = []
    for link in links.values("id", "shift_id", "user_id", "version").iterator(chunk_size=5000):
        batch.append(
            Officers(
                id=link["id"],
                shift_id=link["shift_id"],
                user_id=link["user_id"],
                history_id=link["version"],
            )
        )
        if len(batch) >= 5000:
            Officers.objects.bulk_create(batch)
            batch = []
    Officers.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("duty_roster", "0018_spot_checks_and_shift_officers_history")]

    operations = [migrations.RunPython(snapshot_officers, migrations.RunPython.noop)]
