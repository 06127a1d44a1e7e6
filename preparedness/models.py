"""Each institution's preparedness (notice sections 2, 3 and 5): its emergency plans
(预案, versioned), its emergency supplies (应急物资) with what is received into and given
out of them (入库/发放), its drills and training (演练/培训),
and, per year, the officials responsible for it with the signed responsibility letter
(三管三必须, 包保责任书).

Every model's `visible_to(user)` is institutions.scoping's one rule: the county sees all,
a township its institutions, an institution's staff their own.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from config.history import ClientAddressRecord
from institutions.models import RESIDENTIAL_KINDS, Institution, PhoneField
from institutions.scoping import filter_visible
from preparedness.documents import letter_document_path, plan_document_path

# Supplies expiring (or due for inspection) within this many days are flagged "near expiry".
NEAR_EXPIRY_DAYS = 30
# Without a season chosen on the drills page, "this season" is the last this many days.
DEFAULT_DRILL_SEASON_DAYS = 90


def drill_season_days():
    return getattr(settings, "PREPAREDNESS_DRILL_SEASON_DAYS", DEFAULT_DRILL_SEASON_DAYS)


class InstitutionScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(
            self, user, township_path="institution__township", institution_path="institution"
        )


# --- Plans (预案) --------------------------------------------------------------


class PlanKind(models.TextChoices):
    FIRE = "fire", _("Fire emergency and evacuation plan")
    INFECTION = "infection", _("Infection emergency plan")
    ONE_POLICY = "one_policy", _("One policy per institution (一院一策)")
    WINTER = "winter", _("Winter and extreme weather plan")


class PlanStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    OVERDUE = "overdue", _("Review overdue")
    MISSING = "missing", _("Missing")
    NOT_REQUIRED = "not_required", _("Not required")


# Every institution keeps a fire and a winter plan; those where people live (the notice's
# care homes and welfare institutions) also an infection plan and a 一院一策 plan.
BASIC_PLAN_KINDS = (PlanKind.FIRE, PlanKind.WINTER)


def required_plan_kinds(institution_kind):
    return tuple(PlanKind.values) if institution_kind in RESIDENTIAL_KINDS else BASIC_PLAN_KINDS


class PlanQuerySet(InstitutionScopedQuerySet):
    def current(self):
        return self.filter(is_current=True)

    def overdue(self, today=None):
        """Current plans past their review date."""
        return self.current().filter(review_on__lt=today or timezone.localdate())


class Plan(models.Model):
    """One version of one kind of plan of an institution; a new version supersedes it."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="plans", verbose_name=_("institution")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PlanKind.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    title = models.CharField(_("title"), max_length=100)
    owner = models.CharField(_("owner"), max_length=50)
    owner_phone = PhoneField(_("owner's phone"), blank=True)
    approved_on = models.DateField(_("approved on"))
    review_on = models.DateField(_("review by"))
    document = models.FileField(
        _("document"), upload_to=plan_document_path, blank=True, max_length=200
    )
    # Fire emergency and evacuation: who cannot walk out, and who moves them.
    residents_unable_to_walk = models.PositiveIntegerField(
        _("residents who cannot walk"), null=True, blank=True
    )
    evacuation_assignments = models.TextField(
        _("who moves them"),
        blank=True,
        help_text=_("One line per resident or room: who carries or wheels them out."),
    )
    # 一院一策: the designated hospital, the emergency channel, the 对口协作 agreement.
    designated_hospital = models.CharField(_("designated hospital"), max_length=100, blank=True)
    emergency_channel = models.TextField(
        _("emergency channel"),
        blank=True,
        help_text=_("How a resident reaches the hospital: numbers to call, vehicle, route."),
    )
    cooperation_agreement = models.CharField(
        _("cooperation agreement (对口协作)"), max_length=200, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["institution", "kind", "-version"]
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "kind", "version"], name="plan_version_unique"
            ),
            models.UniqueConstraint(
                fields=["institution", "kind"],
                condition=Q(is_current=True),
                name="plan_one_current_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(review_on__gte=F("approved_on")), name="plan_review_after_approval"
            ),
        ]
        indexes = [models.Index(fields=["is_current", "review_on"], name="plan_current_review")]

    def __str__(self):
        return f"{self.institution} · {self.get_kind_display()} v{self.version}"

    def get_absolute_url(self):
        return reverse("preparedness:plan", args=[self.pk])

    def status(self, today=None):
        if self.review_on < (today or timezone.localdate()):
            return PlanStatus.OVERDUE
        return PlanStatus.CURRENT


# --- Emergency supplies (应急物资) --------------------------------------------


class SupplyKind(models.TextChoices):
    EXTINGUISHER = "extinguisher", _("Fire extinguisher")
    EMERGENCY_LIGHT = "emergency_light", _("Emergency light")
    ANTIGEN_KITS = "antigen_kits", _("Antigen test kits")
    MASKS = "masks", _("Masks")
    MEDICINES = "medicines", _("Medicines")
    GENERATOR = "generator", _("Generator")
    BLANKETS = "blankets", _("Blankets and warm clothing")
    OTHER = "other", _("Other")


def flagged_supply(today):
    """Low stock, expired, or expiring (due for inspection) within NEAR_EXPIRY_DAYS."""
    return Q(quantity__lt=F("minimum_quantity")) | Q(
        expires_on__lte=today + datetime.timedelta(NEAR_EXPIRY_DAYS)
    )


class SupplyQuerySet(InstitutionScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def low_stock(self):
        return self.filter(quantity__lt=F("minimum_quantity"))

    def expired(self, today=None):
        return self.filter(expires_on__lt=today or timezone.localdate())

    def near_expiry(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            expires_on__gte=today, expires_on__lte=today + datetime.timedelta(NEAR_EXPIRY_DAYS)
        )

    def flagged(self, today=None):
        return self.filter(flagged_supply(today or timezone.localdate()))


class Supply(models.Model):
    """One line of an institution's emergency supplies: what, how many, where, until when."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="supplies",
        verbose_name=_("institution"),
    )
    # In context: the inspections catalogue says 检查项 (a checklist item) for a plain "item".
    kind = models.CharField(
        pgettext_lazy("supply", "item"), max_length=20, choices=SupplyKind.choices
    )
    description = models.CharField(
        _("description"),
        max_length=100,
        blank=True,
        help_text=_("Type and size, e.g. 4 kg dry powder; required for 'Other'."),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=10)
    minimum_quantity = models.PositiveIntegerField(
        _("minimum quantity"), default=0, help_text=_("Below this, the line is flagged.")
    )
    location = models.CharField(_("location"), max_length=100)
    last_inspected_on = models.DateField(
        _("last inspected on"),
        null=True,
        blank=True,
        help_text=_("Fire extinguishers: the date of the last inspection."),
    )
    expires_on = models.DateField(
        _("expiry or next inspection"),
        null=True,
        blank=True,
        help_text=_("Expiry date, or for an extinguisher the date of its next inspection."),
    )
    is_active = models.BooleanField(_("in stock"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SupplyQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["institution", "kind", "pk"]
        verbose_name = _("emergency supply")
        verbose_name_plural = _("emergency supplies")
        indexes = [
            models.Index(fields=["institution", "kind"], name="supply_institution_kind"),
            models.Index(
                fields=["expires_on"], condition=Q(is_active=True), name="supply_active_expiry"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity}{self.unit}"

    def get_absolute_url(self):
        return reverse("preparedness:supply", args=[self.pk])

    def flags(self, today=None):
        """What is wrong with this line, in words for the page."""
        today = today or timezone.localdate()
        found = []
        if self.quantity < self.minimum_quantity:
            found.append(_("low stock"))
        if self.expires_on and self.expires_on < today:
            found.append(_("expired or inspection overdue"))
        elif self.expires_on and self.expires_on <= today + datetime.timedelta(NEAR_EXPIRY_DAYS):
            found.append(_("expires or due for inspection soon"))
        return found

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == SupplyKind.OTHER and not self.description:
            errors["description"] = _("Say what the item is.")
        if self.kind == SupplyKind.EXTINGUISHER:
            if not self.last_inspected_on:
                errors["last_inspected_on"] = _("Enter the date of the last inspection.")
            if not self.expires_on:
                errors["expires_on"] = _("Enter the date of the next inspection.")
        if self.last_inspected_on and self.expires_on and self.expires_on < self.last_inspected_on:
            errors["expires_on"] = _("The next inspection cannot come before the last one.")
        if self.last_inspected_on and self.last_inspected_on > timezone.localdate():
            errors["last_inspected_on"] = _("The last inspection cannot be in the future.")
        if errors:
            raise ValidationError(errors)


# --- Supply movements (入库/发放) ----------------------------------------------


class MovementKind(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("supply movement", "Received")
    GIVEN = "given", pgettext_lazy("supply movement", "Given out")


class SupplyMovementQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(
            self,
            user,
            township_path="supply__institution__township",
            institution_path="supply__institution",
        )

    def antigen_kits(self):
        return self.filter(supply__kind=SupplyKind.ANTIGEN_KITS)

    def in_week(self, monday):
        """Moved on a day of the ISO week that starts on `monday` (Monday to Sunday)."""
        return self.filter(moved_on__range=(monday, monday + datetime.timedelta(days=6)))

    def totals(self):
        """{"received": n, "given": n, "movements": n} over these movements, one query."""
        return self.aggregate(
            received=Coalesce(Sum("quantity", filter=Q(kind=MovementKind.RECEIVED)), 0),
            given=Coalesce(Sum("quantity", filter=Q(kind=MovementKind.GIVEN)), 0),
            movements=Count("pk"),
        )


def antigen_kits_of_week(institution, monday):
    """The antigen kits an institution received and gave out in a week, from the movements
    of its antigen-kit supply lines (what the epidemic weekly report starts from)."""
    return (
        SupplyMovement.objects.filter(supply__institution=institution)
        .antigen_kits()
        .in_week(monday)
        .totals()
    )


class SupplyMovement(models.Model):
    """Items of a supply line received into stock (入库) or given out (发放) on a day.
    Recorded through preparedness.services.record_movement, which moves the line's
    quantity with it; a movement is never changed afterwards (a mistake is corrected
    by a movement the other way)."""

    supply = models.ForeignKey(
        Supply, on_delete=models.PROTECT, related_name="movements", verbose_name=_("supply")
    )
    moved_on = models.DateField(_("date"))
    kind = models.CharField(_("received or given"), max_length=10, choices=MovementKind.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("From whom, or to whom: e.g. from the township centre, to the residents."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # One per rendered form: the same form sent twice finds the movement it recorded.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = SupplyMovementQuerySet.as_manager()

    class Meta:
        ordering = ["-moved_on", "-pk"]
        verbose_name = _("supply movement")
        verbose_name_plural = _("supply movements")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="supply_movement_quantity_positive"
            )
        ]
        indexes = [models.Index(fields=["supply", "moved_on"], name="supply_movement_day")]

    def __str__(self):
        return f"{self.supply} · {self.get_kind_display()} {self.quantity} {self.moved_on}"

    @property
    def signed_quantity(self):
        """What it did to the stock: + received, - given."""
        return self.quantity if self.kind == MovementKind.RECEIVED else -self.quantity


# --- Drills and training (演练/培训) ------------------------------------------


class DrillKind(models.TextChoices):
    FIRE_EVACUATION = "fire_evacuation", _("Fire evacuation drill")
    INFECTION = "infection", _("Infection emergency drill")
    EXTREME_WEATHER = "extreme_weather", _("Extreme weather drill")
    TRAINING = "training", _("Safety training")
    OTHER = "other", _("Other drill")


class DrillQuerySet(InstitutionScopedQuerySet):
    def since(self, day):
        return self.filter(held_on__gte=day)


class Drill(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="drills", verbose_name=_("institution")
    )
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=20, choices=DrillKind.choices)
    scenario = models.TextField(_("scenario"))
    staff_count = models.PositiveIntegerField(_("staff taking part"))
    residents_count = models.PositiveIntegerField(_("residents taking part"), default=0)
    evacuation_seconds = models.PositiveIntegerField(
        _("evacuation time (seconds)"), null=True, blank=True
    )
    problems = models.TextField(_("problems found"), blank=True)
    # The hazard raised from the problems found (by township or county staff).
    hazard = models.ForeignKey(
        "inspections.Hazard",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hazard raised"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # One per rendered form: the same form sent twice finds the drill it recorded.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = DrillQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("drill or training")
        verbose_name_plural = _("drills and training")
        indexes = [
            models.Index(fields=["institution", "held_on"], name="drill_institution_day"),
            # The county's list, newest first: read from the index, not every drill sorted.
            models.Index(fields=["-held_on", "-id"], name="drill_recent"),
        ]

    def __str__(self):
        return f"{self.institution} · {self.get_kind_display()} {self.held_on}"

    def get_absolute_url(self):
        return reverse("preparedness:drill", args=[self.pk])

    @property
    def evacuation_time(self):
        """ "3分20秒"-style minutes and seconds, or None."""
        if self.evacuation_seconds is None:
            return None
        return divmod(self.evacuation_seconds, 60)


# --- Responsibility (三管三必须, 包保) -----------------------------------------


class ResponsibilityQuerySet(InstitutionScopedQuerySet):
    def complete(self):
        """With every official named and the signed letter uploaded."""
        return (
            self.exclude(letter="")
            .exclude(institution_head="")
            .exclude(township_official="")
            .exclude(bureau_contact="")
        )


class Responsibility(models.Model):
    """An institution's responsible officials for one year, and the signed letter."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="responsibilities",
        verbose_name=_("institution"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    institution_head = models.CharField(_("institution head"), max_length=50)
    institution_head_phone = PhoneField(_("institution head's phone"))
    township_official = models.CharField(_("township official (包保)"), max_length=50)
    township_official_phone = PhoneField(_("township official's phone"))
    bureau_contact = models.CharField(_("bureau contact"), max_length=50)
    bureau_contact_phone = PhoneField(_("bureau contact's phone"))
    letter = models.FileField(
        _("signed responsibility letter (责任书)"),
        upload_to=letter_document_path,
        blank=True,
        max_length=200,
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ResponsibilityQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["-year", "institution"]
        verbose_name = _("safety responsibility")
        verbose_name_plural = _("safety responsibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year"], name="responsibility_one_per_year"
            )
        ]

    def __str__(self):
        return f"{self.institution} · {self.year}"

    @property
    def is_complete(self):
        return bool(
            self.letter and self.institution_head and self.township_official and self.bureau_contact
        )
