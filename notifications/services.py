"""Writing notifications once and getting them out, with retries.

`notify()` is what rules call: it lands each message once (the key is unique), and
plans its deliveries (the urgent ones at once; the others wait for the digest).
`deliver_due()` is what the worker runs: it claims due deliveries (rows locked,
skipping rows another worker holds), sends them, and records the outcome: sent,
retry later with exponential backoff, or failed for an admin to look at.
"""

import datetime
import logging
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Message:
    """One message a rule wants sent; `key` makes it land once."""

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
    A fixed number of queries per chunk of CHUNK_SIZE messages, however many match.
    """
    now = now or timezone.now()
    send_out = rule.is_urgent if send_out is None else send_out
    preferences = dict(Preference.objects.filter(rule=rule.code).values_list("user_id", "channels"))
    robots = dict(Webhook.objects.filter(is_active=True).values_list("pk", "kind"))
    created = 0
    chunk = []
    for message in messages:
        chunk.append(message)
        if len(chunk) >= CHUNK_SIZE:
            created += _land(rule, chunk, now, preferences, robots, send_out)
            chunk = []
    if chunk:
        created += _land(rule, chunk, now, preferences, robots, send_out)
    if created:
        transaction.on_commit(_enqueue_delivery)
    return created


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
    """Insert the messages whose key is new; [(pk, recipient_id, webhook_id)] of those landed.

    Keys already landed are looked up first (re-inserting them would only make dead rows on
    every scan); a key another worker lands in between is skipped by ON CONFLICT.
    """
    if connection.vendor == "postgresql":
        return _insert_new_postgresql(rule, by_key, now)
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


def _insert_new_postgresql(rule, by_key, now):
    # One array parameter per column instead of thousands of placeholders: the same rows,
    # a fraction of the time to build and parse the statement.
    import psycopg

    table = Notification._meta.db_table
    connection.ensure_connection()
    # A server-side-binding cursor sends the arrays as binary parameters (%b); Django's
    # client-side cursor would escape every element into the SQL text (a third of the time).
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            f"SELECT key FROM {table} WHERE key = ANY(%b::varchar[])",  # noqa: S608 - our table name
            [list(by_key)],
        )
        existing = {row[0] for row in cursor.fetchall()}
        new = [message for key, message in by_key.items() if key not in existing]
        if not new:
            return []
        cursor.execute(
            f"""
            INSERT INTO {table}
                (key, rule, recipient_id, webhook_id, subject_id, step, is_urgent, title, body,
                 url, created_at)
            SELECT key, %s, recipient_id, webhook_id, subject_id, step, %s, title, body, url, %s
            FROM unnest(%b::varchar[], %b::bigint[], %b::bigint[], %b::bigint[], %b::varchar[],
                        %b::varchar[], %b::text[], %b::varchar[])
                AS m(key, recipient_id, webhook_id, subject_id, step, title, body, url)
            ON CONFLICT (key) DO NOTHING
            RETURNING id, recipient_id, webhook_id
            """,  # noqa: S608 - our table name
            [
                rule.code,
                rule.is_urgent,
                now,
                [m.key for m in new],
                [m.recipient_id for m in new],
                [m.webhook_id for m in new],
                [m.subject_id for m in new],
                [m.step for m in new],
                [m.title[:200] for m in new],
                [m.body for m in new],
                [m.url[:300] for m in new],
            ],
        )
        return cursor.fetchall()


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
