"""Shifts, who came to them (attendance), their duty log and swaps."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duty_roster.models.base import BOUNDED, RequestStatus, submission_token_field
from duty_roster.models.posts import DutyPost
from duty_roster.validators import service_years_q


class ShiftQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(post__in=DutyPost.objects.visible_to(user))

    def overlapping(self, start, end):
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def involving(self, user):
        return self.filter(Q(leader=user) | Q(officers=user)).distinct()


class Shift(models.Model):
    post = models.ForeignKey(
        DutyPost, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("post")
    )
    starts_at = models.DateTimeField(_("starts at"), **BOUNDED)
    ends_at = models.DateTimeField(_("ends at"), **BOUNDED)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_shifts",
        verbose_name=_("leader on duty"),
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="duty_shifts", verbose_name=_("duty officers")
    )
    handover_note = models.TextField(_("handover note"), blank=True)
    handover_acknowledged_at = models.DateTimeField(
        _("handover acknowledged at"), null=True, blank=True, **BOUNDED
    )
    handover_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submission_token = submission_token_field()

    objects = ShiftQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["post", "starts_at"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="shift_ends_after_it_starts",
                violation_error_message=_("A shift must end after it starts."),
            ),
            models.CheckConstraint(
                condition=service_years_q("starts_at") & service_years_q("ends_at"),
                name="shift_within_service_years",
            ),
        ]
        indexes = [
            models.Index(fields=["post", "starts_at"]),
            models.Index(fields=["starts_at", "ends_at"]),
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at)
        return f"{self.post} {start:%m-%d %H:%M}"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A shift must end after it starts.")})
        if self.post_id and self.starts_at and self.ends_at:
            clash = Shift.objects.filter(post_id=self.post_id).overlapping(
                self.starts_at, self.ends_at
            )
            if clash.exclude(pk=self.pk).exists():
                raise ValidationError(
                    {"starts_at": _("This shift overlaps another shift at the same post.")}
                )

    @property
    def people(self):
        return [self.leader, *self.officers.all()]

    def sync_attendance(self):
        """Give each person on the shift an attendance row, and nobody else one.

        The leader and officers say who is rostered; Attendance records whether each
        came. Called by every writer of leader or officers (services and the admin).
        """
        wanted = {self.leader_id: AttendanceRole.LEADER}
        for officer_id in self.officers.values_list("pk", flat=True):
            wanted.setdefault(officer_id, AttendanceRole.OFFICER)
        rows = {row.person_id: row for row in Attendance.objects.filter(shift=self)}
        Attendance.objects.filter(shift=self).exclude(person_id__in=wanted).delete()
        for person_id, role in wanted.items():
            row = rows.get(person_id)
            if row is None:
                Attendance.objects.create(shift=self, person_id=person_id, role=role)
            elif row.role != role:
                row.role = role
                row.save(update_fields=["role"])


class AttendanceRole(models.TextChoices):
    LEADER = "leader", _("Leader on duty")
    OFFICER = "officer", _("Duty officer")


class AttendanceState(models.TextChoices):
    EXPECTED = "expected", _("Not yet checked in")
    ON_TIME = "on_time", _("On duty")
    LATE = "late", _("Late")
    MISSED = "missed", _("Absent from post")


CHECK_IN_GRACE = datetime.timedelta(minutes=15)  # later than this after the start is late


class AttendanceQuerySet(models.QuerySet):
    """What the duty pages and the reminders ask of attendance; every method is one filter."""

    def visible_to(self, user):
        return self.filter(shift__in=Shift.objects.visible_to(user))

    def of(self, person):
        return self.filter(person=person)

    def leaders(self):
        return self.filter(role=AttendanceRole.LEADER)

    def officers(self):
        return self.filter(role=AttendanceRole.OFFICER)

    def under_way(self, now):
        return self.filter(shift__starts_at__lte=now, shift__ends_at__gt=now)

    def missed(self, *, since=None):
        """脱岗: found absent by the scan and not checked in since (a late arrival is late)."""
        missed = self.filter(missed_at__isnull=False, checked_in_at__isnull=True)
        return missed if since is None else missed.filter(missed_at__gte=since)

    def late(self):
        return self.filter(checked_in_at__gt=F("shift__starts_at") + CHECK_IN_GRACE)

    def present(self):
        """Checked in and not yet out."""
        return self.filter(checked_in_at__isnull=False, checked_out_at__isnull=True)

    def due_to_be_missed(self, now):
        """Not checked in, not yet marked, at a shift that started over the grace ago and
        ended less than a day ago (older shifts are history, not an absence to act on)."""
        return self.filter(
            checked_in_at__isnull=True,
            missed_at__isnull=True,
            shift__starts_at__lte=now - CHECK_IN_GRACE,
            shift__ends_at__gt=now - datetime.timedelta(days=1),
        )


class Attendance(models.Model):
    """One person's presence on one shift: checked in, late, out, or absent (脱岗)."""

    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("shift")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role on the shift"), max_length=8, choices=AttendanceRole.choices)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True, **BOUNDED)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True, **BOUNDED)
    missed_at = models.DateTimeField(
        _("found absent at"),
        null=True,
        blank=True,
        help_text=_("When the scan found this person not checked in; kept after a late check-in."),
        **BOUNDED,
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["shift", "role", "pk"]  # the leader first
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["shift", "person"], name="one_attendance_a_person"),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=False, checked_out_at__gte=F("checked_in_at")),
                name="attendance_out_after_in",
            ),
        ]
        indexes = [models.Index(fields=["missed_at"])]

    def __str__(self):
        return f"{self.shift} · {self.get_role_display()} {self.person}"

    @property
    def is_late(self):
        return bool(
            self.checked_in_at and self.checked_in_at > self.shift.starts_at + CHECK_IN_GRACE
        )

    @property
    def state(self):
        if self.checked_in_at:
            return AttendanceState.LATE if self.is_late else AttendanceState.ON_TIME
        return AttendanceState.MISSED if self.missed_at else AttendanceState.EXPECTED

    def get_state_display(self):
        return AttendanceState(self.state).label


class DutyLogEntry(models.Model):
    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        EVENT = "event", _("Event")
        PATROL = "patrol", _("Patrol")

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="log_entries")
    at = models.DateTimeField(_("time"), default=timezone.now, **BOUNDED)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text = models.TextField(_("what happened"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at"]
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log")
        constraints = [
            models.CheckConstraint(
                condition=service_years_q("at"), name="log_entry_within_service_years"
            )
        ]

    def __str__(self):
        return self.text[:40]


class SwapRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Its two parties see a swap; the county roles, who approve swaps, see them all."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_county_wide:
            return self
        return self.filter(Q(requested_by=user) | Q(replacement=user))


class SwapRequest(models.Model):
    """One person hands their place on a shift to a colleague."""

    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="swaps", verbose_name=_("shift")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("replacement"),
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SwapRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        constraints = [
            models.CheckConstraint(
                condition=~Q(replacement=F("requested_by")), name="swap_with_someone_else"
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=F("requested_by")) & ~Q(decided_by=F("replacement")),
                name="swap_not_approved_by_a_party",
            ),
        ]

    def __str__(self):
        return f"{self.shift}: {self.requested_by} → {self.replacement}"
