"""Users' phone numbers encrypted at rest (PIPL; config/crypto.py): the columns become text
for the tokens, then the rows are encrypted 2,000 at a time. Backwards: decrypted again."""

import config.crypto
from django.db import migrations

from config.crypto import convert_columns

TABLES = (("institutions_user", "id"), ("institutions_historicaluser", "history_id"))


def encrypt(apps, schema_editor):
    for table, pk in TABLES:
        convert_columns(schema_editor.connection, table, ["phone"], pk=pk)


def decrypt(apps, schema_editor):
    for table, pk in TABLES:
        convert_columns(schema_editor.connection, table, ["phone"], pk=pk, encrypting=False)


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0010_history_client_address"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicaluser",
            name="phone",
            field=config.crypto.EncryptedPhoneField(
                blank=True, max_length=24, verbose_name="phone"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=config.crypto.EncryptedPhoneField(
                blank=True, max_length=24, verbose_name="phone"
            ),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
    ]
