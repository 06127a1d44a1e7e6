"""The import tasks, and what finds them again when their message never reached a worker.

Sending a large import's check or import (`.delay()`, after the upload or the confirmation)
leaves a mark beside the kept upload, IMPORTS_DIR/queue/<token>.<task>.<state>, holding the
task's arguments. Its state is in its name, and every change of state is a rename, which the
file system makes atomic and only one of two renames of the same file wins:

    queued-0 --(the task starts)--> running --> done | failed
    queued-N --(the sweep sends it again)--> queued-N+1 ... --(too many)--> failed

A task that finds its mark taken by another run does nothing, so the sweep's copy of a
message and the original (held up, not lost) never both import the file. The mark lives on
the disk the uploads are kept on, which the web and the workers share; the progress in the
cache lives in Redis, which is down when a message cannot be sent.
"""

import contextlib
import json
import logging
import os
import time
import uuid

from celery import shared_task
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from config.celery import Task
from imports import progress

logger = logging.getLogger(__name__)

DEFAULT_RESEND_MINUTES = 5
DEFAULT_MAX_RESENDS = 3
QUEUED = "queued-"


def resend_minutes():
    return getattr(settings, "QUEUED_JOB_RESEND_MINUTES", DEFAULT_RESEND_MINUTES)


def max_resends():
    return getattr(settings, "QUEUED_JOB_MAX_RESENDS", DEFAULT_MAX_RESENDS)


def queue_dir():
    return progress.imports_dir() / "queue"


def _stem(task_name, token):
    return f"{token}.{task_name.rsplit('.', 1)[-1]}"


def _marks(stem):
    folder = queue_dir()
    return sorted(folder.glob(f"{stem}.*")) if folder.is_dir() else []


def _state(mark):
    return mark.suffix[1:]


def mark_queued(task_name, args):
    """Leave the mark of a task being sent: queued, with its arguments."""
    token = str(args[1])
    folder = queue_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = _stem(task_name, token)
    for old in _marks(stem):  # the same step asked for again: this send is the one
        old.unlink(missing_ok=True)
    rows = (progress.get(token) or {}).get("total", 0)
    draft = folder / f".{uuid.uuid4().hex}.tmp"
    draft.write_text(json.dumps({"task": task_name, "args": list(args), "rows": rows}))
    os.replace(draft, folder / f"{stem}.{QUEUED}0")


def take(task_name, token, *, again=False):
    """Whether this run may go on: it turns the queued mark to running. A run sent
    without a mark (apply_async, a test) goes on as before; `again` (Celery's retry after
    its worker died) takes over a mark left running."""
    stem = _stem(task_name, token)
    for _attempt in range(5):
        marks = _marks(stem)
        if not marks:
            return True
        mark = marks[0]
        if _state(mark).startswith(QUEUED):
            try:
                mark.rename(mark.with_suffix(".running"))
            except FileNotFoundError:
                continue  # the sweep moved it on, or another run took it: look again
            return True
        return _state(mark) == "running" and again
    return False


def finish(task_name, token, state):
    mark = queue_dir() / f"{_stem(task_name, token)}.running"
    with contextlib.suppress(FileNotFoundError):
        mark.rename(mark.with_suffix(f".{state}"))


class MarkedImportTask(Task):
    """An import task whose `.delay()` leaves its mark first (see the module's text)."""

    def delay(self, *args, **kwargs):
        mark_queued(self.name, args)
        return super().delay(*args, **kwargs)

    def send_again(self, *args):
        """Send without a new mark (the sweep has moved the mark on); logged if the
        broker is still down."""
        return super().delay(*args)


def _is_again(request):
    return bool(request.retries) or bool((request.delivery_info or {}).get("redelivered"))


# A message can come twice: a worker killed after the work but before acknowledging it has
# it sent again (docs/scaling.md). Once an upload is imported its file is gone and its
# state says so: a second run would read no file and say "failed" over "done".
def _already(token, *states):
    return (progress.get(token) or {}).get("state") in states


def _run_marked(task, token, work, *, past):
    """Run `work` if this run takes the task's mark and the upload is not `past` it."""
    if not take(task.name, token, again=_is_again(task.request)):
        return
    if _already(token, *past):
        finish(task.name, token, "done")
        return
    try:
        work()
    except BaseException:
        finish(task.name, token, "failed")
        raise
    finish(task.name, token, "done")


# Named imports.import_* so that the `*.import_*` route sends it to the bulk queue.
@shared_task(name="imports.import_rows", bind=True, base=MarkedImportTask)
def import_rows(self, kind, token, user_id, valid_only):
    def work():
        progress.import_kept_file(kind=kind, token=token, user_id=user_id, valid_only=valid_only)

    _run_marked(self, token, work, past=["done"])


@shared_task(name="imports.import_check", bind=True, base=MarkedImportTask)
def import_check(self, kind, token, user_id):
    # Past the check (checked, or confirmed and imported): a late second check would put
    # the preview back over the import's progress.
    def work():
        progress.check_kept_file(kind=kind, token=token, user_id=user_id)

    _run_marked(self, token, work, past=["checked", "done"])


# --- The sweep ------------------------------------------------------------------------


def never_started_reason():
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The import never started (the task queue could not be reached, even after it "
            "was sent again %(times)d times). Upload the file again."
        ) % {"times": max_resends()}


def _due(times, sent_at, now):
    # RESEND_MINUTES, then twice as long after each time it was sent again.
    return now - sent_at >= resend_minutes() * 60 * 2 ** min(times, max_resends())


def resend_queued(now=None):
    """Send again the imports still queued (never started) after their wait, at most
    QUEUED_JOB_MAX_RESENDS times; then mark them failed with the reason in Chinese.
    Returns (sent again, given up). Marks older than the kept uploads are removed."""
    now = time.time() if now is None else now
    folder = queue_dir()
    if not folder.is_dir():
        return 0, 0
    tasks = {import_rows.name: import_rows, import_check.name: import_check}
    again = given_up = 0
    for mark in folder.iterdir():
        try:
            sent_at = mark.stat().st_mtime
            state = _state(mark)
            if now - sent_at > progress.KEPT_SECONDS:
                mark.unlink(missing_ok=True)
                continue
            if not state.startswith(QUEUED) or not _due(int(state[len(QUEUED) :]), sent_at, now):
                continue
            data = json.loads(mark.read_text())
            times = int(state[len(QUEUED) :])
            if times >= max_resends():
                mark.rename(mark.with_suffix(".failed"))
            else:
                moved = mark.with_suffix(f".{QUEUED}{times + 1}")
                mark.rename(moved)
                os.utime(moved, (now, now))  # its new send time
        except (FileNotFoundError, ValueError):
            continue  # taken by its task meanwhile, or not a mark
        token = str(data["args"][1])
        if times >= max_resends():
            logger.error("import %s never started and was given up", token)
            if (progress.get(token) or {}).get("state", "queued") == "queued":
                progress.save(
                    token,
                    state="failed",
                    done=0,
                    total=data["rows"],
                    reason=never_started_reason(),
                )
            given_up += 1
            continue
        if progress.get(token) is None:  # Redis came back empty: the page needs a state
            progress.save(token, state="queued", done=0, total=data["rows"])
        tasks[data["task"]].send_again(*data["args"])
        again += 1
    return again, given_up


@shared_task(name="imports.resend_queued")
def resend_queued_task():
    """Beat's sweep of large imports whose task never reached a worker."""
    return resend_queued()
