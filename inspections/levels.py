"""The three inspection levels side by side (自查 → 排查 → 督导检查).

For one institution and period, the latest submitted inspection of each level whose
due date falls in the period: the institution's self-inspection, the township's
inspection and the bureau's supervisory inspection. A campaign has one level, so a
period (not a campaign) is what brings the three together; by default it is the
festival sweep's season (the dates of the one-off township campaign running today, as
the dashboard counts), else the current month.

Rows are checklist items matched by `Item.key`, which stays the same across versions of
a template and is shared where two templates ask the same thing: levels that used
different versions or templates line up on it. An item the institution passed in its
self-inspection and the township or the bureau failed is "self-inspection not credible"
(自查不实). `not_credible_answers` finds those items for any number of institutions in one
query, for the league table and its drill-down (`not_credible_institutions`, a dashboard
figure); `compare` builds one institution's page and applies the same rule.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from config.counts import cached_figure
from config.paging import COUNT_CAP
from inspections.home import TOPIC
from inspections.models import (
    Answer,
    AnswerType,
    Campaign,
    Inspection,
    InspectionStatus,
    Item,
    Level,
    PassFail,
    Recurrence,
)

LEVELS = (Level.SELF, Level.TOWNSHIP, Level.SUPERVISORY)
CHECKING_LEVELS = (Level.TOWNSHIP, Level.SUPERVISORY)
# An answer that says nothing passed: unanswered, or "not applicable".
NOT_PASSED_VALUES = ("", PassFail.NOT_APPLICABLE)
# The list of institutions not credible stops here, as config.paging's lists count: past
# it, the page says "more than" and asks for a narrower filter.
LIST_CAP = COUNT_CAP


class Cell(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")
    RECORDED = "recorded", _("Recorded")  # an answer that is not judged (a number, a name)
    NOT_INSPECTED = "none", _("Not inspected")


# --- The period ----------------------------------------------------------------


def festival_season(today):
    """The festival sweep under way (an active one-off township campaign running today,
    the latest started), as the dashboard finds it."""
    return (
        Campaign.objects.filter(
            is_active=True,
            level=Level.TOWNSHIP,
            recurrence=Recurrence.ONCE,
            starts_on__lte=today,
            ends_on__gte=today,
        )
        .order_by("-starts_on", "-pk")
        .only("starts_on", "ends_on")
        .first()
    )


def month_of(day):
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def default_period(today):
    season = festival_season(today)
    if season is not None:
        return season.starts_on, season.ends_on
    return month_of(today)


def period_around(inspection, today):
    """The period an inspection's result page links to: its campaign's dates, else the
    default period if it holds the inspection's due date, else that date's month."""
    if inspection.campaign is not None:
        return inspection.campaign.starts_on, inspection.campaign.ends_on
    start, end = default_period(today)
    if start <= inspection.due_on <= end:
        return start, end
    return month_of(inspection.due_on)


# --- One query for many institutions -------------------------------------------


def _submitted_in(date_from, date_to):
    return Inspection.objects.filter(
        status=InspectionStatus.SUBMITTED, due_on__gte=date_from, due_on__lte=date_to
    )


def _latest_of(date_from, date_to, *, institution, level):
    """A subquery: the latest submitted inspection of `level` at `institution` (both
    expressions) in the period."""
    return (
        _submitted_in(date_from, date_to)
        .filter(institution_id=institution, level=level)
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )


def not_credible_answers(inspections, date_from, date_to):
    """The answers of self-inspections (among `inspections`, a scoped queryset) that are
    自查不实: the latest self-inspection of its institution in the period passed the item,
    and the latest township or supervisory inspection there failed the item of the same
    key. One answer per item, whichever level (or both) failed it."""
    latest_self = (
        inspections.filter(level=Level.SELF)
        .filter(status=InspectionStatus.SUBMITTED, due_on__gte=date_from, due_on__lte=date_to)
        .filter(
            pk=Subquery(
                _latest_of(
                    date_from, date_to, institution=OuterRef("institution_id"), level=Level.SELF
                )
            )
        )
    )
    failed_by_checkers = Answer.objects.filter(
        is_failure=True,
        item__key=OuterRef("item__key"),
        inspection__institution_id=OuterRef("inspection__institution_id"),
        inspection__level__in=CHECKING_LEVELS,
        inspection__status=InspectionStatus.SUBMITTED,
        inspection__due_on__gte=date_from,
        inspection__due_on__lte=date_to,
    ).filter(
        # The latest inspection of its own level, not an earlier one since redone.
        inspection_id=Subquery(
            _latest_of(
                date_from,
                date_to,
                institution=OuterRef("inspection__institution_id"),
                level=OuterRef("inspection__level"),
            )
        )
    )
    return (
        Answer.objects.filter(inspection__in=latest_self, is_failure=False)
        .exclude(value__in=NOT_PASSED_VALUES)
        .filter(Exists(failed_by_checkers))
    )


def not_credible_institutions(user, date_from, date_to, *, township=None, kind=""):
    """The institutions the user may see (of `township`, of `kind`) with items not credible
    in the period, most such items first, as plain rows (institution_id, institution_name,
    township_name, items); at most LIST_CAP + 1 of them.

    Every latest self-inspection of the scope's period is compared, so the cost follows
    the county, not the page, and the order (by items) needs them all before the first
    row: the rows are a dashboard figure (config.counts), compared once for the list and
    its count, at most once a minute per scope and filter, and afresh after an inspection
    is saved."""
    inspections = Inspection.objects.visible_to(user)
    if township is not None:
        inspections = inspections.filter(institution__township=township)
    if kind:
        inspections = inspections.filter(institution__kind=kind)

    def compare_all():
        return list(
            not_credible_answers(inspections, date_from, date_to)
            .values(
                institution_id=F("inspection__institution_id"),
                institution_name=F("inspection__institution__name"),
                township_name=F("inspection__institution__township__name"),
            )
            .annotate(items=Count("pk"))
            .order_by("-items", "institution_name", "institution_id")[: LIST_CAP + 1]
        )

    township_pk = township.pk if township is not None else ""
    name = f"not_credible:{date_from.isoformat()}:{date_to.isoformat()}:{township_pk}:{kind}"
    return cached_figure(TOPIC, name, user, compare_all)


class CappedRowsPaginator(Paginator):
    """Django's paginator over not_credible_institutions() rows, saying "more than `cap`"
    (count_is_capped) as config.paging.CappedPaginator does when there were more."""

    def __init__(self, rows, per_page, *, cap=LIST_CAP):
        super().__init__(rows[:cap], per_page)
        self.cap = cap
        self.count_is_capped = len(rows) > cap


# --- One institution's page ------------------------------------------------------


@dataclass
class CellView:
    state: str
    shown: str = ""
    answer: Answer | None = None

    @property
    def label(self):
        return Cell(self.state).label


@dataclass
class Row:
    key: str
    text: str
    section: str
    cells: list = field(default_factory=list)
    not_credible: bool = False


@dataclass
class Comparison:
    institution: object
    date_from: datetime.date
    date_to: datetime.date
    inspections: list  # one per level of LEVELS, None where there is none
    rows: list

    @property
    def not_credible_count(self):
        return sum(1 for row in self.rows if row.not_credible)

    @property
    def levels(self):
        return [
            (Level(level).label, inspection)
            for level, inspection in zip(LEVELS, self.inspections, strict=True)
        ]


def latest_by_level(institution, date_from, date_to):
    found = (
        _submitted_in(date_from, date_to)
        .filter(institution=institution)
        .select_related("version__template", "campaign")
        .order_by("level", "-submitted_at", "-pk")
        .distinct("level")
    )
    by_level = {inspection.level: inspection for inspection in found}
    return [by_level.get(level) for level in LEVELS]


def is_judged(item):
    """Whether an answer to this item can fail, so that not failing it is a pass."""
    if item.answer_type == AnswerType.PASS_FAIL:
        return True
    if item.answer_type == AnswerType.YES_NO:
        return bool(item.failing_yes_no)
    if item.answer_type == AnswerType.CHOICE:
        return bool(item.failing_choices)
    if item.answer_type == AnswerType.NUMBER:
        return item.fail_below is not None
    return False


def _cell(institution, inspection, item, answer):
    if inspection is None or item is None:
        return CellView(Cell.NOT_INSPECTED)
    if not item.applies_to(institution):
        return CellView(Cell.NOT_APPLICABLE)
    if not item.is_answered_by(answer):
        return CellView(Cell.NOT_INSPECTED)
    shown = item.display_value(answer.value) if answer.value else ""
    if answer.value == PassFail.NOT_APPLICABLE and item.answer_type == AnswerType.PASS_FAIL:
        return CellView(Cell.NOT_APPLICABLE, shown, answer)
    if answer.is_failure:
        return CellView(Cell.FAIL, shown, answer)
    if is_judged(item):
        return CellView(Cell.PASS, shown, answer)
    return CellView(Cell.RECORDED, shown, answer)


def _passed(answer):
    """The rule of not_credible_answers for the self-inspection's side."""
    return answer is not None and not answer.is_failure and answer.value not in NOT_PASSED_VALUES


def compare(institution, date_from, date_to):
    """The comparison page of one institution: three queries (its inspections, their
    items, their answers) whatever the length of the checklists."""
    inspections = latest_by_level(institution, date_from, date_to)
    present = [i for i in inspections if i is not None]
    items_by_version = {}
    order = []  # item keys in order of first appearance, self-inspection's checklist first
    first_seen = {}
    if present:
        items = (
            Item.objects.filter(section__version_id__in={i.version_id for i in present})
            .select_related("section")
            .order_by("section__order", "section__pk", "order", "pk")
        )
        for item in items:
            items_by_version.setdefault(item.section.version_id, {}).setdefault(item.key, item)
        for inspection in present:
            for key, item in items_by_version.get(inspection.version_id, {}).items():
                if key not in first_seen:
                    first_seen[key] = item
                    order.append(key)
    answers = {}
    if present:
        for answer in Answer.objects.filter(inspection__in=present).select_related("item"):
            answers[(answer.inspection_id, answer.item.key)] = answer
    rows = []
    for key in order:
        item = first_seen[key]
        row = Row(key=key, text=item.text, section=item.section.title)
        level_answers = []
        for inspection in inspections:
            level_item = (
                items_by_version.get(inspection.version_id, {}).get(key) if inspection else None
            )
            answer = answers.get((inspection.pk, key)) if inspection else None
            level_answers.append(answer)
            row.cells.append(_cell(institution, inspection, level_item, answer))
        own, *checkers = level_answers
        row.not_credible = _passed(own) and any(a is not None and a.is_failure for a in checkers)
        rows.append(row)
    return Comparison(institution, date_from, date_to, inspections, rows)
