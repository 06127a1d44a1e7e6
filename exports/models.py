"""Every export, small or large: who made it, of what, with which filter, how many rows.

A small export streams straight to the browser and its record is the audit row; a large
one (more than EXPORT_ASYNC_ROWS rows) is built by a Celery task into `file`, which only
its requester may download, until it expires a day later.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

KEEP_FILES = datetime.timedelta(hours=24)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Done")
    # In context: the inspections catalogue says 不合格 for a plain "Failed".
    FAILED = "failed", pgettext_lazy("export job status", "Failed")
    EXPIRED = "expired", _("Expired")


class ExportJobQuerySet(models.QuerySet):
    def of(self, user):
        """A person sees and downloads only their own exports."""
        return self.filter(requester=user)

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now()).exclude(file="")


def export_file_path(job, filename):
    return f"exports/{job.requester_id}/{job.pk}-{filename}"


def _expiry():
    return timezone.now() + KEEP_FILES


class ExportJob(models.Model):
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("export"), max_length=50)
    title = models.CharField(_("title"), max_length=100)
    # The domain function that produces the rows (a dotted path the server chose).
    source = models.CharField(max_length=200, editable=False)
    params = models.JSONField(_("filter parameters"), default=dict, blank=True)
    filter_text = models.TextField(_("filter"), blank=True)
    is_async = models.BooleanField(_("built in the background"), default=False)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    file = models.FileField(_("file"), upload_to=export_file_path, blank=True, max_length=300)
    filename = models.CharField(_("file name"), max_length=150)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), default=_expiry)
    # When its task was last sent, and how many times the sweep sent it again: a job asked
    # for while the broker was down stays queued until exports.services.resend_queued.
    sent_at = models.DateTimeField(_("sent to the workers at"), default=timezone.now)
    resent = models.PositiveSmallIntegerField(_("times sent again"), default=0)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            # "My exports", newest first.
            models.Index(fields=["requester", "-created_at"], name="exportjob_requester_recent"),
            # The expiry sweep: files still on disk past their day.
            models.Index(
                fields=["expires_at"], condition=~models.Q(file=""), name="exportjob_expiring"
            ),
            # The sweep of background jobs that never started.
            models.Index(
                fields=["sent_at"],
                condition=models.Q(status="queued", is_async=True),
                name="exportjob_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.title} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("exports:job", args=[self.pk])

    @property
    def progress(self):
        """Percent written (0–100)."""
        if self.status == JobStatus.DONE:
            return 100
        if not self.row_count:
            return 0
        return min(99, self.rows_written * 100 // self.row_count)

    @property
    def is_finished(self):
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.EXPIRED)

    def is_downloadable(self, now=None):
        return (
            self.status == JobStatus.DONE
            and bool(self.file)
            and self.expires_at > (now or timezone.now())
        )
