"""A large import runs as a Celery task; its progress is kept in the cache by the upload's token.

The state is a small dict: {"state": queued|checking|writing|done|failed, "done": rows
checked, "total": rows, and when done "created", "existing", "rejected", "has_rejects"}.
It lives an hour: long enough to watch, and the result page reads it once more.
"""

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


def _key(token):
    return f"imports:progress:{token}"


def get(token):
    return cache.get(_key(token))


def save(token, **state):
    cache.set(_key(token), state, TIMEOUT)


def import_kept_file(*, kind, token, user_id, valid_only):
    """Read the kept upload again, check and write it, reporting as it goes."""
    kind = KINDS[kind]
    user = get_user_model().objects.get(pk=user_id)
    path = kept_path(token)
    try:
        with path.open("rb") as stream:
            sheet = read_workbook(stream, kind.headers())
    except (BadFile, OSError):
        save(token, state="failed", done=0, total=0)
        return
    total = len(sheet.rows)

    def report(done):
        if done % REPORT_EVERY == 0:
            save(token, state="checking", done=done, total=total)

    save(token, state="checking", done=0, total=total)
    try:
        checked, outcome = run_import(
            kind=kind, user=user, rows=sheet.rows, valid_only=valid_only, progress=report
        )
    except Exception:
        save(token, state="failed", done=0, total=total)
        raise
    if outcome.written and not checked.errors:
        path.unlink(missing_ok=True)
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
