"""Applications carry their township (the person's), filled here from the person.

Empty first and filled from the person in this migration; 0010 makes it required and adds
the indexes. Two migrations, two transactions: PostgreSQL refuses to alter a table whose
rows were just updated under a deferred foreign key in the same transaction.
"""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE relief_application
SET township_id = (
    SELECT relief_person.township_id FROM relief_person
    WHERE relief_person.id = relief_application.person_id
)
WHERE township_id IS NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0001_initial"),
        ("relief", "0008_batch_period_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="township",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="relief_applications",
                to="institutions.township",
                verbose_name="township",
            ),
        ),
        migrations.AddField(
            model_name="historicalapplication",
            name="township",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="institutions.township",
                verbose_name="township",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
