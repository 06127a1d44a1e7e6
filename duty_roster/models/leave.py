"""Leave reports (外出报备) and who may approve them."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.history import ClientAddressRecord
from duty_roster.models.base import BOUNDED, RequestStatus, submission_token_field
from duty_roster.models.shifts import Shift
from duty_roster.validators import service_years_q
from institutions.models import PhoneField, Township


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
    history = HistoricalRecords(bases=[ClientAddressRecord])

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
        # The county's list (newest first) and an approver's reports waiting by status.
        indexes = [
            models.Index(fields=["-starts_at"], name="leave_newest_first"),
            models.Index(fields=["approver", "status"], name="leave_approver_status"),
        ]

    def __str__(self):
        return f"{self.person} → {self.destination}"

    def shifts_during(self):
        """The person's shifts (as leader or officer) in the time of the leave."""
        return Shift.objects.involving(self.person).overlapping(self.starts_at, self.ends_at)
