from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_notifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="rule",
            name="contacts",
            field=models.ManyToManyField(
                blank=True,
                help_text="Who an escalation reaches last and keeps reaching until someone acts (e.g. the bureau director). Empty: every bureau officer.",
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="top of the chain",
            ),
        ),
    ]
