"""Accountability cases (问责): the bureau's record that someone answers for a failed duty
(a failed spot check), an overdue major hazard, a late incident report, or another fact;
the decision taken and its documents. The county's alone: no township, institution or
三员 account sees a case.

A case points at what it is about through one nullable foreign key per kind of source,
not a generic relation: each source is a real row the database keeps (PROTECT: a source
cannot vanish under a case), a check constraint says the key set matches the ground, the
list reads a page of cases with their sources by joins, and only three kinds exist.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.documents import stored_document_name
from config.history import ClientAddressRecord
from duty_roster.models import Incident, SpotCheck
from inspections.models import Hazard
from institutions.models import Institution, Township


class Ground(models.TextChoices):
    FAILED_DUTY = "spot_check", _("Failed duty (spot check)")
    OVERDUE_HAZARD = "hazard", _("Major hazard overdue")
    LATE_REPORT = "incident", _("Incident reported late")
    OTHER = "other", _("Other")


class Decision(models.TextChoices):
    EDUCATION = "education", _("Criticism and education (批评教育)")
    CIRCULATED = "circulated", _("Circulated criticism (通报批评)")
    TALK = "talk", _("Admonishing talk (约谈)")
    ADMONITION = "admonition", _("Formal admonition (诫勉)")
    REFERRED = "referred", _("Referred to discipline inspection (移交纪检监察)")
    OTHER = "other", _("Other")


# The source field of each ground (OTHER has none).
SOURCE_FIELDS = {
    Ground.FAILED_DUTY: "spot_check",
    Ground.OVERDUE_HAZARD: "hazard",
    Ground.LATE_REPORT: "incident",
}


def _source_matches_ground():
    """Exactly the ground's source key is set (none for OTHER)."""
    condition = Q()
    for ground in Ground:
        wanted = SOURCE_FIELDS.get(ground)
        keys = {f"{name}__isnull": name != wanted for name in ("spot_check", "hazard", "incident")}
        condition |= Q(ground=ground, **keys)
    return condition


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user and user.is_authenticated and user.is_active and user.is_county_wide:
            return self
        return self.none()


class Case(models.Model):
    ground = models.CharField(_("ground"), max_length=12, choices=Ground.choices)
    spot_check = models.ForeignKey(
        SpotCheck,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("spot check"),
    )
    hazard = models.ForeignKey(
        Hazard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hazard"),
    )
    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incident"),
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("institution"),
    )
    person_name = models.CharField(_("person held accountable"), max_length=50)
    person_position = models.CharField(_("position"), max_length=100)
    fact = models.TextField(_("facts"))
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    decision_other = models.CharField(_("other decision"), max_length=100, blank=True)
    decided_on = models.DateField(_("decided on"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")
        constraints = [
            models.CheckConstraint(
                condition=_source_matches_ground(), name="case_source_matches_ground"
            ),
            models.CheckConstraint(
                condition=Q(township__isnull=False) | Q(institution__isnull=False),
                name="case_names_a_unit",
            ),
            models.CheckConstraint(
                condition=~Q(decision="other") | ~Q(decision_other=""),
                name="case_other_decision_said",
            ),
        ]
        indexes = [models.Index(fields=["-decided_on", "-id"], name="case_newest_first")]

    def __str__(self):
        return f"{self.person_name} · {self.get_decision_display()}"

    def get_absolute_url(self):
        return reverse("accountability:case", args=[self.pk])

    @property
    def source(self):
        name = SOURCE_FIELDS.get(self.ground)
        return getattr(self, name) if name else None

    @property
    def unit(self):
        return self.institution or self.township

    @property
    def decision_text(self):
        if self.decision == Decision.OTHER:
            return self.decision_other
        return self.get_decision_display()


def case_document_path(instance, filename):
    """A fresh server-chosen name keeping only the checked extension (config.documents)."""
    return stored_document_name("accountability", filename)


class CaseDocument(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="documents", verbose_name=_("case")
    )
    title = models.CharField(_("title"), max_length=100)
    file = models.FileField(_("file"), upload_to=case_document_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("accountability:document", args=[self.case_id, self.pk])
