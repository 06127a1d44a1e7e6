"""A large file is checked, then imported, by Celery tasks; their progress is kept in the
cache by the upload's token.

The state is a small dict: {"state": queued|checking|checked|done|failed, "done": rows
checked, "total": rows}; once checked, the preview's summary ("summary": counts and the
first errors); once done, "created", "existing", "rejected", "has_rejects". It lives an
hour: long enough to watch, and the result page reads it once more.
"""

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from imports.reader import BadFile, read_workbook
from imports.services import KINDS, run_import

TIMEOUT = 60 * 60
REPORT_EVERY = 500


def imports_dir():
    return Path(getattr(settings, "IMPORTS_DIR", Path(settings.MEDIA_ROOT) / "imports"))


def kept_path(token):
    return imports_dir() / f"{token}.xlsx"


# Uploads hold ID numbers: kept for the preview, the confirmation and the rejects download,
# then deleted, at the latest a day later (on the next upload of anyone).
KEPT_SECONDS = 24 * 60 * 60


def prune_kept(now=None):
    """Delete kept uploads older than KEPT_SECONDS."""
    now = now if now is not None else time.time()
    folder = imports_dir()
    if not folder.is_dir():
        return
    for path in folder.glob("*.xlsx"):
        try:
            if now - path.stat().st_mtime > KEPT_SECONDS:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def _key(token):
    return f"imports:progress:{token}"


def get(token):
    return cache.get(_key(token))


def save(token, **state):
    cache.set(_key(token), state, TIMEOUT)


ERRORS_SHOWN = 200


def summary_of(checked):
    """What the preview shows of a check: counts and the first ERRORS_SHOWN errors."""
    return {
        "valid": len(checked.valid),
        "existing": len(checked.existing),
        "bad_rows": len(checked.bad_rows),
        "errors": [
            {"row": error.row, "column": error.column, "message": str(error.message)}
            for error in checked.errors[:ERRORS_SHOWN]
        ],
        "more_errors": max(0, len(checked.errors) - ERRORS_SHOWN),
    }


def _read_kept(kind, token):
    """The kept upload read again, and a progress callback for it; None (and the job marked
    failed) when the file is gone or unreadable."""
    try:
        with kept_path(token).open("rb") as stream:
            sheet = read_workbook(stream, kind.headers())
    except (BadFile, OSError):
        save(token, state="failed", done=0, total=0)
        return None
    total = len(sheet.rows)

    def report(done):
        if done % REPORT_EVERY == 0:
            save(token, state="checking", done=done, total=total)

    save(token, state="checking", done=0, total=total)
    return sheet, total, report


def check_kept_file(*, kind, token, user_id):
    """Read the kept upload and check it, reporting as it goes; nothing is written."""
    kind = KINDS[kind]
    user = get_user_model().objects.get(pk=user_id)
    read = _read_kept(kind, token)
    if read is None:
        return
    sheet, total, report = read
    try:
        checked = kind.check(user, sheet.rows, progress=report)
    except Exception:
        save(token, state="failed", done=0, total=total)
        raise
    save(token, state="checked", done=total, total=total, summary=summary_of(checked))


def import_kept_file(*, kind, token, user_id, valid_only):
    """Read the kept upload again, check and write it, reporting as it goes."""
    kind = KINDS[kind]
    user = get_user_model().objects.get(pk=user_id)
    read = _read_kept(kind, token)
    if read is None:
        return
    sheet, total, report = read
    try:
        checked, outcome = run_import(
            kind=kind, user=user, rows=sheet.rows, valid_only=valid_only, progress=report
        )
    except Exception:
        save(token, state="failed", done=0, total=total)
        raise
    if outcome.written and not checked.errors:
        kept_path(token).unlink(missing_ok=True)
    save(
        token,
        state="done",
        done=total,
        total=total,
        written=outcome.written,
        created=outcome.created,
        existing=outcome.existing,
        rejected=outcome.rejected,
        has_rejects=bool(checked.errors),
    )
