"""Duty supervision (查岗): a bureau officer calls, visits or video-calls a duty post at a
time of their choosing and records whether it was staffed. A failed check is a finding
against the post: its township (or institution) answers with what was done, and the
officer closes it."""

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.history import ClientAddressRecord
from duty_roster.models.base import BOUNDED, submission_token_field
from duty_roster.models.posts import DutyPost
from duty_roster.models.shifts import Shift
from duty_roster.validators import service_years_q
from institutions.scoping import filter_visible


class SpotCheckMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit on site")
    VIDEO = "video", _("Video call")


class SpotCheckResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class FollowUpState(models.TextChoices):
    NONE = "none", _("No follow-up needed")
    AWAITING = "awaiting", _("Waiting for the post's answer")
    ANSWERED = "answered", _("Answered, waiting to be closed")
    CLOSED = "closed", _("Closed")


class SpotCheckQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The county sees every check; a township its posts' (its institutions' too); an
        institution its own post's. Checks of the county duty room are the county's."""
        return filter_visible(
            self, user, township_path="post__township", institution_path="post__institution"
        )

    def failed(self):
        return self.filter(result=SpotCheckResult.FAILED)

    def in_follow_up(self, state):
        failed = self.failed()
        if state == FollowUpState.NONE:
            return self.filter(result=SpotCheckResult.PASSED)
        if state == FollowUpState.AWAITING:
            return failed.filter(responded_at__isnull=True, closed_at__isnull=True)
        if state == FollowUpState.ANSWERED:
            return failed.filter(responded_at__isnull=False, closed_at__isnull=True)
        return failed.filter(closed_at__isnull=False)

    def per_township(self, *, month_start, season_start):
        """One row per township: checks passed and failed since `month_start` and since
        `season_start` (one grouped query). The county duty room has no township: its
        row's township is None."""
        since = min(month_start, season_start)
        passed, failed = Q(result=SpotCheckResult.PASSED), Q(result=SpotCheckResult.FAILED)
        month, season = Q(checked_at__gte=month_start), Q(checked_at__gte=season_start)
        return (
            self.filter(checked_at__gte=since)
            .values(township_id=F("post__township_id"), township_name=F("post__township__name"))
            .annotate(
                month_passed=Count("pk", filter=month & passed),
                month_failed=Count("pk", filter=month & failed),
                season_passed=Count("pk", filter=season & passed),
                season_failed=Count("pk", filter=season & failed),
            )
            .order_by("township_name", "township_id")
        )


class SpotCheck(models.Model):
    post = models.ForeignKey(
        DutyPost, on_delete=models.PROTECT, related_name="spot_checks", verbose_name=_("post")
    )
    shift = models.ForeignKey(
        Shift,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spot_checks",
        verbose_name=_("shift on duty"),
        help_text=_("The shift under way at the post when it was checked; none if none was."),
    )
    checked_at = models.DateTimeField(_("checked at"), **BOUNDED)
    method = models.CharField(_("how"), max_length=8, choices=SpotCheckMethod.choices)
    answered_by = models.CharField(_("who answered"), max_length=50, blank=True)
    leader_present = models.BooleanField(_("leader on duty present"), default=False)
    officers_present = models.BooleanField(_("duty officers present"), default=False)
    result = models.CharField(_("result"), max_length=8, choices=SpotCheckResult.choices)
    findings = models.TextField(_("findings"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The follow-up of a failed check: the post's answer, then the officer's closing.
    response = models.TextField(_("what was done"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True, **BOUNDED)
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, **BOUNDED)
    submission_token = submission_token_field()

    objects = SpotCheckQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        constraints = [
            models.CheckConstraint(
                condition=service_years_q("checked_at"), name="spot_check_within_service_years"
            ),
            # Nobody can pass a post whose people were not there.
            models.CheckConstraint(
                condition=~Q(result="passed") | Q(leader_present=True, officers_present=True),
                name="spot_check_passed_only_if_present",
            ),
            models.CheckConstraint(
                condition=Q(result="failed") | Q(responded_at__isnull=True, closed_at__isnull=True),
                name="spot_check_follow_up_only_if_failed",
            ),
        ]
        indexes = [
            # The list (newest first) and the per-township counts of a month or season.
            models.Index(fields=["-checked_at", "-id"], name="spot_check_newest_first"),
            models.Index(fields=["post", "-checked_at"], name="spot_check_post_newest"),
            # Findings still open: few at any time, however long the history.
            models.Index(
                fields=["-checked_at"],
                condition=Q(result="failed", closed_at__isnull=True),
                name="spot_check_open_findings",
            ),
        ]

    def __str__(self):
        return f"{self.post} {timezone.localtime(self.checked_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("duty_roster:spot_check", args=[self.pk])

    @property
    def follow_up_state(self):
        if self.result != SpotCheckResult.FAILED:
            return FollowUpState.NONE
        if self.closed_at:
            return FollowUpState.CLOSED
        if self.responded_at:
            return FollowUpState.ANSWERED
        return FollowUpState.AWAITING

    def get_follow_up_state_display(self):
        return FollowUpState(self.follow_up_state).label
