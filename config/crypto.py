"""Field-level encryption of personal identifiers at rest (PIPL; MLPS 2.0 level 3).

ID numbers and phone numbers are stored as Fernet tokens (AES-128-CBC with HMAC-SHA256,
from the `cryptography` package); Python code reads them in clear (`person.id_number`).

Keys come from the environment:

- FIELD_ENCRYPTION_KEYS: one or more Fernet keys, comma-separated. The first encrypts, all of
  them decrypt (MultiFernet), so a key is rotated by putting a new one first, running
  `manage.py rotate_field_keys` (which re-encrypts every row with the first key), and only
  then removing the old one. New key: `python -c "from cryptography.fernet import Fernet;
  print(Fernet.generate_key().decode())"`.
- FIELD_HMAC_KEY: the key of the keyed hash (HMAC-SHA256) kept beside an encrypted ID number,
  through which the exact lookup and the unique constraint work (a token differs at every
  encryption, so the column itself can be neither searched nor unique). A different secret
  from the encryption keys: one leaked does not give away the other.

A local run (LOCAL_RUN, the tests) derives development keys from SECRET_KEY; production
refuses to start without real keys, as it does without a real SECRET_KEY (config.field_keys,
which settings import: it imports nothing of the apps).
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.core.exceptions import FieldError
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver

from config.field_keys import field_keys_from_environment  # noqa: F401 (settings' keys, here too)
from institutions.validators import normalize_phone, validate_phone

# Every Fernet token starts with its version byte 0x80, "gAAAAA" in URL-safe base64.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 (not a secret: the start of every token)


# --- Encrypting, decrypting, hashing --------------------------------------------------------


@functools.cache
def _fernet():
    from django.conf import settings

    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


@functools.cache
def _primary():
    from django.conf import settings

    return Fernet(settings.FIELD_ENCRYPTION_KEYS[0])


@functools.cache
def _hmac_key():
    from django.conf import settings

    return settings.FIELD_HMAC_KEY.encode()


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    # A test that changes the keys (rotation) gets the new ones at once.
    if setting in {"FIELD_ENCRYPTION_KEYS", "FIELD_HMAC_KEY"}:
        _fernet.cache_clear()
        _primary.cache_clear()
        _hmac_key.cache_clear()


def encrypt(text):
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token):
    """The clear text of a token made with any of FIELD_ENCRYPTION_KEYS (InvalidToken if none)."""
    return _fernet().decrypt(token.encode()).decode()


def is_current(token):
    """Whether the token was made with the first key (rotation leaves it alone)."""
    try:
        _primary().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def keyed_digest(text):
    """HMAC-SHA256 of the clear text with FIELD_HMAC_KEY, in hex: equal texts, equal digests,
    and nobody without the key can test a guessed ID number against it."""
    return hmac.new(_hmac_key(), text.encode(), hashlib.sha256).hexdigest()


# --- Model fields ---------------------------------------------------------------------------


class EncryptedCharField(models.CharField):
    """A short identifier typed in one form and stored encrypted.

    `max_length` and the validators apply to the clear value; the column is text and holds
    the token. `normalize` runs on validation and on every save (as NormalizedCharField's
    does). An empty value is stored empty: there is nothing to hide in it.
    """

    # A token differs at every encryption, so a lookup other than isnull (or equality with
    # the empty value) can find nothing. By default such a lookup is refused loudly, so that
    # no code searches an encrypted column believing it works; a field whose searches may
    # quietly find nobody (a phone in a search box that also looks at names) says so.
    unsearchable_finds_nothing = False

    def normalize(self, value):
        return value

    def get_internal_type(self):
        return "TextField"

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull" or (lookup_name == "exact" and self.unsearchable_finds_nothing):
            return super().get_lookup(lookup_name)
        if self.unsearchable_finds_nothing:
            return FindsNothing
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: look it up through its keyed "
            f"digest, not with '{lookup_name}'."
        )

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalize(value) if value else value

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = self.normalize(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if not value:
            return value
        if value.startswith(TOKEN_PREFIX):
            # Already a token (never a clear ID number or phone): not encrypted twice.
            return value
        return encrypt(value)

    def formfield(self, **kwargs):
        # As NormalizedCharField: a pasted value with blanks is longer than the stored one.
        return super().formfield(**{"max_length": 40, **kwargs})


class FindsNothing(models.Lookup):
    """A search of an encrypted column: no row matches (see EncryptedCharField)."""

    lookup_name = "finds_nothing"
    prepare_rhs = False
    can_use_none_as_rhs = True

    def as_sql(self, compiler, connection):
        return "1 = 0", []


class EncryptedPhoneField(EncryptedCharField):
    """A mainland mobile or landline number (as institutions.models.PhoneField), encrypted.
    A search by it (a picker's `phone__contains`) finds nobody rather than failing; equality
    with "" (no phone) still works, since an empty value is stored empty."""

    default_validators = [validate_phone]
    unsearchable_finds_nothing = True

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 24)
        super().__init__(*args, **kwargs)

    def normalize(self, value):
        return normalize_phone(value)


class DigestField(models.CharField):
    """The keyed digest of another field's clear value, filled on every insert (save and
    bulk_create alike); a lookup goes through `keyed_digest(normalised value)`."""

    def __init__(self, *args, source=None, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        source = model_instance._meta.get_field(self.source)
        clear = source.pre_save(model_instance, add)
        value = keyed_digest(clear) if clear else None
        setattr(model_instance, self.attname, value)
        return value


# --- Converting existing rows (migrations) --------------------------------------------------


def convert_columns(
    connection,
    table,
    columns,
    *,
    pk="id",
    digests=None,
    encrypting=True,
    batch=2000,
    start_after=None,
):
    """Encrypt the clear values of `columns` in `table` (or decrypt them, `encrypting=False`,
    for a migration run backwards), `batch` rows at a time in primary-key order, with raw SQL
    so that no model field decrypts on the way. `digests` maps a column to the column that
    gets the keyed digest of its clear value (emptied when decrypting). A value already in
    the wanted form is left as it is, so a conversion that stopped half-way can run again.
    `start_after`: only the rows whose key is above it (the ones a bulk insert just made)."""
    digests = digests or {}
    quote = connection.ops.quote_name
    hashed = [column for column in columns if column in digests]
    assignments = [f"{quote(column)} = %s" for column in columns]
    assignments += [f"{quote(digests[column])} = %s" for column in hashed]
    # Names from the migration, quoted; the values are parameters.
    update = f"UPDATE {quote(table)} SET {', '.join(assignments)} WHERE {quote(pk)} = %s"  # noqa: S608
    selected = ", ".join(quote(column) for column in columns)
    order = f"WHERE {quote(pk)} > %s ORDER BY {quote(pk)} LIMIT {int(batch)}"
    select = f"SELECT {quote(pk)}, {selected} FROM {quote(table)} {order}"  # noqa: S608
    last = -1 if start_after is None else start_after
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last])
            rows = cursor.fetchall()
            if not rows:
                return
            changes = []
            for key, *stored in rows:
                clear = dict(zip(columns, (_clear(value) for value in stored), strict=True))
                if encrypting:
                    new = [_token(value) for value in stored]
                    new += [keyed_digest(clear[c]) if clear[c] else None for c in hashed]
                else:
                    new = [clear[column] for column in columns] + [None] * len(hashed)
                changes.append([*new, key])
            cursor.executemany(update, changes)
            last = rows[-1][0]


def _clear(value):
    return decrypt(value) if value and value.startswith(TOKEN_PREFIX) else value


def _token(value):
    return encrypt(value) if value and not value.startswith(TOKEN_PREFIX) else value
