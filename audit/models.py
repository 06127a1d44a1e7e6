"""The audit log: security events and sensitive reads, append-only and hash-chained.

Each AuditEvent carries `prev_hash`, the hash of the row before it, and `hash`, the
SHA-256 of that previous hash and a canonical serialization of its own fields
(`chain_hash`). Changing, removing or inserting a row anywhere breaks the chain from
that point; `audit.chain.verify` walks it every night and alerts on a break.

Append-only, in three layers:
- the ORM: `save()` of an existing row, `QuerySet.update()` and `delete()` raise
  AppendOnlyError, and the models have only the "view" permission (the admin can grant
  nothing else);
- PostgreSQL: a trigger (migration 0002) refuses UPDATE and DELETE of audit rows, whoever
  asks, and every change to the archive records;
- the chain, for whatever gets past both: a row changed with the trigger disabled no
  longer matches its hash, a row removed leaves the next one pointing at nothing.

The trade-off, on purpose: the trigger lets one DELETE through, the nightly archive's.
It deletes only rows older than RETENTION_FLOOR_DAYS (180 days, the Cybersecurity
Law's minimum, fixed in the trigger whatever the settings say), and only in a
transaction that has said `SET LOCAL audit.archiving = 'on'`. Any session may say so:
the setting is a guard against mistakes (an admin action, a stray queryset, a migration),
not against an attacker holding the application's own database role. Against that
attacker the rows younger than 180 days stay undeletable, and a deletion of older rows
without the archive record that `audit.chain.archive` writes alongside breaks the chain
at the first kept row (its prev_hash no longer meets the last archived hash). The
trigger cannot stop the table's owner either, who may drop it, nor TRUNCATE (Django's
test runner empties tables with it): for the full guarantee, deployers run migrations as
the owning role and the application as a role granted only SELECT and INSERT on the
audit tables (docs/security.md), and ship the log off the box.

SQLite (a first `make run`) has no trigger; the ORM layer and the chain still hold.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.events import Event, Outcome

# The hash before the first row ever written.
GENESIS_HASH = "0" * 64
# The least the law allows (Cybersecurity Law §21: six months); the trigger enforces it.
RETENTION_FLOOR_DAYS = 180

# The fields a row's hash covers, in the order verification reads them.
HASHED_FIELDS = (
    "time",
    "user_id",
    "username",
    "client_address",
    "event",
    "object_type",
    "object_id",
    "object_text",
    "outcome",
    "detail",
)


class AppendOnlyError(Exception):
    """The audit log is never changed or deleted through the application."""


def canonical_time(value):
    """A row's time as hashed: UTC, microseconds, whatever the database hands back."""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_hash(prev_hash, values):
    """SHA-256 of the previous hash and the row's fields (`values` in HASHED_FIELDS order),
    serialized as sorted-key JSON so the same row always gives the same bytes."""
    fields = dict(zip(HASHED_FIELDS, values, strict=True))
    fields["time"] = canonical_time(fields["time"])
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("the audit log is never updated")

    def delete(self):
        raise AppendOnlyError("the audit log is only archived (audit.chain.archive)")


class AuditEvent(models.Model):
    time = models.DateTimeField(_("time"), editable=False)
    # Who acted, when known; a failed sign-in has only the name that was tried.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    client_address = models.CharField(_("client address"), max_length=45, blank=True)
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_text = models.CharField(_("object"), max_length=200, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # Nothing but reading: no permission to add, change or delete exists to be granted.
        default_permissions = ("view",)
        indexes = [
            # The log page, newest first, and its date range.
            models.Index(fields=["time", "id"], name="auditevent_time"),
            models.Index(fields=["event", "time"], name="auditevent_event_time"),
            models.Index(fields=["username", "time"], name="auditevent_username_time"),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.time):%Y-%m-%d %H:%M:%S} {self.username} {self.get_event_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are only archived (audit.chain.archive)")

    def detail_lines(self):
        """The detail as "key: value" lines for the page (nested values as compact JSON)."""
        return [
            f"{key}: {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)}"
            for key, value in sorted((self.detail or {}).items())
        ]

    def hashed_values(self):
        return tuple(getattr(self, name) for name in HASHED_FIELDS)

    def computed_hash(self):
        return chain_hash(self.prev_hash, self.hashed_values())


class AuditArchive(models.Model):
    """One run of the archive: which rows went to which file, and the chain across it.

    The last archived row's hash is where the verification of the rows kept in the
    database starts; the file's own SHA-256 tells whether it is the file that was written.
    """

    created_at = models.DateTimeField(_("archived at"), default=timezone.now)
    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    first_event_id = models.BigIntegerField(_("first event"))
    last_event_id = models.BigIntegerField(_("last event"))
    first_time = models.DateTimeField(_("first event's time"))
    last_time = models.DateTimeField(_("last event's time"))
    first_prev_hash = models.CharField(_("hash before the first event"), max_length=64)
    last_hash = models.CharField(_("last event's hash"), max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-last_event_id"]
        verbose_name = _("audit archive")
        verbose_name_plural = _("audit archives")
        default_permissions = ("view",)

    def __str__(self):
        return self.file_name

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit archive records are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit archive records are never deleted")


def chain_anchor(using="default"):
    """The hash the rows kept in the database continue from: the last archived row's,
    or the genesis hash when nothing was ever archived."""
    last = AuditArchive.objects.using(using).order_by("-last_event_id").first()
    return last.last_hash if last else GENESIS_HASH
