from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("relief", "0004_two_person_constraints")]

    operations = [
        migrations.AddField(
            model_name="application",
            name="reviewed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="reviewed at"),
        ),
        migrations.AddField(
            model_name="historicalapplication",
            name="reviewed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="reviewed at"),
        ),
    ]
