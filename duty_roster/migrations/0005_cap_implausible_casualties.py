from django.conf import settings
from django.db import migrations
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Concat

# A first report with more than 9,999 deaths or injuries is a typing slip; such rows are
# capped and flagged before 0009 adds the constraint (PostgreSQL held up to 2**31 - 1).
# A migration of its own: PostgreSQL cannot ALTER a table it has just updated rows of in
# the same transaction ("pending trigger events").
LIMIT = 9999
FLAG = "【系统修复：原填写的伤亡人数超过9999，已改为9999，请核实】"


def cap_casualties(apps, schema_editor):
    for name in ("Incident", "HistoricalIncident"):
        model = apps.get_model("duty_roster", name)
        bad = model.objects.filter(Q(deaths__gt=LIMIT) | Q(injuries__gt=LIMIT))
        ids = list(bad.values_list("pk", flat=True))
        model.objects.filter(pk__in=ids, deaths__gt=LIMIT).update(deaths=LIMIT)
        model.objects.filter(pk__in=ids, injuries__gt=LIMIT).update(injuries=LIMIT)
        model.objects.filter(pk__in=ids).update(
            summary=Concat(Value(FLAG), F("summary"), output_field=TextField())
        )


class Migration(migrations.Migration):

    dependencies = [
        ('duty_roster', '0004_within_service_years'),
        ('institutions', '0002_constraint_messages'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(cap_casualties, migrations.RunPython.noop),
    ]
