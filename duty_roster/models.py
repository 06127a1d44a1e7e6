"""24-hour duty: posts, shifts, check-in, handovers, leaders' leave reports, incidents."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from duty_roster.validators import (
    FIRST_DAY,
    LAST_DAY,
    MAX_CASUALTIES,
    service_years_q,
    validate_service_years,
)
from institutions.models import Institution, PhoneField, Role, Township
from institutions.scoping import filter_visible

BOUNDED = {"validators": [validate_service_years]}


def submission_token_field():
    """The create form's hidden one-time token: the database refuses a second row from
    the same form (the back button and send again), and the second send lands on the first."""
    return models.UUIDField(_("form token"), null=True, blank=True, unique=True, editable=False)


class PostKind(models.TextChoices):
    COUNTY_DUTY_ROOM = "county", _("County bureau duty room")
    TOWNSHIP_CENTRE = "township", _("Township centre")
    INSTITUTION = "institution", _("24-hour institution")
    HOLIDAY = "holiday", _("Holiday post (marriage registry, funeral service)")


class DutyPostQuerySet(models.QuerySet):
    def visible_to(self, user):
        # The county duty room is everyone's to see: it is where incidents go.
        scoped = filter_visible(
            self, user, township_path="township", institution_path="institution"
        )
        if not (user.is_authenticated and user.is_active):
            return scoped
        return self.filter(Q(pk__in=scoped.values("pk")) | Q(kind=PostKind.COUNTY_DUTY_ROOM))


class DutyPost(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PostKind.choices)
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_posts",
        verbose_name=_("township"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_posts",
        verbose_name=_("institution"),
    )
    phone = PhoneField(_("duty phone"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = DutyPostQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("duty post")
        verbose_name_plural = _("duty posts")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.institution_id:
            self.township_id = self.institution.township_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("duty_roster:roster", args=[self.pk])

    def staff_q(self):
        """Who may be on this post's shifts, as a filter on users: county staff anywhere;
        at a township or institution post, also the township's own staff and its
        institutions' staff. Pickers offer these; validate_shift refuses anyone else."""
        county = Q(role__in=[Role.BUREAU_OFFICER, Role.ADMIN]) | Q(is_superuser=True)
        return county if self.township_id is None else county | Q(township_id=self.township_id)

    def may_be_staffed_by(self, person):
        """staff_q for one person in memory (no query)."""
        return person.is_county_wide or (
            self.township_id is not None and person.township_id == self.township_id
        )


class Holiday(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Adjusted working day")

    date = models.DateField(_("date"), unique=True, **BOUNDED)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar")
        constraints = [
            models.CheckConstraint(
                condition=Q(date__gte=FIRST_DAY, date__lte=LAST_DAY),
                name="holiday_within_service_years",
            )
        ]

    def __str__(self):
        return f"{self.date} {self.name}"


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


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted by colleague")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


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


class LeaveApproverQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def covering(self, person):
        """Active entries whose holder is above `person`: a county-wide entry covers
        everyone; a township's covers its staff and its institutions' staff, but not
        people who approve leave themselves (they report to the county)."""
        entries = self.active().exclude(user=person)
        if LeaveApprover.objects.active().filter(user=person).exists() or not person.township_id:
            return entries.filter(township__isnull=True)
        return entries.filter(Q(township__isnull=True) | Q(township_id=person.township_id))

    def approvers_for(self, person):
        """The people `person` may name as the approver of their leave report."""
        User = get_user_model()
        return User.objects.filter(
            pk__in=self.covering(person).values("user"), is_active=True
        ).order_by("full_name", "username")

    def may_approve(self, user, person):
        return self.covering(person).filter(user=user).exists()


class LeaveApprover(models.Model):
    """Who may approve leave reports (外出报备), kept by the administrator.

    The bureau's leaders approve anyone's leave (no township); a township's leader in
    charge approves the leave of that township's staff and of its institutions' staff.
    Being on the list is what "above" means: nobody approves a peer's leave by being
    a colleague, only by being named here.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="leave_approver_entries",
        verbose_name=_("approver"),
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="leave_approvers",
        verbose_name=_("township"),
        help_text=_("Leave empty for the whole county (the bureau's leaders)."),
    )
    title = models.CharField(_("job title"), max_length=50, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = LeaveApproverQuerySet.as_manager()

    class Meta:
        ordering = ["township", "user"]
        verbose_name = _("leave approver")
        verbose_name_plural = _("leave approvers")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "township"], name="one_leave_approver_entry_a_township"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(township__isnull=True),
                name="one_county_leave_approver_entry",
            ),
        ]

    def __str__(self):
        scope = self.township.name if self.township_id else _("whole county")
        return f"{self.user} · {scope}"

    def clean(self):
        super().clean()
        if not self.user_id:
            return
        if self.township_id is None and not self.user.is_county_wide:
            raise ValidationError(
                {"township": _("Only bureau staff may approve leave for the whole county.")}
            )
        if (
            self.township_id is not None
            and not self.user.is_county_wide
            and self.user.township_id != self.township_id
        ):
            raise ValidationError(
                {"township": _("A township's approver works in that township or at the bureau.")}
            )


class LeaveReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_county_wide:
            return self
        return self.filter(Q(person=user) | Q(approver=user))

    def approved(self):
        return self.filter(status=RequestStatus.APPROVED)

    def overlapping(self, start, end):
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def in_service_years(self):
        # The check constraints keep such rows out; should one get in (a restored old
        # dump), lists skip it rather than fail for everyone.
        return self.filter(service_years_q("starts_at") & service_years_q("ends_at"))


class LeaveReport(models.Model):
    """外出报备: someone on the duty roster says where they go, when, and how to reach them.

    Approved leave and shifts exclude each other: leave is not approved while the person
    is on a shift in that time, and nobody on approved leave is put on a shift in it.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="leave_reports",
        verbose_name=_("who goes out"),
    )
    destination = models.CharField(_("where"), max_length=100)
    starts_at = models.DateTimeField(_("from"), **BOUNDED)
    ends_at = models.DateTimeField(_("until"), **BOUNDED)
    reason = models.TextField(_("why"))
    contact = PhoneField(_("how to reach them"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="leave_reports_to_approve",
        verbose_name=_("approver"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, **BOUNDED)
    created_at = models.DateTimeField(auto_now_add=True)
    submission_token = submission_token_field()

    objects = LeaveReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("leave report")
        verbose_name_plural = _("leave reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="leave_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(approver=F("person")), name="leave_not_self_approved"
            ),
            models.CheckConstraint(
                condition=service_years_q("starts_at") & service_years_q("ends_at"),
                name="leave_within_service_years",
            ),
        ]

    def __str__(self):
        return f"{self.person} → {self.destination}"

    def shifts_during(self):
        """The person's shifts (as leader or officer) in the time of the leave."""
        return Shift.objects.involving(self.person).overlapping(self.starts_at, self.ends_at)


class IncidentCategory(models.TextChoices):
    FIRE = "fire", _("Fire")
    GAS = "gas", _("Gas leak or poisoning")
    FOOD_POISONING = "food", _("Food poisoning")
    CASUALTY = "casualty", _("Death or injury of a resident")
    MISSING = "missing", _("Missing person")
    EPIDEMIC = "epidemic", _("Epidemic cluster")
    OPINION = "opinion", _("Public opinion (舆情)")
    OTHER = "other", _("Other")


class IncidentSeverity(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    SERIOUS = "serious", _("Serious")
    MAJOR = "major", _("Major")


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(self, user, township_path="township", institution_path="institution")

    def unacknowledged(self):
        return self.filter(acknowledged_at__isnull=True)

    def in_service_years(self):
        # See LeaveReportQuerySet.in_service_years.
        return self.filter(service_years_q("occurred_at") & service_years_q("reported_at"))


class Incident(models.Model):
    occurred_at = models.DateTimeField(_("occurred at"), **BOUNDED)
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("township")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("institution"),
    )
    place = models.CharField(_("where"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=IncidentCategory.choices)
    severity = models.CharField(
        pgettext_lazy("incident", "severity"), max_length=16, choices=IncidentSeverity.choices
    )
    deaths = models.PositiveIntegerField(
        _("deaths"), default=0, validators=[MaxValueValidator(MAX_CASUALTIES)]
    )
    injuries = models.PositiveIntegerField(
        _("injuries"), default=0, validators=[MaxValueValidator(MAX_CASUALTIES)]
    )
    summary = models.TextField(_("what happened"))
    actions_taken = models.TextField(pgettext_lazy("incident", "what was done"))
    who_was_told = models.CharField(_("who was told"), max_length=200)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("first reported at"), default=timezone.now, **BOUNDED)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True, **BOUNDED)
    closed_at = models.DateTimeField(_("final report at"), null=True, blank=True, **BOUNDED)
    submission_token = submission_token_field()

    objects = IncidentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_at__gte=F("occurred_at")),
                name="incident_reported_after_it_happened",
                violation_error_message=_("An incident cannot be reported before it happened."),
            ),
            models.CheckConstraint(
                condition=service_years_q("occurred_at") & service_years_q("reported_at"),
                name="incident_within_service_years",
            ),
            models.CheckConstraint(
                condition=Q(deaths__lte=MAX_CASUALTIES, injuries__lte=MAX_CASUALTIES),
                name="incident_casualties_plausible",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} · {self.place}"

    def get_absolute_url(self):
        return reverse("duty_roster:incident", args=[self.pk])

    @property
    def minutes_to_first_report(self):
        return int((self.reported_at - self.occurred_at).total_seconds() // 60)

    @property
    def minutes_to_acknowledgement(self):
        if not self.acknowledged_at:
            return None
        return int((self.acknowledged_at - self.reported_at).total_seconds() // 60)

    @property
    def reported_late(self):
        """The report in this system is the written one; the phone report comes first."""
        return self.minutes_to_first_report > incident_written_report_minutes()


def incident_phone_report_minutes():
    return getattr(settings, "DUTY_INCIDENT_PHONE_REPORT_MINUTES", 30)


def incident_written_report_minutes():
    return getattr(settings, "DUTY_INCIDENT_WRITTEN_REPORT_MINUTES", 60)


class IncidentUpdate(models.Model):
    class Kind(models.TextChoices):
        FIRST = "first", _("First report")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the duty room")
        FOLLOW_UP = "follow_up", _("Follow-up report (续报)")
        FINAL = "final", _("Final report (终报)")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("report"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now, **BOUNDED)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
