"""Writing notifications once and getting them out, with retries.

`notify()` is what rules call: it lands each message once (the key is unique), and
plans its deliveries (the urgent ones at once; the others wait for the digest).
`deliver_due()` is what the worker runs: it claims due deliveries (rows locked,
skipping rows another worker holds), sends them, and records the outcome: sent,
retry later with exponential backoff, or failed for an admin to look at.
"""

import datetime
import itertools
import logging
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from notifications.channels import DeliveryError, channel_for
from notifications.models import (
    PERSONAL_CHANNELS,
    Delivery,
    DeliveryState,
    Notification,
    Preference,
    Webhook,
)

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000


class Message(NamedTuple):
    """One message a rule wants sent; `key` makes it land once.

    A named tuple rather than a dataclass: a scan builds hundreds of thousands of them.
    """

    key: str
    title: str
    body: str = ""
    url: str = ""
    recipient_id: int | None = None
    webhook_id: int | None = None
    subject_id: int | None = None
    step: str = ""


def notify(rule, messages, *, now=None, send_out=None):
    """Land each message once and plan its deliveries; returns how many were new.

    Urgent rules (or `send_out=True`) go out at once through the channels people
    chose and the group robots; the others stay in the inbox for the digest.
    A fixed number of queries however many messages there are.
    """
    now = now or timezone.now()
    send_out = rule.is_urgent if send_out is None else send_out
    if connection.vendor == "postgresql":
        created = _land_postgresql(rule, messages, now, send_out)
    else:
        created = _land_in_chunks(rule, messages, now, send_out)
    if created:
        transaction.on_commit(_enqueue_delivery)
    return created


# --- PostgreSQL: staged with COPY, landed and planned in one statement ---------

STAGING = "notification_staging"

STAGING_COLUMNS = "key, recipient_id, webhook_id, subject_id, step, title, body, url"
STAGING_CHUNK = 50_000


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _land_postgresql(rule, messages, now, send_out):
    """COPY the messages into a temporary table, then one statement lands the new keys
    and plans their deliveries (robots always, people's chosen channels if `send_out`).

    COPY is the cheapest way to move rows from Python into PostgreSQL (no statement
    to build or parse, values written by psycopg's C code); ON CONFLICT skips a key
    already landed, by an earlier scan or by another worker at the same moment.
    """
    messages = iter(messages)
    first = next(messages, None)
    if first is None:  # most rules, most minutes: no temporary table for nothing
        return 0
    messages = itertools.chain([first], messages)
    notification = Notification._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} (
                key varchar(200), recipient_id bigint, webhook_id bigint, subject_id bigint,
                step varchar(20), title varchar(200), body text, url varchar(300)
            ) ON COMMIT DROP
            """
        )
        cursor.execute(f"TRUNCATE {STAGING}")
        # The messages come from the rule's own query, read lazily on this connection,
        # which cannot run it while a COPY is open: copy them over a chunk at a time.
        for chunk in _chunks(messages, STAGING_CHUNK):
            with cursor.copy(f"COPY {STAGING} ({STAGING_COLUMNS}) FROM STDIN") as copy:
                for m in chunk:
                    copy.write_row(
                        (
                            m.key,
                            m.recipient_id,
                            m.webhook_id,
                            m.subject_id,
                            m.step,
                            m.title[:200],
                            m.body,
                            m.url[:300],
                        )
                    )
        cursor.execute(
            f"""
            WITH landed AS (
                INSERT INTO {notification}
                    (key, rule, recipient_id, webhook_id, subject_id, step, is_urgent,
                     title, body, url, created_at)
                SELECT key, %(rule)s, recipient_id, webhook_id, subject_id, step, %(urgent)s,
                    title, body, url, %(now)s
                FROM {STAGING}
                ON CONFLICT (key) DO NOTHING
                RETURNING id, recipient_id, webhook_id
            ), planned AS (
                INSERT INTO {Delivery._meta.db_table}
                    (notification_id, channel, state, attempts, next_attempt_at, last_error)
                SELECT landed.id, robot.kind, %(pending)s, 0, %(now)s, ''
                FROM landed JOIN {Webhook._meta.db_table} robot
                    ON robot.id = landed.webhook_id AND robot.is_active
                UNION ALL
                SELECT landed.id, chosen.channel, %(pending)s, 0, %(now)s, ''
                FROM landed
                JOIN {Preference._meta.db_table} preference
                    ON preference.user_id = landed.recipient_id AND preference.rule = %(rule)s
                CROSS JOIN LATERAL jsonb_array_elements_text(preference.channels)
                    AS chosen(channel)
                WHERE %(send_out)s AND chosen.channel = ANY(%(personal)s)
                ON CONFLICT DO NOTHING
            )
            SELECT count(*) FROM landed
            """,  # noqa: S608 - our own table names
            {
                "rule": rule.code,
                "urgent": rule.is_urgent,
                "now": now,
                "pending": DeliveryState.PENDING.value,
                "send_out": bool(send_out),
                "personal": [channel.value for channel in PERSONAL_CHANNELS],
            },
        )
        return cursor.fetchone()[0]


# --- Other databases (SQLite for a first `make run`): in chunks ---------------


def _land_in_chunks(rule, messages, now, send_out):
    preferences = dict(Preference.objects.filter(rule=rule.code).values_list("user_id", "channels"))
    robots = dict(Webhook.objects.filter(is_active=True).values_list("pk", "kind"))
    return sum(
        _land(rule, chunk, now, preferences, robots, send_out)
        for chunk in _chunks(messages, CHUNK_SIZE)
    )


def _land(rule, messages, now, preferences, robots, send_out):
    by_key = {message.key: message for message in messages}
    landed = _insert_new(rule, by_key, now)
    deliveries = []
    for pk, recipient_id, webhook_id in landed:
        if webhook_id is not None:
            if webhook_id in robots:
                deliveries.append(Delivery(notification_id=pk, channel=robots[webhook_id]))
        elif send_out:
            deliveries.extend(
                Delivery(notification_id=pk, channel=channel)
                for channel in preferences.get(recipient_id, [])
                if channel in PERSONAL_CHANNELS
            )
    for delivery in deliveries:
        delivery.next_attempt_at = now
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(landed)


def _insert_new(rule, by_key, now):
    """Insert the messages whose key is new; [(pk, recipient_id, webhook_id)] of those landed."""
    existing = set(Notification.objects.filter(key__in=list(by_key)).values_list("key", flat=True))
    new = [message for key, message in by_key.items() if key not in existing]
    if not new:
        return []
    Notification.objects.bulk_create(
        [
            Notification(
                key=message.key,
                rule=rule.code,
                recipient_id=message.recipient_id,
                webhook_id=message.webhook_id,
                subject_id=message.subject_id,
                step=message.step,
                is_urgent=rule.is_urgent,
                title=message.title[:200],
                body=message.body,
                url=message.url[:300],
                created_at=now,
            )
            for message in new
        ],
        ignore_conflicts=True,
    )
    return list(
        Notification.objects.filter(key__in=[m.key for m in new], created_at=now).values_list(
            "pk", "recipient_id", "webhook_id"
        )
    )


def _enqueue_delivery():
    from notifications.tasks import deliver

    deliver.delay()


# --- Delivering --------------------------------------------------------------


def backoff(attempts):
    """Seconds to wait after the n-th failed attempt: base, 2×base, 4×base… capped."""
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    return min(base * 2 ** (attempts - 1), settings.NOTIFICATIONS_RETRY_MAX_SECONDS)


def deliver_due(*, now=None, batch=10, limit=1000):
    """Send what is due; returns {"sent": n, "retry": n, "failed": n}."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    done = 0
    while done < limit:
        with transaction.atomic():
            due = list(
                Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(state=DeliveryState.PENDING, next_attempt_at__lte=now or timezone.now())
                .select_related("notification__recipient", "notification__webhook")
                .order_by("next_attempt_at", "pk")[:batch]
            )
            if not due:
                break
            for delivery in due:
                counts[_attempt(delivery)] += 1
            done += len(due)
    return counts


def _attempt(delivery):
    delivery.attempts += 1
    now = timezone.now()
    try:
        channel_for(delivery.channel).send(delivery.notification)
    except DeliveryError as error:
        outcome = _failed(delivery, str(error), permanent=error.permanent, now=now)
    except Exception as error:  # a bug in a channel must not stop the others
        logger.exception("delivery %s raised", delivery.pk)
        outcome = _failed(delivery, repr(error), permanent=False, now=now)
    else:
        delivery.state = DeliveryState.SENT
        delivery.sent_at = now
        delivery.last_error = ""
        outcome = "sent"
    delivery.save(update_fields=["state", "attempts", "next_attempt_at", "last_error", "sent_at"])
    return outcome


def _failed(delivery, error, *, permanent, now):
    delivery.last_error = error[:1000]
    if permanent or delivery.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        delivery.state = DeliveryState.FAILED
        logger.warning("delivery %s failed for good: %s", delivery.pk, error)
        return "failed"
    delivery.next_attempt_at = now + datetime.timedelta(seconds=backoff(delivery.attempts))
    transaction.on_commit(
        lambda: _enqueue_retry(backoff(delivery.attempts)),
    )
    return "retry"


def _enqueue_retry(countdown):
    from notifications.tasks import deliver

    deliver.apply_async(countdown=countdown)


def retry_failed(deliveries):
    """An admin's "retry": failed deliveries go back to the queue with fresh attempts."""
    count = deliveries.filter(state=DeliveryState.FAILED).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    if count:
        transaction.on_commit(_enqueue_delivery)
    return count


def mark_read(notifications, *, now=None):
    return notifications.filter(read_at__isnull=True).update(read_at=now or timezone.now())
