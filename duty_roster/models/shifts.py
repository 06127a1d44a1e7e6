"""Shifts, who came to them (attendance), their duty log and swaps."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.history import ClientAddressRecord
from duty_roster.models.base import BOUNDED, RequestStatus, submission_token_field
from duty_roster.models.posts import DutyPost, at_a_glance_q, visible_posts_q
from duty_roster.validators import service_years_q

CHECK_IN_GRACE = datetime.timedelta(minutes=15)  # later than this after the start is late
# The longest a shift may last (a check constraint keeps it so). A shift overlapping a
# moment therefore started at most this long before it: every time lookup below bounds
# starts_at from both sides, so the (post, starts_at) and (starts_at, ends_at) indexes
# read the shifts of those days only, however many years of history the table holds.
MAX_SHIFT_LENGTH = datetime.timedelta(hours=48)


class ShiftQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(visible_posts_q(user, prefix="post__"))

    def overlapping(self, start, end):
        return self.filter(
            starts_at__lt=end, starts_at__gt=start - MAX_SHIFT_LENGTH, ends_at__gt=start
        )

    def under_way(self, now):
        """Shifts that have started and not yet ended at `now`."""
        return self.filter(
            starts_at__lte=now, starts_at__gt=now - MAX_SHIFT_LENGTH, ends_at__gt=now
        )

    def at_a_glance_for(self, user):
        """Shifts at the posts the duty page lists one by one (DutyPost.at_a_glance_for)."""
        return self.filter(at_a_glance_q(user, prefix="post__"))

    def elsewhere_for(self, user):
        """Shifts at every other post: the duty page counts them per township."""
        return self.exclude(at_a_glance_q(user, prefix="post__"))

    def per_township(self, *, absent_since):
        """One row per township: how many of these shifts it has and how many people on
        them are absent (脱岗, marked since `absent_since`). Two grouped queries: counting
        people through a join to attendance sorted every row for a COUNT(DISTINCT)."""
        rows = list(
            self.values(township_id=F("post__township_id"), township_name=F("post__township__name"))
            .annotate(shifts=Count("pk"))
            .order_by("township_name", "township_id")
        )
        absent = dict(
            Attendance.objects.filter(shift__in=self.values("pk"))
            .missed(since=absent_since)
            .values_list("shift__post__township_id")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for row in rows:
            row["absent"] = absent.get(row["township_id"], 0)
        return rows

    def involving(self, user):
        """Shifts `user` leads or is a duty officer on."""
        return self.involving_any([user.pk])

    def involving_any(self, people_ids):
        """Shifts any of these people lead or are duty officers on. Two index lookups
        joined by a UNION: an OR across the officers join (with DISTINCT) read every
        shift and every officer row."""
        led = Shift.objects.filter(leader_id__in=people_ids).order_by().values("pk")
        on = Shift.officers.through.objects.filter(user_id__in=people_ids).values("shift_id")
        return self.filter(pk__in=led.union(on))


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
    # Who is on the shift is part of its history: every add, remove or clear of officers
    # writes a version (with its client address) and the officers as they then were.
    history = HistoricalRecords(
        bases=[ClientAddressRecord], m2m_fields=["officers"], m2m_bases=[ClientAddressRecord]
    )

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
            models.CheckConstraint(
                condition=Q(ends_at__lte=F("starts_at") + MAX_SHIFT_LENGTH),
                name="shift_at_most_48_hours",
                violation_error_message=_("A shift lasts at most 48 hours."),
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
        if self.starts_at and self.ends_at and self.ends_at - self.starts_at > MAX_SHIFT_LENGTH:
            raise ValidationError({"ends_at": _("A shift lasts at most 48 hours.")})
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


class AttendanceQuerySet(models.QuerySet):
    """What the duty pages and the reminders ask of attendance; every method is one filter."""

    def visible_to(self, user):
        return self.filter(visible_posts_q(user, prefix="shift__post__"))

    def of(self, person):
        return self.filter(person=person)

    def leaders(self):
        return self.filter(role=AttendanceRole.LEADER)

    def officers(self):
        return self.filter(role=AttendanceRole.OFFICER)

    def under_way(self, now):
        return self.filter(
            shift__starts_at__lte=now,
            shift__starts_at__gt=now - MAX_SHIFT_LENGTH,
            shift__ends_at__gt=now,
        )

    def missed(self, *, since=None):
        """脱岗: found absent by the scan and not checked in since (a late arrival is late)."""
        if since is None:
            return self.filter(missed_at__isnull=False, checked_in_at__isnull=True)
        # missed_at >= since says "not null" already; saying it twice makes PostgreSQL
        # count the null fraction twice and expect a tenth of the rows, and for so few it
        # sorts them all instead of reading the newest from attendance_missed_newest.
        return self.filter(missed_at__gte=since, checked_in_at__isnull=True)

    def absent_in_the_last_day(self, now):
        """脱岗 at shifts that ended less than a day before `now` (or are under way): the
        duty page's and home panel's list. Such a shift started at most a day and the
        longest shift ago, and was marked after it started: missed_at's index bounds it."""
        day_ago = now - datetime.timedelta(days=1)
        return self.missed(since=day_ago - MAX_SHIFT_LENGTH).filter(shift__ends_at__gt=day_ago)

    def late(self):
        return self.filter(checked_in_at__gt=F("shift__starts_at") + CHECK_IN_GRACE)

    def present(self):
        """Checked in and not yet out."""
        return self.filter(checked_in_at__isnull=False, checked_out_at__isnull=True)

    def due_to_be_missed(self, now):
        """Not checked in, not yet marked, at a shift that started over the grace ago and
        ended less than a day ago (older shifts are history, not an absence to act on)."""
        day_ago = now - datetime.timedelta(days=1)
        return self.filter(
            checked_in_at__isnull=True,
            missed_at__isnull=True,
            shift__starts_at__lte=now - CHECK_IN_GRACE,
            shift__starts_at__gt=day_ago - MAX_SHIFT_LENGTH,
            shift__ends_at__gt=day_ago,
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
        indexes = [
            # Absences newest first (the duty page's list, LIMIT 50): the scan marks a
            # whole round at one moment, so the id breaks the tie within the index.
            models.Index(fields=["missed_at", "id"], name="attendance_missed_newest"),
            # People not yet checked in nor marked absent: the absence scan's rows. Few
            # at any time (today's and the coming shifts'), however long the history.
            models.Index(
                fields=["shift"],
                condition=Q(checked_in_at__isnull=True, missed_at__isnull=True),
                name="attendance_awaited",
            ),
        ]

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
    history = HistoricalRecords(bases=[ClientAddressRecord])

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
        # Swaps waiting for the county (accepted by the colleague), newest first.
        indexes = [models.Index(fields=["status", "-created_at"], name="swap_status_newest")]

    def __str__(self):
        return f"{self.shift}: {self.requested_by} → {self.replacement}"
