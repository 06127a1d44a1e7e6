import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("relief", "0009_application_township"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="township",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="relief_applications",
                to="institutions.township",
                verbose_name="township",
            ),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["township", "filed_at"], name="application_township_filed"),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["township", "status", "filed_at"], name="application_township_status"
            ),
        ),
    ]
