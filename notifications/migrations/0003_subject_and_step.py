from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_escalation_contacts")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="subject_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="subject"),
        ),
        migrations.AddField(
            model_name="notification",
            name="step",
            field=models.CharField(blank=True, max_length=20, verbose_name="step"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["rule", "subject_id", "step"], name="notification_said"),
        ),
    ]
