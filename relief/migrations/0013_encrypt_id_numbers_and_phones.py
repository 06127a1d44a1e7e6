"""ID numbers and phone numbers encrypted at rest (PIPL), in three steps:

0013 (this one) turns the columns into text for the tokens, adds the keyed digest beside the
ID number (empty, not yet unique) and drops the index for searches by the start of a number
(a token has no start to search); 0014 encrypts the rows in batches and fills the digests;
0015 makes the digest required and unique, as the number itself was.
Each step runs backwards: the rows are decrypted again and the number is unique once more.
"""

import config.crypto
import relief.models
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("relief", "0012_history_client_address_and_payments_lines_visits_categories"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="person",
            name="person_id_number_prefix",
        ),
        migrations.AddField(
            model_name="person",
            name="id_number_digest",
            field=config.crypto.DigestField(null=True, source="id_number"),
        ),
        migrations.AlterField(
            model_name="historicalperson",
            name="phone",
            field=config.crypto.EncryptedPhoneField(
                blank=True, max_length=24, verbose_name="phone"
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number",
            field=relief.models.EncryptedIdNumberField(max_length=18, verbose_name="ID number"),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=config.crypto.EncryptedPhoneField(
                blank=True, max_length=24, verbose_name="phone"
            ),
        ),
    ]
