"""Recording an audit event: `record()` appends one row to the hash chain.

Concurrency: appending reads the chain's head (the newest row's hash) and writes the
next row after it, so two writers must not read the same head. On PostgreSQL each append
first takes a transaction-level advisory lock (`pg_advisory_xact_lock(CHAIN_LOCK)`), held
until the transaction that recorded the event ends; the next writer then reads the head
that transaction left. SQLite lets one writer at a time into the database, and a writer
whose read went stale is refused ("database is locked"), never forked.

Transactions: an event belongs to the transaction it is recorded in, inside a savepoint
of its own. Recorded in a request (ATOMIC_REQUESTS), it commits with the request's work
or rolls back with it, so the log never claims a change that did not happen, and the
chain's head, being the newest committed row, rolls back with it: no hole, no fork. A
failed sign-in is kept because the sign-in view answers a refusal normally (no exception,
so the request's transaction commits), and the lockout page is put in place afterwards
by axes' middleware, outside that transaction. Events outside any transaction (a Celery
task, a command) commit at once. The price of the lock: an audited request holds the
chain's head until it ends, so audited requests queue one behind another for their last
moments; they are short (a sign-in, the start of an export, a page that shows an ID).

Recording fails closed: if the row cannot be written, the error propagates, the savepoint
is rolled back, and the action it records fails with it (the caller's transaction stays
usable if the caller catches the error).
"""

import ipaddress
import logging
import math

from axes.helpers import get_client_ip_address
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from audit.events import Event, ObjectRef, Outcome
from audit.models import AuditEvent, chain_anchor
from config.logging import redact_id_numbers

logger = logging.getLogger(__name__)

# An arbitrary fixed key for PostgreSQL's advisory locks: "audit" and a number.
CHAIN_LOCK = 0x6175646974_01
ARCHIVE_LOCK = 0x6175646974_02

_ENCODER = DjangoJSONEncoder()


def record(
    event,
    *,
    request=None,
    user=None,
    username=None,
    obj=None,
    outcome=Outcome.SUCCESS,
    **detail,
):
    """Append one event to the audit log and return it.

    `user` is who acted (default: the request's signed-in user); `username` the name to
    show when there is no account (a failed sign-in); `obj` a model instance or an
    ObjectRef; `detail` anything else, as JSON. Text is stripped of NUL, ID numbers are
    masked, and values are cut to their columns before they are hashed.
    """
    event = Event(event)
    outcome = Outcome(outcome)
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if username is None:
        username = user.get_username() if user is not None else ""
    object_type, object_id, object_text = describe(obj)
    fields = {
        "user_id": user.pk if user is not None else None,
        "username": clean_text(username, 150),
        "client_address": client_address(request),
        "event": event.value,
        "object_type": clean_text(object_type, 100),
        "object_id": clean_text(object_id, 64),
        "object_text": clean_text(object_text, 200),
        "outcome": outcome.value,
        "detail": plain_json(detail),
    }
    using = DEFAULT_DB_ALIAS
    with transaction.atomic(using=using):
        lock_chain(using)
        prev_hash = (
            AuditEvent.objects.using(using).order_by("-id").values_list("hash", flat=True).first()
        ) or chain_anchor(using)
        # Read after the lock: rows follow each other in time as they do in the chain.
        row = AuditEvent(time=timezone.now(), prev_hash=prev_hash, **fields)
        row.hash = row.computed_hash()
        row.save(using=using)
    return row


def lock_chain(using=DEFAULT_DB_ALIAS):
    """Hold the chain's head until the current transaction ends (PostgreSQL)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def client_address(request):
    """The client's address as the lockout sees it: REMOTE_ADDR, or X-Forwarded-For behind
    TRUSTED_PROXY_COUNT proxies (axes' reading of the settings); "" when there is none."""
    if request is None:
        return ""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        try:
            address = get_client_ip_address(request)
        except Exception:  # a hand-made request without META: no address, not a failure
            logger.debug("no client address", exc_info=True)
            address = None
    try:
        return str(ipaddress.ip_address(str(address).strip()))[:45]
    except ValueError:
        return ""


def describe(obj):
    """(type, id, text) of what an event is about."""
    if obj is None:
        return "", "", ""
    if isinstance(obj, ObjectRef):
        return obj.type, str(obj.id), obj.text
    return obj._meta.label_lower, str(obj.pk), str(obj)


def clean_text(value, length=None):
    """Text a database column takes (no NUL) and a log may hold (ID numbers masked)."""
    text = redact_id_numbers(str(value if value is not None else "").replace("\x00", ""))
    return text[:length] if length else text


def plain_json(value):
    """`value` as plain JSON (dicts, lists, strings, numbers, booleans, null), the same
    after a trip through the database as before: its hash is computed before the trip."""
    if isinstance(value, dict):
        return {clean_text(key): plain_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain_json(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((plain_json(item) for item in value), key=str)
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return clean_text(value)
    try:
        return clean_text(_ENCODER.default(value))
    except TypeError:
        return clean_text(value)
