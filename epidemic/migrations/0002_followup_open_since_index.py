from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("epidemic", "0001_weekly_reports_and_follow_ups"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["opened_at", "id"],
                name="epidemic_followup_open_since",
            ),
        ),
    ]
