"""The digest filled by 0014 is required and unique: one person per ID number, as before."""

import config.crypto
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("relief", "0014_encrypt_existing_people")]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="id_number_digest",
            field=config.crypto.DigestField(source="id_number", unique=True),
        ),
    ]
