# The county's drill list, newest first, read from an index (the benchmark at 10×).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("preparedness", "0003_supply_movements")]

    operations = [
        migrations.AddIndex(
            model_name="drill",
            index=models.Index(fields=["-held_on", "-id"], name="drill_recent"),
        ),
    ]
