"""Checklist-driven inspections and the hazards they find.

A checklist template has versions; an inspection points at the version it was
asked, so changing a template (which makes a new version once one is in use)
never changes what an old inspection shows. Every failed item of a submitted
inspection becomes a Hazard, which then lives its own life until verified.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutions.models import Institution, PhoneField, Township
from institutions.scoping import filter_visible

RECURRENCE_WINDOW_DAYS = 90


class Category(models.TextChoices):
    FIRE = "fire", _("Fire safety")
    ELECTRICITY = "electricity", _("Electricity")
    GAS = "gas", _("Gas")
    FOOD = "food", _("Food hygiene")
    BUILDING = "building", _("Building")
    EVACUATION = "evacuation", _("Evacuation routes and exits")
    DUTY = "duty", _("Duty and patrols")
    TRAINING = "training", _("Training and drills")
    EPIDEMIC = "epidemic", _("Epidemic prevention")
    CARE = "care", _("Care of residents")
    EQUIPMENT = "equipment", _("Special equipment")
    LICENCE = "licence", _("Licences and qualifications")
    WEATHER = "weather", _("Seasonal weather")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    GENERAL = "general", _("General hazard")
    MAJOR = "major", _("Major hazard (重大事故隐患)")


class AnswerType(models.TextChoices):
    PASS_FAIL = "pass_fail", _("Pass / fail / not applicable")
    YES_NO = "yes_no", _("Yes / no")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Single choice")
    PHOTO = "photo", _("Photo")


# --- Templates -------------------------------------------------------------


class ChecklistTemplate(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(
        _("source"), blank=True, help_text=_("The regulation or notice the items rest on.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def __str__(self):
        return self.name

    def current_version(self):
        return self.versions.filter(is_published=True).order_by("-number").first()


class TemplateVersion(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("template"),
    )
    number = models.PositiveIntegerField(_("version"))
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_unique")
        ]

    def __str__(self):
        return f"{self.template.name} v{self.number}"

    @property
    def is_in_use(self):
        return self.inspections.exists()


class FrozenVersionError(ValidationError):
    pass


class VersionContent(models.Model):
    """Sections and items refuse changes once their version has been used."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        version = self._version()
        if version.pk and version.is_in_use:
            raise FrozenVersionError(
                _("This version has been used by inspections; make a new version to change it.")
            )
        super().save(*args, **kwargs)

    def _version(self):
        raise NotImplementedError


class Section(VersionContent):
    version = models.ForeignKey(
        TemplateVersion,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("version"),
    )
    title = models.CharField(_("title"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.title

    def _version(self):
        return self.version


class Item(VersionContent):
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="items", verbose_name=_("section")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    key = models.SlugField(
        _("key"), max_length=60, help_text=_("Stays the same across versions; recurrence uses it.")
    )
    text = models.CharField(_("question"), max_length=300)
    guidance = models.TextField(_("how to check"), blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    answer_type = models.CharField(_("answer type"), max_length=16, choices=AnswerType.choices)
    required = models.BooleanField(_("required"), default=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    min_value = models.DecimalField(
        _("lowest allowed"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest allowed"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    fail_below = models.DecimalField(
        _("fails below"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    choices = models.JSONField(_("choices"), default=list, blank=True)
    failing_choices = models.JSONField(_("failing choices"), default=list, blank=True)
    failing_yes_no = models.CharField(
        _("failing answer"),
        max_length=3,
        blank=True,
        choices=[("yes", _("Yes")), ("no", _("No"))],
        help_text=_("For yes/no questions: which answer is a hazard."),
    )
    severity = models.CharField(
        _("severity when failed"), max_length=8, choices=Severity.choices, default=Severity.GENERAL
    )
    rectify_days = models.PositiveIntegerField(_("days allowed to rectify"), default=7)
    photo_required_on_failure = models.BooleanField(_("photo required when failed"), default=False)
    institution_kinds = models.JSONField(
        _("applies to kinds"),
        default=list,
        blank=True,
        help_text=_("Empty: every kind of institution."),
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.text

    def _version(self):
        return self.section.version

    def applies_to(self, institution):
        return not self.institution_kinds or institution.kind in self.institution_kinds

    def is_failure(self, value):
        """Whether this answer makes a hazard."""
        if value in (None, ""):
            return False
        if self.answer_type == AnswerType.PASS_FAIL:
            return value == "fail"
        if self.answer_type == AnswerType.YES_NO:
            return bool(self.failing_yes_no) and value == self.failing_yes_no
        if self.answer_type == AnswerType.CHOICE:
            return value in self.failing_choices
        if self.answer_type == AnswerType.NUMBER and self.fail_below is not None:
            return Decimal(value) < self.fail_below
        return False


# --- Campaigns -------------------------------------------------------------


class Level(models.TextChoices):
    SELF = "self", _("Self-inspection (自查)")
    TOWNSHIP = "township", _("Township inspection (排查)")
    SUPERVISORY = "supervisory", _("Supervisory inspection (督导检查)")


class Recurrence(models.TextChoices):
    ONCE = "once", _("Once, by the due date")
    WEEKLY = "weekly", _("Every week (due Friday)")
    TWICE_WEEKLY = "twice_weekly", _("Twice a week (due Tuesday and Friday)")


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=100)
    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("template"),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    institution_kinds = models.JSONField(
        _("institution kinds"), default=list, blank=True, help_text=_("Empty: every kind.")
    )
    townships = models.ManyToManyField(
        Township, blank=True, verbose_name=_("townships"), help_text=_("Empty: the whole county.")
    )
    institutions = models.ManyToManyField(
        Institution,
        blank=True,
        verbose_name=_("hand-picked institutions"),
        help_text=_("If any are picked, only these are inspected."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    due_on = models.DateField(_("due date"), null=True, blank=True)
    recurrence = models.CharField(
        _("recurrence"), max_length=16, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message=_("The campaign cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.recurrence == Recurrence.ONCE and not self.due_on:
            raise ValidationError({"due_on": _("A one-off campaign needs a due date.")})

    def due_dates(self, until):
        """Due dates of this campaign up to `until` (inclusive)."""
        last = min(until, self.ends_on)
        if self.recurrence == Recurrence.ONCE:
            return [self.due_on] if self.due_on and self.starts_on <= until else []
        weekdays = {Recurrence.WEEKLY: {4}, Recurrence.TWICE_WEEKLY: {1, 4}}[self.recurrence]
        days = (last - self.starts_on).days + 1
        return [
            self.starts_on + datetime.timedelta(days=n)
            for n in range(max(days, 0))
            if (self.starts_on + datetime.timedelta(days=n)).weekday() in weekdays
        ]

    def target_institutions(self):
        picked = self.institutions.all()
        if picked.exists():
            return picked.filter(is_active=True)
        targets = Institution.objects.active()
        if self.institution_kinds:
            targets = targets.filter(kind__in=self.institution_kinds)
        townships = self.townships.all()
        if townships.exists():
            targets = targets.filter(township__in=townships)
        return targets


# --- Inspections -----------------------------------------------------------


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(
            self, user, township_path="institution__township", institution_path="institution"
        )

    def due(self):
        return self.filter(status=InspectionStatus.DRAFT)


class Inspection(models.Model):
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("institution"),
    )
    version = models.ForeignKey(
        TemplateVersion,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("checklist"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("campaign"),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("inspector"),
    )
    inspector_name = models.CharField(_("inspectors"), max_length=100, blank=True)
    person_present = models.CharField(_("institution's person present"), max_length=50, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = InspectionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "institution__name"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "institution", "due_on"],
                condition=Q(campaign__isnull=False),
                name="inspection_once_per_campaign_day",
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.institution} · {self.version.template.name} · {self.due_on}"

    def get_absolute_url(self):
        if self.status == InspectionStatus.SUBMITTED:
            return reverse("inspections:result", args=[self.pk])
        return reverse("inspections:fill", args=[self.pk])

    @property
    def is_submitted(self):
        return self.status == InspectionStatus.SUBMITTED

    def state_label(self, today=None):
        if self.is_submitted:
            return _("done")
        return _("overdue") if self.due_on < (today or timezone.localdate()) else _("due")


def answer_photo_path(answer, filename):
    return f"inspections/{answer.inspection_id}/{answer.item_id}-{filename}"


class Answer(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="answers", verbose_name=_("inspection")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    value = models.CharField(_("answer"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    photo = models.ImageField(_("photo"), upload_to=answer_photo_path, blank=True)
    is_failure = models.BooleanField(_("failed"), default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="answer_once_per_item")
        ]

    def __str__(self):
        return f"{self.item}: {self.value}"


# --- Hazards ---------------------------------------------------------------


class HazardStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RECTIFYING = "rectifying", _("Rectifying")
    SUBMITTED = "submitted", _("Awaiting verification")
    CLOSED = "closed", _("Verified and closed")


class HazardQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(
            self, user, township_path="institution__township", institution_path="institution"
        )

    def unresolved(self):
        return self.exclude(status=HazardStatus.CLOSED)

    def overdue(self, today=None):
        return self.unresolved().filter(deadline__lt=today or timezone.localdate())


class Hazard(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("institution")
    )
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("source inspection"),
    )
    item = models.ForeignKey(
        Item,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item"),
    )
    item_key = models.SlugField(_("item key"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    description = models.TextField(_("description"))
    responsible_person = models.CharField(_("person responsible"), max_length=50)
    responsible_phone = PhoneField(_("phone of the person responsible"))
    deadline = models.DateField(_("deadline"))
    interim_measures = models.TextField(_("interim measures while rectifying"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=HazardStatus.choices, default=HazardStatus.OPEN
    )
    is_recurring = models.BooleanField(_("recurring"), default=False)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("found by"),
    )
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    rectification_note = models.TextField(_("rectification note"), blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = HazardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "item"],
                condition=Q(inspection__isnull=False),
                name="hazard_once_per_inspection_item",
            )
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return self.description[:40]

    def get_absolute_url(self):
        return reverse("inspections:hazard", args=[self.pk])

    def is_overdue(self, today=None):
        return self.status != HazardStatus.CLOSED and self.deadline < (
            today or timezone.localdate()
        )


class PhotoStage(models.TextChoices):
    FOUND = "found", _("When found")
    AFTER = "after", _("After rectification")


def hazard_photo_path(photo, filename):
    return f"hazards/{photo.hazard_id}/{photo.stage}-{filename}"


class HazardPhoto(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("stage"), max_length=8, choices=PhotoStage.choices)
    image = models.ImageField(_("photo"), upload_to=hazard_photo_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("hazard photo")
        verbose_name_plural = _("hazard photos")

    def __str__(self):
        return f"{self.hazard_id} {self.get_stage_display()}"


class EventKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    RECTIFYING = "rectifying", _("Rectification started")
    SUBMITTED = "submitted", _("Rectification submitted")
    VERIFIED = "verified", _("Verified and closed")
    REJECTED = "rejected", _("Rectification rejected")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")


class HazardEvent(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class DeadlineExtension(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_deadline = models.DateField(_("new deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("requested_by")),
                name="extension_not_self_approved",
            )
        ]

    def __str__(self):
        return f"{self.hazard_id} → {self.requested_deadline}"
