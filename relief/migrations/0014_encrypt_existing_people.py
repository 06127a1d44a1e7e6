"""Encrypt the ID numbers and phones already stored, and fill the ID numbers' digests, 2,000
rows at a time (see 0013). Backwards: decrypt them again and empty the digests."""

from django.db import migrations

from config.crypto import convert_columns

PEOPLE = ("relief_person", ["id_number", "phone"], "id", {"id_number": "id_number_digest"})
HISTORY = ("relief_historicalperson", ["phone"], "history_id", {})


def _convert(schema_editor, *, encrypting):
    for table, columns, pk, digests in (PEOPLE, HISTORY):
        convert_columns(
            schema_editor.connection,
            table,
            columns,
            pk=pk,
            digests=digests,
            encrypting=encrypting,
        )


def encrypt(apps, schema_editor):
    _convert(schema_editor, encrypting=True)


def decrypt(apps, schema_editor):
    _convert(schema_editor, encrypting=False)


class Migration(migrations.Migration):
    dependencies = [("relief", "0013_encrypt_id_numbers_and_phones")]

    operations = [migrations.RunPython(encrypt, decrypt, elidable=False)]
