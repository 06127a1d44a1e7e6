"""Keeping the chain: verifying it, alerting on a break, archiving what is past retention.

`verify()` walks the rows kept in the database in id order, a chunk at a time (constant
memory), from the last archived hash (or the genesis hash): each row must point at the
row before it and hash to what it says. `archive()` moves the rows older than
AUDIT_RETENTION_DAYS, as a prefix of the chain, to one gzip JSON-lines file per run with
their hashes, records the run (AuditArchive) and only then deletes them; the chain runs
on from the file's last hash. `verify_archives()` checks the files themselves.

The two never overlap: verification holds a shared advisory lock for its walk, the archive
an exclusive one, so a walk never sees the rows gone but the archive record not yet there.
"""

import dataclasses
import datetime
import gzip
import hashlib
import json
import logging
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import mail_admins
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from audit.events import Event, Outcome
from audit.models import (
    GENESIS_HASH,
    HASHED_FIELDS,
    RETENTION_FLOOR_DAYS,
    AuditArchive,
    AuditEvent,
    canonical_time,
    chain_anchor,
    chain_hash,
)
from audit.services import ARCHIVE_LOCK, record

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000
# A break report lists this many rows; the count goes on.
MAX_BREAKS_LISTED = 50
# One archive run moves at most this many rows; the next night takes the rest.
MAX_ARCHIVE_ROWS = 500_000

ALERT_RULE = "audit-chain-broken"
ALERT_RULE_NAME = gettext_lazy("Audit log chain broken")
ALERT_RULE_DESCRIPTION = gettext_lazy(
    "The nightly verification found audit rows changed or missing: the audit and security "
    "administrators, at once."
)


@dataclasses.dataclass
class Break:
    event_id: int | None
    kind: str  # "altered" (a row's fields), "link" (rows missing or inserted), "archive"
    note: str = ""


@dataclasses.dataclass
class Verification:
    anchor: str = GENESIS_HASH
    rows: int = 0
    last_id: int | None = None
    last_hash: str | None = None
    breaks: list = dataclasses.field(default_factory=list)
    break_count: int = 0

    @property
    def intact(self):
        return self.break_count == 0

    def add(self, item):
        self.break_count += 1
        if len(self.breaks) < MAX_BREAKS_LISTED:
            self.breaks.append(item)

    def summary(self):
        if self.intact:
            return _("%(rows)s rows checked; the chain is intact.") % {"rows": self.rows}
        lines = [
            _("%(rows)s rows checked; %(count)s breaks:")
            % {"rows": self.rows, "count": self.break_count}
        ]
        lines += [f"  #{b.event_id}: {b.kind} {b.note}".rstrip() for b in self.breaks]
        return "\n".join(lines)


def _lock_archives(shared):
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [ARCHIVE_LOCK])


def _check_archive_records(result):
    """Each archive run continues the one before it."""
    expected = GENESIS_HASH
    for run in AuditArchive.objects.order_by("last_event_id").iterator():
        if run.first_prev_hash != expected:
            result.add(Break(run.first_event_id, "archive", run.file_name))
        expected = run.last_hash


def verify(*, chunk_size=CHUNK_SIZE):
    """Walk the kept rows from the last archived hash; a Verification of what was found."""
    result = Verification()
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        _lock_archives(shared=True)
        _check_archive_records(result)
        result.anchor = expected = chain_anchor()
        # Rows appended during the walk are tomorrow's: the walk has an end.
        end = AuditEvent.objects.aggregate(end=Max("id"))["end"] or 0
        last_id = 0
        columns = ("id", "prev_hash", "hash", *HASHED_FIELDS)
        while True:
            rows = list(
                AuditEvent.objects.filter(id__gt=last_id, id__lte=end)
                .order_by("id")
                .values_list(*columns)[:chunk_size]
            )
            if not rows:
                break
            for pk, prev_hash, stored_hash, *values in rows:
                if prev_hash != expected:
                    result.add(Break(pk, "link", _("rows missing or inserted before it")))
                if chain_hash(prev_hash, values) != stored_hash:
                    result.add(Break(pk, "altered", _("its fields no longer match its hash")))
                expected = stored_hash
                result.rows += 1
            last_id = rows[-1][0]
            if len(rows) < chunk_size:
                break
        result.last_id, result.last_hash = (last_id or None), expected
    return result


def verify_and_alert():
    """The nightly check: verify, and on a break log it, mail the admins, notify the audit
    and security administrators and record it in the log itself."""
    result = verify()
    if result.intact:
        logger.info("audit chain intact: %s rows", result.rows)
    else:
        alert_broken_chain(result)
    return result


def alert_broken_chain(result):
    summary = result.summary()
    logger.error("audit chain broken: %s", summary)
    first = result.breaks[0]
    with override("zh-hans"):
        subject = _("Audit log chain broken at event #%(id)s") % {"id": first.event_id}
        mail_admins(subject, summary, fail_silently=True)
        _notify_administrators(subject, summary, first)
    record(
        Event.CHAIN_BROKEN,
        outcome=Outcome.FAILURE,
        breaks=result.break_count,
        first=[dataclasses.asdict(b) for b in result.breaks[:5]],
    )


def _notify_administrators(title, body, first):
    from institutions.models import Role
    from notifications.models import Rule
    from notifications.services import Message, notify

    rule, _created = Rule.objects.get_or_create(
        code=ALERT_RULE,
        defaults={
            "name": str(ALERT_RULE_NAME),
            "description": str(ALERT_RULE_DESCRIPTION),
            "is_urgent": True,
        },
    )
    if not rule.is_enabled:
        return 0
    people = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(role__in=[Role.AUDIT_ADMIN, Role.SECURITY_ADMIN]) | Q(is_superuser=True))
        .values_list("pk", flat=True)
    )
    day = f"{timezone.localdate():%Y%m%d}"
    # Once a day per break and person, for as long as it stays broken.
    messages = [
        Message(
            key=f"{ALERT_RULE}:{first.event_id}:{day}:u{pk}",
            title=title,
            body=body,
            url=reverse("audit:list"),
            recipient_id=pk,
            subject_id=first.event_id,
            step=day,
        )
        for pk in people
    ]
    return notify(rule, messages, send_out=True)


# --- The archive ---------------------------------------------------------------


def archive_directory():
    return Path(str(settings.AUDIT_ARCHIVE_DIR))


def retention_cutoff(now=None):
    """Rows before this time are archived: AUDIT_RETENTION_DAYS ago, never less than the
    legal floor (which the trigger enforces anyway)."""
    now = now or timezone.now()
    days = max(settings.AUDIT_RETENTION_DAYS, RETENTION_FLOOR_DAYS)
    return now - datetime.timedelta(days=days)


def archive_line(pk, prev_hash, stored_hash, values):
    """One row of an archive file: the hashed fields as stored, its id and both hashes."""
    fields = dict(zip(HASHED_FIELDS, values, strict=True))
    fields["time"] = canonical_time(fields["time"])
    line = {"id": pk, **fields, "prev_hash": prev_hash, "hash": stored_hash}
    return json.dumps(line, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def values_of_line(line):
    """The hashed fields of an archive line, as chain_hash takes them."""
    return tuple(
        datetime.datetime.fromisoformat(line["time"]) if name == "time" else line[name]
        for name in HASHED_FIELDS
    )


class ChainBrokenError(Exception):
    """The rows due for the archive do not verify: they stay in the database, as evidence."""


def archive(*, now=None, max_rows=MAX_ARCHIVE_ROWS, chunk_size=CHUNK_SIZE, directory=None):
    """Move the rows past retention to a new file; the AuditArchive record, or None when
    nothing was due. Runs in a transaction of its own (never inside a request's)."""
    now = now or timezone.now()
    directory = Path(directory or archive_directory())
    directory.mkdir(parents=True, exist_ok=True)
    with transaction.atomic(durable=True):
        _lock_archives(shared=False)
        cutoff = retention_cutoff(now)
        # A prefix of the chain: up to the first row that is still young.
        first_kept = (
            AuditEvent.objects.filter(time__gte=cutoff)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        due = AuditEvent.objects.order_by("id")
        if first_kept is not None:
            due = due.filter(id__lt=first_kept)
        anchor = chain_anchor()
        stamp = timezone.localtime(now).strftime("%Y%m%dT%H%M%S")
        partial = directory / f".audit-{stamp}.jsonl.gz.partial"
        path = None
        try:
            written = _write_archive(partial, due, anchor, max_rows, chunk_size)
            if written is None:
                partial.unlink(missing_ok=True)
                return None
            rows, first, last = written
            path = directory / f"audit-{stamp}-{first[0]}-{last[0]}.jsonl.gz"
            os.replace(partial, path)
            _sync_directory(directory)
            deleted = _delete_archived(first[0], last[0], cutoff)
            if deleted != rows:
                raise RuntimeError(f"archived {rows} audit rows but deleted {deleted}")
            run = AuditArchive.objects.create(
                created_at=now,
                file_name=path.name,
                file_sha256=file_sha256(path),
                rows=rows,
                first_event_id=first[0],
                last_event_id=last[0],
                first_time=first[1],
                last_time=last[1],
                first_prev_hash=anchor,
                last_hash=last[2],
            )
            record(
                Event.LOG_ARCHIVED,
                obj=run,
                rows=rows,
                first_event=first[0],
                last_event=last[0],
                before=canonical_time(cutoff),
            )
        except BaseException:
            # Nothing was deleted: the rows stay in the database, the file goes.
            partial.unlink(missing_ok=True)
            if path is not None:
                path.unlink(missing_ok=True)
            raise
    logger.info("audit: archived %s rows to %s", rows, path)
    return run


def archive_or_alert(**kwargs):
    """The nightly archive: a chain that does not verify is not archived, and alerted."""
    try:
        return archive(**kwargs)
    except ChainBrokenError:
        logger.exception("audit archive refused")
        verify_and_alert()
        return None


def _write_archive(path, due, anchor, max_rows, chunk_size):
    """Write the due rows to `path`, checking the chain on the way; (rows, first, last) with
    first and last as (id, time, hash), or None when no row is due."""
    columns = ("id", "prev_hash", "hash", *HASHED_FIELDS)
    rows, first, last = 0, None, None
    expected = anchor
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as out:
        last_id = 0
        while rows < max_rows:
            chunk = list(
                due.filter(id__gt=last_id).values_list(*columns)[: min(chunk_size, max_rows - rows)]
            )
            if not chunk:
                break
            for pk, prev_hash, stored_hash, *values in chunk:
                if prev_hash != expected or chain_hash(prev_hash, values) != stored_hash:
                    raise ChainBrokenError(f"audit row {pk} does not verify; nothing archived")
                out.write(archive_line(pk, prev_hash, stored_hash, values).encode())
                expected = stored_hash
                if first is None:
                    first = (pk, values[0], stored_hash)
                last = (pk, values[0], stored_hash)
                rows += 1
            last_id = chunk[-1][0]
        out.close()
        raw.flush()
        os.fsync(raw.fileno())
    return (rows, first, last) if rows else None


def _sync_directory(directory):
    # The rename must be on disk before the rows it holds are deleted.
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _delete_archived(first_id, last_id, cutoff):
    """The one DELETE the append-only trigger lets through (see audit.models)."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL audit.archiving = 'on'")
        cursor.execute(
            f'DELETE FROM {table} WHERE id >= %s AND id <= %s AND "time" < %s',  # noqa: S608
            [first_id, last_id, cutoff],
        )
        deleted = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL audit.archiving = 'off'")
    return deleted


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_archives(directory=None):
    """Check every archive file: present, the bytes that were written, a chain from the
    hash before it to the hash recorded after it. A Verification (rows = rows read)."""
    directory = Path(directory or archive_directory())
    result = Verification()
    _check_archive_records(result)
    for run in AuditArchive.objects.order_by("last_event_id").iterator():
        path = directory / run.file_name
        if not path.is_file():
            result.add(Break(run.first_event_id, "archive", _("file missing: %s") % run.file_name))
            continue
        if file_sha256(path) != run.file_sha256:
            result.add(Break(run.first_event_id, "archive", _("file changed: %s") % run.file_name))
        expected, rows = run.first_prev_hash, 0
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for text in lines:
                line = json.loads(text)
                if line["prev_hash"] != expected:
                    result.add(Break(line["id"], "link", run.file_name))
                if chain_hash(line["prev_hash"], values_of_line(line)) != line["hash"]:
                    result.add(Break(line["id"], "altered", run.file_name))
                expected = line["hash"]
                rows += 1
        if rows != run.rows or expected != run.last_hash:
            result.add(Break(run.last_event_id, "archive", _("rows missing: %s") % run.file_name))
        result.rows += rows
    return result
