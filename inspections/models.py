"""Checklist-driven inspections and the hazards they find.

A checklist template has versions; an inspection points at the version it was
asked, so changing a template (which makes a new version once one is in use)
never changes what an old inspection shows. Every failed item of a submitted
inspection becomes a Hazard, which then lives its own life until verified.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.history import ClientAddressRecord
from config.uploads import server_file_name
from inspections.validators import (
    EARLIEST_DATE,
    LATEST_DATE,
    parse_number,
    validate_plausible_date,
)
from institutions.models import Institution, InstitutionKind, PhoneField, Township
from institutions.scoping import filter_visible

RECURRENCE_WINDOW_DAYS = 90
# 挂牌督办: an unresolved hazard this many days past its deadline goes under the
# bureau's supervision (a major hazard as soon as it is late at all), with a new
# deadline this many days from the day it was placed. Read when used, so tests
# and deployments may change them.
DEFAULT_SUPERVISION_AFTER_DAYS = 3
DEFAULT_SUPERVISION_DEADLINE_DAYS = 7
# A major hazard was due "at once" and is already late: the bureau gives it one day
# to be fixed or to come back with interim measures and an extension request.
MAJOR_SUPERVISION_DEADLINE_DAYS = 1


def supervision_after_days():
    return getattr(settings, "HAZARD_SUPERVISION_AFTER_DAYS", DEFAULT_SUPERVISION_AFTER_DAYS)


def supervision_deadline_days():
    return getattr(settings, "HAZARD_SUPERVISION_DEADLINE_DAYS", DEFAULT_SUPERVISION_DEADLINE_DAYS)


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


class PassFail(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


def _plausible_dates(*fields):
    """A database check that each of these date fields lies within 2000–2100 (or is empty)."""
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}__isnull": True}) | Q(
            **{f"{field}__gte": EARLIEST_DATE, f"{field}__lte": LATEST_DATE}
        )
    return condition


def _invalid_kinds(kinds):
    return not isinstance(kinds, list) or not set(map(str, kinds)) <= set(InstitutionKind.values)


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
        choices=YesNo.choices,
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

    def clean(self):
        super().clean()
        errors = {}
        options = self.choices
        if not isinstance(options, list) or not all(
            isinstance(c, str) and c.strip() and len(c) <= 100 for c in options
        ):
            errors["choices"] = _("Choices are a list of texts of up to 100 characters.")
        elif self.answer_type == AnswerType.CHOICE and not options:
            errors["choices"] = _("A single-choice question needs its choices.")
        elif not isinstance(self.failing_choices, list) or not set(
            map(str, self.failing_choices)
        ) <= set(options):
            errors["failing_choices"] = _("Failing choices must be among the choices.")
        if _invalid_kinds(self.institution_kinds):
            errors["institution_kinds"] = _("Give a list of institution kinds, or leave it empty.")
        low, high = self.min_value, self.max_value
        if low is not None and high is not None and low > high:
            errors["max_value"] = _("The highest allowed cannot be below the lowest allowed.")
        if errors:
            raise ValidationError(errors)

    def applies_to(self, institution):
        return not self.institution_kinds or institution.kind in self.institution_kinds

    def choice_options(self):
        """The choices as (value, label) pairs, whatever the JSON holds."""
        options = self.choices if isinstance(self.choices, list) else []
        return [(str(c), str(c)) for c in options]

    def is_failure(self, value):
        """Whether this answer makes a hazard (an unreadable number is judged at submission)."""
        if value in (None, ""):
            return False
        if self.answer_type == AnswerType.PASS_FAIL:
            return value == PassFail.FAIL
        if self.answer_type == AnswerType.YES_NO:
            return bool(self.failing_yes_no) and value == self.failing_yes_no
        if self.answer_type == AnswerType.CHOICE:
            return isinstance(self.failing_choices, list) and value in self.failing_choices
        if self.answer_type == AnswerType.NUMBER and self.fail_below is not None:
            number = parse_number(value)
            return number is not None and number < self.fail_below
        return False

    def is_answered_by(self, answer):
        if answer is None:
            return False
        return bool(answer.photo) if self.answer_type == AnswerType.PHOTO else bool(answer.value)

    def display_value(self, value):
        """An answer as people read it: 合格, 是, "3 次"."""
        labels = {AnswerType.PASS_FAIL: PassFail, AnswerType.YES_NO: YesNo}.get(self.answer_type)
        if labels is not None and value in labels.values:
            return labels(value).label
        if self.answer_type == AnswerType.NUMBER and value and self.unit:
            return f"{value} {self.unit}"
        return value


# --- Campaigns -------------------------------------------------------------


class Level(models.TextChoices):
    SELF = "self", _("Self-inspection (自查)")
    TOWNSHIP = "township", _("Township inspection (排查)")
    SUPERVISORY = "supervisory", _("Supervisory inspection (督导检查)")


class Recurrence(models.TextChoices):
    ONCE = "once", _("Once, by the due date")
    WEEKLY = "weekly", _("Every week (due Friday)")
    TWICE_WEEKLY = "twice_weekly", _("Twice a week (due Tuesday and Friday)")


MAX_CAMPAIGN_DAYS = 366


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
    starts_on = models.DateField(_("starts on"), validators=[validate_plausible_date])
    ends_on = models.DateField(_("ends on"), validators=[validate_plausible_date])
    due_on = models.DateField(
        _("due date"), null=True, blank=True, validators=[validate_plausible_date]
    )
    recurrence = models.CharField(
        _("recurrence"), max_length=16, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    is_active = models.BooleanField(_("active"), default=True)

    # A change of the townships or the hand-picked institutions is a version of its own
    # (simple_history's m2m_changed), with its address and user like any other.
    history = HistoricalRecords(
        bases=[ClientAddressRecord],
        m2m_fields=["townships", "institutions"],
        m2m_bases=[ClientAddressRecord],
    )
    # The labels its history shows for the codes in institution_kinds (config.history).
    HISTORY_VALUE_LABELS = {"institution_kinds": InstitutionKind.choices}

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message=_("The campaign cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=_plausible_dates("starts_on", "ends_on", "due_on"),
                name="campaign_dates_plausible",
                violation_error_message=_("Enter a date between 2000 and 2100."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.recurrence == Recurrence.ONCE and not self.due_on:
            errors["due_on"] = _("A one-off campaign needs a due date.")
        starts, ends, due = self.starts_on, self.ends_on, self.due_on
        if starts and ends and (ends - starts).days > MAX_CAMPAIGN_DAYS:
            # Fan-out creates every due date from the start: a century would be thousands.
            errors["ends_on"] = _(
                "A campaign lasts at most a year; start a new one for the next year."
            )
        if starts and ends and due and not starts <= due <= ends:
            errors.setdefault(
                "due_on", _("The due date must fall between the campaign's start and end.")
            )
        if _invalid_kinds(self.institution_kinds):
            errors["institution_kinds"] = _("Give a list of institution kinds, or leave it empty.")
        if errors:
            raise ValidationError(errors)

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
    due_on = models.DateField(_("due date"), validators=[validate_plausible_date])
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
    history = HistoricalRecords(bases=[ClientAddressRecord])

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
        indexes = [
            models.Index(fields=["status", "due_on"]),
            # "Recently submitted": status = submitted ORDER BY submitted_at DESC LIMIT n.
            models.Index(fields=["status", "submitted_at"], name="inspection_status_submitted"),
            # The dashboard's inspections behind a coverage figure: campaign inspections
            # of a period in (due_on, id) order, read up to the page instead of sorted.
            models.Index(
                fields=["due_on", "id"],
                condition=Q(campaign__isnull=False),
                name="inspection_campaign_due",
            ),
        ]

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
    # The name comes from the server, never from the client (see config.uploads).
    return f"inspections/{answer.inspection_id}/{answer.item_id}-{server_file_name(filename)}"


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

    history = HistoricalRecords(bases=[ClientAddressRecord])

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

    def supervised(self):
        """Under the bureau's supervision (挂牌督办) and not yet closed."""
        return self.unresolved().filter(supervised_at__isnull=False)

    def not_supervised(self):
        return self.filter(Q(supervised_at__isnull=True) | Q(status=HazardStatus.CLOSED))

    def supervision_overdue(self, today=None):
        """Supervised hazards past the deadline the bureau set."""
        return self.supervised().filter(supervision_deadline__lt=today or timezone.localdate())

    def due_for_supervision(self, today=None, after_days=None):
        """Unresolved, not yet supervised, and late by `after_days` days or more;
        a major hazard (重大事故隐患) as soon as it is late at all."""
        today = today or timezone.localdate()
        after_days = supervision_after_days() if after_days is None else after_days
        cutoff = today - datetime.timedelta(days=max(after_days, 1))
        return (
            self.unresolved()
            .filter(supervised_at__isnull=True)
            .filter(Q(deadline__lte=cutoff) | Q(severity=Severity.MAJOR, deadline__lt=today))
        )


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
    deadline = models.DateField(_("deadline"), validators=[validate_plausible_date])
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
    # 挂牌督办: placed by the scan (no officer yet); a bureau officer takes it over
    # or an admin assigns one. From then on only the bureau verifies and closes it.
    supervised_at = models.DateTimeField(_("under supervision since"), null=True, blank=True)
    supervised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervising officer"),
    )
    supervision_deadline = models.DateField(
        _("deadline under supervision"),
        null=True,
        blank=True,
        validators=[validate_plausible_date],
    )
    supervision_reason = models.CharField(_("reason for supervision"), max_length=200, blank=True)
    # The raise-hazard form's one-time token: submitting the same form again finds
    # this hazard instead of recording a second one.
    submission_token = models.UUIDField(
        _("submission token"), null=True, blank=True, unique=True, editable=False
    )

    objects = HazardQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "item"],
                condition=Q(inspection__isnull=False),
                name="hazard_once_per_inspection_item",
            ),
            models.CheckConstraint(
                condition=_plausible_dates("deadline"),
                name="hazard_deadline_plausible",
                violation_error_message=_("Enter a date between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=_plausible_dates("supervision_deadline"),
                name="hazard_supervision_deadline_plausible",
                violation_error_message=_("Enter a date between 2000 and 2100."),
            ),
            # Under supervision means since when and until when; an officer only then.
            models.CheckConstraint(
                condition=Q(
                    supervised_at__isnull=True,
                    supervision_deadline__isnull=True,
                    supervised_by__isnull=True,
                )
                | Q(supervised_at__isnull=False, supervision_deadline__isnull=False),
                name="hazard_supervision_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            # The ledger's order (deadline, pk) with LIMIT: read in index order, no sort.
            models.Index(fields=["deadline", "id"], name="hazard_deadline_id"),
            # The unresolved hazards (a small share of a ledger that keeps its history):
            # the overdue and supervised ledgers read it in deadline order, and the
            # county-wide counts are index-only scans of it (the columns they test are
            # included; institution_id joins to the township for a clerk's counts).
            models.Index(
                fields=["deadline", "id"],
                include=["status", "supervised_at", "institution"],
                condition=~Q(status=HazardStatus.CLOSED),
                name="hazard_unresolved_deadline",
            ),
            # The ledger's selective filters, each in the ledger's order: a filter that
            # matches few rows otherwise reads the whole table to count or fill a page.
            models.Index(fields=["category", "deadline", "id"], name="hazard_category_deadline"),
            models.Index(
                fields=["deadline", "id"],
                condition=Q(severity=Severity.MAJOR),
                name="hazard_major_deadline",
            ),
            models.Index(
                fields=["deadline", "id"],
                condition=Q(supervised_at__isnull=False) & ~Q(status=HazardStatus.CLOSED),
                name="hazard_supervised_deadline",
            ),
        ]

    def __str__(self):
        return self.description[:40]

    def get_absolute_url(self):
        return reverse("inspections:hazard", args=[self.pk])

    def is_overdue(self, today=None):
        return self.status != HazardStatus.CLOSED and self.deadline < (
            today or timezone.localdate()
        )

    @property
    def is_supervised(self):
        """Under the bureau's supervision now (as `Hazard.objects.supervised()`)."""
        return self.supervised_at is not None and self.status != HazardStatus.CLOSED

    def deadline_in_force(self):
        """The deadline that counts now: the bureau's once it supervises the hazard."""
        return self.supervision_deadline if self.is_supervised else self.deadline

    def is_supervision_overdue(self, today=None):
        return self.is_supervised and self.supervision_deadline < (today or timezone.localdate())


class PhotoStage(models.TextChoices):
    FOUND = "found", _("When found")
    AFTER = "after", _("After rectification")


def hazard_photo_path(photo, filename):
    return f"hazards/{photo.hazard_id}/{photo.stage}-{server_file_name(filename)}"


class HazardPhoto(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("stage"), max_length=8, choices=PhotoStage.choices)
    image = models.ImageField(_("photo"), upload_to=hazard_photo_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords(bases=[ClientAddressRecord])

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
    SUPERVISED = "supervised", _("Placed under the bureau's supervision (挂牌督办)")
    SUPERVISOR_ASSIGNED = "supervisor_assigned", _("Supervising officer assigned")


class HazardEvent(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    # Empty for what the system did by itself (the supervision scan).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
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
    requested_deadline = models.DateField(_("new deadline"), validators=[validate_plausible_date])
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("requested_by")),
                name="extension_not_self_approved",
            ),
            models.CheckConstraint(
                condition=_plausible_dates("requested_deadline"),
                name="extension_deadline_plausible",
                violation_error_message=_("Enter a date between 2000 and 2100."),
            ),
        ]

    def __str__(self):
        return f"{self.hazard_id} → {self.requested_deadline}"
