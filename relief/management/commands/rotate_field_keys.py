"""Re-encrypt every encrypted field with the first of FIELD_ENCRYPTION_KEYS, and recompute
the keyed digests with FIELD_HMAC_KEY, batch by batch.

Rotating the encryption key:
1. Generate a key: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
2. Put it FIRST in FIELD_ENCRYPTION_KEYS, keeping the old one after it
   (FIELD_ENCRYPTION_KEYS=new,old), and restart the web and Celery processes: new values are
   encrypted with the new key, old ones still decrypt.
3. Run `manage.py rotate_field_keys`: every token not made with the new key is made again.
   It can be stopped and run again; each batch is its own transaction.
4. Remove the old key from FIELD_ENCRYPTION_KEYS and restart.

Changing FIELD_HMAC_KEY: set the new key, restart, and run this command at once; until it has
finished, people whose digest is still the old key's are not found by their ID number (and a
second registration of them would not be refused).
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models.functions import Cast

from config.crypto import DigestField, EncryptedCharField, decrypt, is_current, keyed_digest


def rotate_model(model, *, batch):
    """Rewrite the rows of `model` whose tokens are not the first key's or whose digests are
    not FIELD_HMAC_KEY's; return how many were rewritten."""
    fields = model._meta.concrete_fields
    encrypted = [f for f in fields if isinstance(f, EncryptedCharField)]
    digests = [f for f in fields if isinstance(f, DigestField)]
    if not encrypted:
        return 0
    # The tokens as stored (a cast to text reads them without decrypting).
    raw = {f"raw_{f.name}": Cast(f.name, models.TextField()) for f in encrypted}
    names = [f.name for f in encrypted] + [f.name for f in digests]
    rows = model._base_manager.order_by("pk").annotate(**raw)
    rewritten = 0
    last = None
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        chunk = list(page.values("pk", *raw, *(f.attname for f in digests))[:batch])
        if not chunk:
            return rewritten
        last = chunk[-1]["pk"]
        changed = []
        for row in chunk:
            stored = {f.name: row[f"raw_{f.name}"] for f in encrypted}
            clear = {name: decrypt(token) if token else token for name, token in stored.items()}
            stale = any(token and not is_current(token) for token in stored.values())
            hashed = {
                f.attname: keyed_digest(clear[f.source]) if clear[f.source] else None
                for f in digests
            }
            if stale or any(row[name] != value for name, value in hashed.items()):
                changed.append(model(pk=row["pk"], **clear, **hashed))
        if changed:
            with transaction.atomic():
                model._base_manager.bulk_update(changed, names)
            rewritten += len(changed)


class Command(BaseCommand):
    help = (
        "Re-encrypt ID numbers and phone numbers with the first of FIELD_ENCRYPTION_KEYS and "
        "recompute their digests with FIELD_HMAC_KEY (after adding or changing a key)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="rows per transaction")

    def handle(self, *args, batch, **options):
        total = 0
        for model in apps.get_models():
            count = rotate_model(model, batch=batch)
            if any(isinstance(f, EncryptedCharField) for f in model._meta.concrete_fields):
                self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
            total += count
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows re-encrypted."))
