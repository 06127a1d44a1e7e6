"""Daily reports (日报) in a festival period: every township centre and every institution of
the kinds the period names files one a day by the cut-off; "nothing to report" (零报告) is a
report. A filed report is never edited: a correction is the next version, the old one kept.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import RESIDENTIAL_KINDS, InstitutionKind
from institutions.scoping import filter_visible

DEFAULT_CUTOFF = datetime.time(16, 0)
# A festival period is a fortnight or so; a long one is a typo that would chase units for months.
MAX_PERIOD_DAYS = 62


def default_kinds():
    return sorted(str(kind) for kind in RESIDENTIAL_KINDS)


class ReportingPeriodQuerySet(models.QuerySet):
    def covering(self, day):
        return self.filter(start_date__lte=day, end_date__gte=day)


class ReportingPeriod(models.Model):
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    cutoff = models.TimeField(
        _("cut-off time"),
        default=DEFAULT_CUTOFF,
        help_text=_("Each day's report is due by this time (Beijing time)."),
    )
    institution_kinds = models.JSONField(
        _("institution kinds that report"),
        default=default_kinds,
        blank=True,
        help_text=_("Every township centre reports; of the institutions, these kinds."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        indexes = [models.Index(fields=["start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="daily_period_ends_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.start_date:%m-%d}～{self.end_date:%m-%d}）"

    def clean(self):
        super().clean()
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                raise ValidationError(
                    {"end_date": _("The last day cannot be before the first day.")}
                )
            if (self.end_date - self.start_date).days >= MAX_PERIOD_DAYS:
                raise ValidationError(
                    {
                        "end_date": _("A period lasts at most %(days)d days.")
                        % {"days": MAX_PERIOD_DAYS}
                    }
                )
            overlapping = ReportingPeriod.objects.filter(
                start_date__lte=self.end_date, end_date__gte=self.start_date
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(
                    _("These days overlap another reporting period: %(period)s.")
                    % {"period": overlapping.first()}
                )
        known = {str(kind) for kind in InstitutionKind}
        if not isinstance(self.institution_kinds, list) or not set(self.institution_kinds) <= known:
            raise ValidationError(
                {"institution_kinds": _("Choose institution kinds from the list.")}
            )

    def deadline(self, day):
        """The cut-off of `day` as an aware time in the project's zone (Asia/Shanghai)."""
        return timezone.make_aware(
            datetime.datetime.combine(day, self.cutoff), timezone.get_default_timezone()
        )

    def covers(self, day):
        return self.start_date <= day <= self.end_date

    def kind_labels(self):
        return [InstitutionKind(kind).label for kind in self.institution_kinds]


def unit_key(*, township_id=None, institution_id=None):
    """One name for a reporting unit: "i<id>" for an institution, "t<id>" for a township centre."""
    return f"i{institution_id}" if institution_id else f"t{township_id}"


class DailyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(self, user, township_path="township", institution_path="institution")

    def current(self):
        """The latest version of each unit's report (a correction supersedes, never deletes)."""
        newer = DailyReport.objects.filter(
            day=OuterRef("day"), unit=OuterRef("unit"), version__gt=OuterRef("version")
        )
        return self.filter(~Exists(newer))

    def first_versions(self):
        """One row a unit and day: when it was first filed, and whether that was late."""
        return self.filter(version=1)


class DailyReport(models.Model):
    # The counted items, in the order the form, the summary and the workbook show them.
    COUNT_FIELDS = (
        "hazards_found",
        "hazards_fixed",
        "fever_cases",
        "positive_tests",
        "sent_to_hospital",
        "incidents",
    )

    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("reporting period"),
    )
    day = models.DateField(_("day"))
    # The unit: a township centre (institution empty) or an institution of the township.
    township = models.ForeignKey(
        "institutions.Township",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("township"),
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("institution"),
        db_index=False,  # daily_report_institution_day leads with it
    )
    unit = models.CharField(_("reporting unit"), max_length=24, editable=False)
    version = models.PositiveSmallIntegerField(_("version"), default=1)

    is_zero = models.BooleanField(_("nothing to report (零报告)"), default=False)
    safety_situation = models.TextField(_("fire and safety situation"), blank=True, max_length=2000)
    hazards_found = models.PositiveIntegerField(_("hazards found today"), default=0)
    hazards_fixed = models.PositiveIntegerField(_("hazards fixed today"), default=0)
    fever_cases = models.PositiveIntegerField(_("residents with fever"), default=0)
    positive_tests = models.PositiveIntegerField(_("residents testing positive"), default=0)
    sent_to_hospital = models.PositiveIntegerField(_("residents sent to hospital"), default=0)
    incidents = models.PositiveIntegerField(_("incidents"), default=0)
    incident_notes = models.TextField(_("about the incidents"), blank=True, max_length=2000)
    duty_in_place = models.BooleanField(_("duty in place"), default=True)
    for_the_bureau = models.TextField(_("for the bureau"), blank=True, max_length=2000)
    correction_reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    # Stored so that the day's counts are one aggregate: submitted after the day's cut-off.
    is_late = models.BooleanField(_("late"), default=False, editable=False)

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        ordering = ["day", "unit", "-version"]
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "day", "version"],
                name="daily_report_unit_day_version_unique",
                violation_error_message=_("This version of the report has already been filed."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="daily_report_version_positive"
            ),
        ]
        indexes = [
            # The day's roll-up: first versions grouped by township.
            models.Index(fields=["day", "township", "version"], name="daily_report_day_township"),
            # One institution's report of a day (the township page looks up each of a page's
            # institutions): without it, each lookup read the whole county's reports of the day.
            models.Index(
                fields=["institution", "day", "version"], name="daily_report_institution_day"
            ),
        ]

    def __str__(self):
        return f"{self.unit_name} {self.day:%Y-%m-%d} v{self.version}"

    def save(self, *args, **kwargs):
        self.unit = unit_key(township_id=self.township_id, institution_id=self.institution_id)
        self.is_late = self.computed_late()
        super().save(*args, **kwargs)

    @property
    def unit_name(self):
        if self.institution_id:
            return self.institution.name
        return _("%(township)s centre") % {"township": self.township.name}

    def computed_late(self):
        return self.submitted_at > self.period.deadline(self.day)

    def nonzero_items(self):
        """[(label, value)] of the counted items above zero, and "duty not in place"."""
        items = [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in self.COUNT_FIELDS
            if getattr(self, name)
        ]
        if not self.duty_in_place:
            items.append((_("duty not in place"), _("yes")))
        return items
