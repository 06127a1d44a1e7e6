"""Epidemic care in care homes (notice section 2): one report per care home and ISO week
with counts only (testing, positives, hospital referrals, deaths, vaccination, antigen
kits), and the follow-up a positive case raises for its township.

Weeks start on Monday (ISO 8601) and are read in Asia/Shanghai. A report is kept as one
row per institution and week, edited in place while the week and the week after last;
every change is in its history.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from config.history import ClientAddressRecord
from institutions.models import InstitutionKind
from institutions.scoping import filter_visible

# The institutions that file the weekly report: the notice names 养老机构 and 社会福利机构.
DEFAULT_REPORTING_KINDS = (InstitutionKind.ELDERLY_CARE, InstitutionKind.SOCIAL_WELFARE)
# Below this share of residents vaccinated (per cent), a care home is listed for the bureau.
DEFAULT_LOW_COVERAGE_PERCENT = 80


def reporting_kinds():
    return list(getattr(settings, "EPIDEMIC_REPORTING_KINDS", DEFAULT_REPORTING_KINDS))


def low_coverage_percent():
    return getattr(settings, "EPIDEMIC_LOW_COVERAGE_PERCENT", DEFAULT_LOW_COVERAGE_PERCENT)


def week_of(day):
    """The Monday of the ISO week that holds `day`."""
    return day - datetime.timedelta(days=day.weekday())


def this_week():
    return week_of(timezone.localdate())


def week_label(monday):
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def coverage_percent(vaccinated, residents):
    """Residents vaccinated as a share of residents in care, in per cent; None without residents."""
    if not residents:
        return None
    return round(100 * vaccinated / residents, 1)


class WeeklyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(self, user, township_path="township", institution_path="institution")

    def of_week(self, monday):
        return self.filter(week=monday)


class WeeklyReport(models.Model):
    # The counted items, in the order the form, the detail page and the workbook show them.
    COUNT_FIELDS = (
        "residents",
        "residents_tested",
        "residents_positive",
        "staff_tested",
        "staff_positive",
        "sent_to_hospital",
        "referred_80_plus",
        "deaths",
        "doses_given",
        "residents_vaccinated",
        "antigen_kits_received",
        "antigen_kits_given",
    )

    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("institution"),
        db_index=False,  # epidemic_report_one_a_week leads with it
    )
    # The institution's township, stored so that the county's week is one GROUP BY.
    township = models.ForeignKey(
        "institutions.Township",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("township"),
        editable=False,
    )
    week = models.DateField(_("week (its Monday)"))

    residents = models.PositiveIntegerField(
        _("residents in care"),
        help_text=_("Everyone living in the home this week; coverage is counted against it."),
    )
    residents_tested = models.PositiveIntegerField(_("residents tested"), default=0)
    residents_positive = models.PositiveIntegerField(_("residents positive"), default=0)
    staff_tested = models.PositiveIntegerField(_("staff tested"), default=0)
    staff_positive = models.PositiveIntegerField(_("staff positive"), default=0)
    sent_to_hospital = models.PositiveIntegerField(
        _("residents sent to hospital this week"), default=0
    )
    hospital = models.CharField(
        _("hospital"),
        max_length=100,
        blank=True,
        help_text=_("Where they were sent; the designated hospital unless another was used."),
    )
    referred_80_plus = models.PositiveIntegerField(
        _("residents aged 80+ referred to a secondary (二级) hospital"), default=0
    )
    deaths = models.PositiveIntegerField(_("deaths this week"), default=0)
    doses_given = models.PositiveIntegerField(_("vaccine doses given this week"), default=0)
    residents_vaccinated = models.PositiveIntegerField(
        _("residents vaccinated"),
        default=0,
        help_text=_("Residents in care who have been vaccinated, at the end of the week."),
    )
    antigen_kits_received = models.PositiveIntegerField(
        _("antigen kits received this week"), default=0
    )
    antigen_kits_given = models.PositiveIntegerField(_("antigen kits given this week"), default=0)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    objects = WeeklyReportQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["-week", "township", "institution"]
        verbose_name = _("weekly epidemic report")
        verbose_name_plural = _("weekly epidemic reports")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "week"],
                name="epidemic_report_one_a_week",
                violation_error_message=_(
                    "This institution already has a report for this week; edit that one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(residents_positive__lte=F("residents_tested"))
                & Q(staff_positive__lte=F("staff_tested"))
                & Q(residents_tested__lte=F("residents"))
                & Q(residents_vaccinated__lte=F("residents"))
                & Q(referred_80_plus__lte=F("sent_to_hospital")),
                name="epidemic_report_counts_consistent",
            ),
        ]
        indexes = [
            # The county's weeks: reports of a span of weeks grouped by township.
            models.Index(fields=["week", "township"], name="epidemic_report_week_township"),
        ]

    def __str__(self):
        return f"{self.institution} {week_label(self.week)}"

    def save(self, *args, **kwargs):
        self.township_id = self.institution.township_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("epidemic:report", args=[self.pk])

    @property
    def week_label(self):
        return week_label(self.week)

    @property
    def positives(self):
        return self.residents_positive + self.staff_positive

    @property
    def coverage(self):
        return coverage_percent(self.residents_vaccinated, self.residents)

    @property
    def is_low_coverage(self):
        coverage = self.coverage
        return coverage is not None and coverage < low_coverage_percent()

    def editable_until(self):
        """The last day its filers may change it: the Sunday of the week after."""
        return self.week + datetime.timedelta(days=13)


class FollowUpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up", "Open")
    CLOSED = "closed", pgettext_lazy("follow-up", "Closed")


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_visible(self, user, township_path="township", institution_path="institution")

    def open(self):
        return self.filter(status=FollowUpStatus.OPEN)


class FollowUp(models.Model):
    """What a week with positive cases asks of the township: check the home, the isolation,
    the referrals; it stays on the bureau's page until someone closes it with a note."""

    report = models.OneToOneField(
        WeeklyReport,
        on_delete=models.PROTECT,
        related_name="follow_up",
        verbose_name=_("weekly report"),
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("institution"),
    )
    township = models.ForeignKey(
        "institutions.Township",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned to township"),
    )
    positives = models.PositiveIntegerField(_("positives reported"))
    status = models.CharField(
        _("status"), max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(pgettext_lazy("follow-up", "closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closing_note = models.TextField(
        pgettext_lazy("follow-up", "what was done"), blank=True, max_length=2000
    )

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords(bases=[ClientAddressRecord])

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("epidemic follow-up")
        verbose_name_plural = _("epidemic follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(closing_note=""),
                name="epidemic_followup_closed_with_note",
            ),
        ]
        indexes = [
            models.Index(
                fields=["township", "opened_at"],
                condition=Q(status="open"),
                name="epidemic_followup_open",
            ),
            # The county's open follow-ups, oldest first, a page at a time.
            models.Index(
                fields=["opened_at", "id"],
                condition=Q(status="open"),
                name="epidemic_followup_open_since",
            ),
        ]

    def __str__(self):
        return f"{self.institution} {week_label(self.report.week)}"

    def get_absolute_url(self):
        return reverse("epidemic:follow_up", args=[self.pk])

    @property
    def is_open(self):
        return self.status == FollowUpStatus.OPEN
