"""Incidents (突发事件) reported to the county bureau duty room, and their reports."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from config.history import ClientAddressRecord
from duty_roster.models.base import BOUNDED, submission_token_field
from duty_roster.validators import MAX_CASUALTIES, service_years_q
from institutions.models import Institution, Township
from institutions.scoping import filter_visible


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
    history = HistoricalRecords(bases=[ClientAddressRecord])

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
        # The list (newest first, a page at a time), a township's list, and the duty
        # room's queue of incidents nobody has acknowledged yet.
        indexes = [
            models.Index(fields=["-occurred_at"], name="incident_newest_first"),
            models.Index(fields=["township", "-occurred_at"], name="incident_township_newest"),
            models.Index(
                fields=["township", "-occurred_at"],
                condition=Q(acknowledged_at__isnull=True),
                name="incident_unacknowledged",
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
