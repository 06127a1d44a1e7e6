"""The field-encryption keys from the environment, for config/settings.py.

Settings import this module, so it imports nothing of the apps (nor of Django's app
registry): config.crypto, which encrypts and hashes with these keys, imports it.
"""

import base64
import hashlib

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured


def development_key(secret_key, purpose):
    return hashlib.sha256(f"{purpose}:{secret_key}".encode()).digest()


def field_keys_from_environment(env, *, production, secret_key):
    """(FIELD_ENCRYPTION_KEYS, FIELD_HMAC_KEY) for config/settings.py, read with
    django-environ; development keys derived from SECRET_KEY on a local run only."""
    keys = env.list("FIELD_ENCRYPTION_KEYS", default=[])
    hmac_key = env("FIELD_HMAC_KEY", default="")
    if production and not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be set in production (ID numbers and phone numbers are "
            "encrypted with it; e.g. python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'). For a local run, set LOCAL_RUN=true."
        )
    if production and (len(hmac_key) < 32 or len(set(hmac_key)) < 5):
        raise ImproperlyConfigured(
            "FIELD_HMAC_KEY must be set to a real secret in production (32 or more random "
            "characters, not one of FIELD_ENCRYPTION_KEYS; e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'). For a local run, set LOCAL_RUN=true."
        )
    if not keys:
        keys = [base64.urlsafe_b64encode(development_key(secret_key, "field-encryption")).decode()]
    if not hmac_key:
        hmac_key = development_key(secret_key, "field-hmac").hex()
    for key in keys:
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 bytes in "
                "URL-safe base64, 44 characters)."
            ) from None
    if hmac_key in keys:
        raise ImproperlyConfigured("FIELD_HMAC_KEY must differ from FIELD_ENCRYPTION_KEYS.")
    return keys, hmac_key
