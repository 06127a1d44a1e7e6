"""Starting, streaming and building exports; every one leaves an ExportJob behind.

A domain offers an export as a function `source(user, params) -> Export` (its own
scoping and filters, its rows as plain tuples from values_list) and names it by dotted
path; this app never imports the domains. Small exports stream to the browser at once;
larger ones (EXPORT_ASYNC_ROWS) are written by a Celery task into a file kept for a day.
"""

import dataclasses
import datetime
import logging
import tempfile
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from config.routers import reading_from_replica
from config.xlsx import XLSX_CONTENT_TYPE
from exports.models import ExportJob, JobStatus
from exports.xlsxstream import Sheet, stream_workbook

logger = logging.getLogger(__name__)

DEFAULT_ASYNC_ROWS = 20_000
# Progress is saved after every this many rows (one UPDATE each).
PROGRESS_EVERY_ROWS = 2_000


@dataclasses.dataclass
class Export:
    """What a domain hands over: a sheet's title, columns and rows, and the filter in words.

    A workbook of several sheets (answers and a summary; a roster per township) gives
    `sheets` instead: a list or generator of exports.xlsxstream.Sheet, each of which gets
    the file's preamble (title, filter, who and when) above its own. `count` is the
    number of rows of the main list, the one the page shows and the progress bar follows.
    """

    title: str
    count: Callable[[], int]  # the number of rows, counted before writing
    headers: list = dataclasses.field(default_factory=list)
    widths: list | None = None
    rows: Iterable = ()  # tuples, produced lazily
    filter_text: str = ""
    sheets: Callable[[], Iterable[Sheet]] | None = None
    footer: Callable[[], list] | None = None
    landscape: bool = False

    def workbook_sheets(self, preamble):
        """The sheets to write, each headed by the file's preamble."""
        if self.sheets is None:
            yield Sheet(
                title=self.title,
                headers=self.headers,
                rows=self.rows,
                widths=self.widths,
                preamble=preamble,
                footer=self.footer,
                landscape=self.landscape,
            )
            return
        for sheet in self.sheets():
            # A sheet's own lines (its township, its batch) go under the file's title.
            yield dataclasses.replace(sheet, preamble=[*preamble, *sheet.preamble])


def async_threshold():
    return getattr(settings, "EXPORT_ASYNC_ROWS", DEFAULT_ASYNC_ROWS)


def params_of(query):
    """The GET filters as JSON: every key with all its values, without the page number.
    NUL is dropped: PostgreSQL keeps it neither in jsonb nor in text (a crafted ?kind=1%00
    made the export a 500), and no filter value means anything with it."""
    return {
        _without_nul(key): [_without_nul(value) for value in values]
        for key, values in query.lists()
        if key != "page"
    }


def _without_nul(text):
    return text.replace("\x00", "")


def query_of(params):
    query = QueryDict(mutable=True)
    for key, values in (params or {}).items():
        query.setlist(key, [str(v) for v in values])
    return query


def build(job):
    return import_string(job.source)(job.requester, query_of(job.params))


def preamble(job, export):
    made = timezone.localtime(job.created_at)
    return [
        [export.title],
        [_("Filter: %(filter)s") % {"filter": export.filter_text or _("none (everything)")}],
        [
            _("Exported by %(name)s at %(time)s; %(rows)s rows")
            % {
                "name": job.requester.display_name,
                "time": f"{made:%Y-%m-%d %H:%M}",
                "rows": job.row_count,
            }
        ],
    ]


def start_export(request, *, kind, source, filename, params=None):
    """Record the export and answer it: the file itself, or the page of its job.

    The source gets the page's GET filters; `params` adds what the URL's path says (a
    day, a batch), as lists of strings like any query parameter."""
    params = {**params_of(request.GET), **(params or {})}
    export = import_string(source)(request.user, query_of(params))
    count = export.count()
    is_async = count > async_threshold()
    job = ExportJob.objects.create(
        requester=request.user,
        kind=kind,
        title=str(export.title)[: ExportJob._meta.get_field("title").max_length],
        source=source,
        params=params,
        filter_text=export.filter_text,
        row_count=count,
        is_async=is_async,
        filename=filename,
    )
    if is_async:
        from exports.tasks import export_run

        transaction.on_commit(lambda: export_run.delay(job.pk))
        return redirect(job)
    response = StreamingHttpResponse(stream_job(job, export), content_type=XLSX_CONTENT_TYPE)
    # RFC 6266 with filename*: a Chinese file name arrives as it is, quotes and all escaped.
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _chunks(job, export, on_rows=None):
    return stream_workbook(export.workbook_sheets(preamble(job, export)), on_rows=on_rows)


def stream_job(job, export):
    """The workbook's bytes as they are written; the record says when it was done."""
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    written = [0]

    def count(rows):
        written[0] = rows

    try:
        yield from _chunks(job, export, on_rows=count)
    except (Exception, GeneratorExit) as error:
        # A failure, or the browser gone mid-download: the record says how far it got.
        ExportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            rows_written=written[0],
            finished_at=timezone.now(),
            error="cancelled" if isinstance(error, GeneratorExit) else str(error)[:500],
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, rows_written=written[0], finished_at=timezone.now()
    )


def run_job(job_id, *, again=False):
    """Write a queued job's file (the Celery task's body); safe to run twice.

    A job is taken by one run only: the run that turns it from queued to running (a
    conditional UPDATE, which PostgreSQL serialises on the row). A second message for the
    same job (the sweep sent it again while the first was still waiting) finds it taken and
    does nothing. `again` is Celery sending the same message again after its worker died
    mid-run (a retry, or Redis redelivering it): that run takes over a job left running."""
    job = ExportJob.objects.select_related("requester").filter(pk=job_id).first()
    if job is None:
        return None
    takeable = [JobStatus.QUEUED, JobStatus.RUNNING] if again else [JobStatus.QUEUED]
    taken = ExportJob.objects.filter(pk=job.pk, status__in=takeable).update(
        status=JobStatus.RUNNING
    )
    if not taken:
        return job
    saved = [0]

    def progress(rows):
        if rows - saved[0] >= PROGRESS_EVERY_ROWS:
            ExportJob.objects.filter(pk=job.pk).update(rows_written=rows)
            saved[0] = rows
        job.rows_written = rows

    try:
        with reading_from_replica(), tempfile.TemporaryFile() as spool:
            export = build(job)
            # The requester's scope today: the count may have moved since the click.
            job.row_count = export.count()
            for data in _chunks(job, export, on_rows=progress):
                spool.write(data)
            spool.seek(0)
            job.file.save(job.filename, File(spool), save=False)
    except Exception as error:
        logger.exception("export %s failed", job.pk)
        job.status = JobStatus.FAILED
        job.error = str(error)[:500]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at", "rows_written"])
        return job
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "file", "row_count", "rows_written", "finished_at"])
    return job


def purge_expired(now=None):
    """Remove the files of exports past their day; the records stay (the audit log)."""
    removed = 0
    for job in ExportJob.objects.expired(now).only("pk", "file")[:1000]:
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="", status=JobStatus.EXPIRED)
        removed += 1
    return removed


# --- Jobs whose task never reached a worker ---------------------------------------

DEFAULT_RESEND_MINUTES = 5
DEFAULT_MAX_RESENDS = 3


def resend_minutes():
    return getattr(settings, "QUEUED_JOB_RESEND_MINUTES", DEFAULT_RESEND_MINUTES)


def max_resends():
    return getattr(settings, "QUEUED_JOB_MAX_RESENDS", DEFAULT_MAX_RESENDS)


def never_started_reason():
    """Why the sweep gave a job up, stored in the site's language (zh-hans)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The background task never started (the task queue could not be reached, "
            "even after it was sent again %(times)d times). Export again."
        ) % {"times": max_resends()}


def _waited_long_enough(now):
    """Queued background jobs whose task was sent RESEND_MINUTES ago, then twice as long
    after each time it was sent again (5, 10, 20 minutes...): a bulk queue that is merely
    long is not flooded with copies."""
    minutes = resend_minutes()
    waited = Q()
    for times in range(max_resends() + 1):
        since = now - datetime.timedelta(minutes=minutes * 2**times)
        waited |= Q(resent=times, sent_at__lte=since)
    waited |= Q(resent__gt=max_resends(), sent_at__lte=now - datetime.timedelta(minutes=minutes))
    return Q(status=JobStatus.QUEUED, is_async=True) & waited


def resend_queued(now=None, batch=500):
    """Send again the tasks of background exports still queued (never started) after
    their wait, at most QUEUED_JOB_MAX_RESENDS times; then mark them failed, with the
    reason in Chinese. Returns (sent again, given up).

    Safe to run twice at once: the jobs are locked (FOR UPDATE SKIP LOCKED) and changed
    only while still queued, so a job is sent again once per wait, and a run that has
    taken it meanwhile (exports.services.run_job) is left alone. The task is sent after
    the commit, so a worker never finds the job before its new send time is saved."""
    from exports.tasks import export_run

    now = now or timezone.now()
    with transaction.atomic():
        waiting = list(
            ExportJob.objects.select_for_update(skip_locked=True)
            .filter(_waited_long_enough(now))
            .order_by("sent_at")
            .values_list("pk", "resent")[:batch]
        )
        give_up = [pk for pk, resent in waiting if resent >= max_resends()]
        again = [pk for pk, resent in waiting if resent < max_resends()]
        if give_up:
            ExportJob.objects.filter(pk__in=give_up, status=JobStatus.QUEUED).update(
                status=JobStatus.FAILED, error=never_started_reason(), finished_at=now
            )
            logger.error("exports %s never started and were given up", give_up)
        if again:
            ExportJob.objects.filter(pk__in=again, status=JobStatus.QUEUED).update(
                resent=F("resent") + 1, sent_at=now
            )
            transaction.on_commit(lambda: [export_run.delay(pk) for pk in again])
    return len(again), len(give_up)
