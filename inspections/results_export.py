"""Inspection results (检查结果) as an export source for the exports app.

`inspection_results(user, params)` answers with the submitted inspections the user may
see (Inspection.visible_to), narrowed by ResultFilter, as two sheets: every answer of
those inspections (the main list, and the export's count), then one summary row per
inspection. Both sheets are one values_list query each; an answer's label comes from
prepared dicts, and an inspection's failed and major items are counted in SQL. The
score is the one stored at submission (services.score), never worked out again.

An answer holds at most one photo (Answer.photo), so its photo count is read from its
own row: no lookup per row or per chunk is needed.
"""

import django_filters
from django.db.models import Avg, Count, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from exports.services import Export
from exports.xlsxstream import Sheet
from inspections.exports import filter_text
from inspections.models import (
    Answer,
    AnswerType,
    ChecklistTemplate,
    Inspection,
    InspectionStatus,
    PassFail,
    Severity,
    YesNo,
)
from institutions.models import Township

CHUNK = 2000

ANSWER_COLUMNS = (
    "inspection__institution__township__name",
    "inspection__institution__name",
    "inspection__version__template__name",
    "inspection__version__number",
    "item__section__title",
    "item__text",
    "item__answer_type",
    "item__unit",
    "value",
    "is_failure",
    "note",
    "photo",
    "inspection__inspector_name",
    "inspection__inspector__full_name",
    "inspection__inspector__username",
    "inspection__submitted_at",
)
SUMMARY_COLUMNS = (
    "institution__township__name",
    "institution__name",
    "version__template__name",
    "day",
    "inspector_name",
    "inspector__full_name",
    "inspector__username",
    "score",
    "failed",
    "major",
)


class ResultFilter(django_filters.FilterSet):
    """What the results export may be narrowed to; anything invalid is ignored."""

    township = django_filters.ModelChoiceFilter(
        field_name="institution__township",
        queryset=Township.objects.none(),
        label=gettext_lazy("township"),
    )
    template = django_filters.ModelChoiceFilter(
        field_name="version__template",
        queryset=ChecklistTemplate.objects.all(),
        label=gettext_lazy("checklist"),
    )
    # Days in Asia/Shanghai (the current time zone), as people read a submission time.
    submitted_from = django_filters.DateFilter(
        field_name="submitted_at",
        lookup_expr="date__gte",
        label=pgettext_lazy("results export", "submitted from"),
    )
    submitted_to = django_filters.DateFilter(
        field_name="submitted_at",
        lookup_expr="date__lte",
        label=pgettext_lazy("results export", "submitted until"),
    )

    class Meta:
        model = Inspection
        fields = ["township", "template", "submitted_from", "submitted_to"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["township"].queryset = Township.objects.visible_to(user)


def results_filter(user, params):
    submitted = Inspection.objects.visible_to(user).filter(status=InspectionStatus.SUBMITTED)
    return ResultFilter(params or None, queryset=submitted, user=user)


def inspection_results(user, params):
    result_filter = results_filter(user, params)
    inspections = result_filter.qs
    answers = Answer.objects.filter(inspection__in=inspections.values("pk")).order_by(
        "inspection__submitted_at",
        "inspection_id",
        "item__section__order",
        "item__section_id",
        "item__order",
        "item_id",
    )

    def sheets():
        yield _answers_sheet(answers)
        yield _summary_sheet(inspections)
        yield _institutions_sheet(inspections)

    return Export(
        title=pgettext("results export", "Inspection results"),
        count=answers.count,
        filter_text=filter_text(result_filter),
        sheets=sheets,
    )


def _answers_sheet(answers):
    headers = [
        _("Township"),
        _("Institution"),
        _("Checklist"),
        pgettext("results export", "Version"),
        pgettext("results export", "Section"),
        pgettext("results export", "Item"),
        pgettext("results export", "Answer"),
        pgettext("results export", "Failed"),
        pgettext("results export", "Note"),
        pgettext("results export", "Photos"),
        _("Inspectors"),
        pgettext("results export", "Submitted at"),
    ]
    return Sheet(
        title=pgettext("results export", "Results in detail"),
        headers=headers,
        rows=_answer_rows(answers),
        widths=[12, 24, 20, 6, 16, 40, 14, 8, 30, 8, 14, 17],
        landscape=True,
    )


def _answer_labels():
    """(answer type, stored value) → what the result page shows: 合格, 是, 不适用."""
    labels = {(AnswerType.PASS_FAIL.value, k): str(v) for k, v in PassFail.choices}
    labels.update({(AnswerType.YES_NO.value, k): str(v) for k, v in YesNo.choices})
    return labels


def _answer_rows(answers):
    labels = _answer_labels()
    number = AnswerType.NUMBER.value
    yes = _("yes")
    for (
        township,
        institution,
        checklist,
        version,
        section,
        item,
        answer_type,
        unit,
        value,
        is_failure,
        note,
        photo,
        inspector_name,
        full_name,
        username,
        submitted_at,
    ) in answers.values_list(*ANSWER_COLUMNS).iterator(chunk_size=CHUNK):
        label = labels.get((answer_type, value))
        if label is None:
            # As Item.display_value: a number with its unit, anything else as typed.
            label = f"{value} {unit}" if answer_type == number and value and unit else value
        yield (
            township,
            institution,
            checklist,
            version,
            section,
            item,
            label,
            yes if is_failure else "",
            note,
            1 if photo else 0,
            inspector_name or full_name or username or "",
            submitted_at,
        )


def _summary_sheet(inspections):
    headers = [
        _("Township"),
        _("Institution"),
        _("Checklist"),
        pgettext("results export", "Date"),
        _("Inspectors"),
        _("Score"),
        pgettext("results export", "Failed items"),
        pgettext("results export", "Major hazards among them"),
    ]
    summary = (
        inspections.annotate(
            day=TruncDate("submitted_at"),
            failed=Count("answers", filter=Q(answers__is_failure=True)),
            major=Count(
                "answers",
                filter=Q(answers__is_failure=True, answers__item__severity=Severity.MAJOR),
            ),
        )
        .order_by("submitted_at", "pk")
        .values_list(*SUMMARY_COLUMNS)
    )
    return Sheet(
        title=pgettext("results export", "Summary"),
        headers=headers,
        rows=_summary_rows(summary),
        widths=[12, 24, 20, 11, 14, 8, 10, 10],
        counted=False,
    )


def _summary_rows(summary):
    for (
        township,
        institution,
        checklist,
        day,
        inspector_name,
        full_name,
        username,
        score,
        failed,
        major,
    ) in summary.iterator(chunk_size=CHUNK):
        yield (
            township,
            institution,
            checklist,
            day,
            inspector_name or full_name or username or "",
            # A percentage with one decimal, not money: a plain number, not "#,##0.00".
            None if score is None else float(score),
            failed,
            major,
        )


def _institutions_sheet(inspections):
    """One row per institution (what the bureau ranks): inspections, latest and average
    score, failed items and major ones among them. Two grouped queries, not one: joined to
    the answers, an average of scores would weigh each inspection by its number of items."""
    headers = [
        _("Township"),
        _("Institution"),
        pgettext("results export", "Inspections"),
        pgettext("results export", "Latest score"),
        pgettext("results export", "Average score"),
        pgettext("results export", "Failed items"),
        pgettext("results export", "Major hazards among them"),
    ]
    return Sheet(
        title=pgettext("results export", "By institution"),
        headers=headers,
        rows=_institution_rows(inspections),
        widths=[12, 28, 8, 10, 10, 10, 10],
        counted=False,
    )


def _institution_rows(inspections):
    latest_score = Subquery(
        inspections.filter(institution=OuterRef("institution"))
        .order_by("-submitted_at", "-pk")
        .values("score")[:1]
    )
    per_institution = (
        inspections.order_by()
        .values("institution")
        .annotate(
            township=Min("institution__township__name"),
            name=Min("institution__name"),
            code=Min("institution__township__code"),
            count=Count("pk"),
            average=Avg("score"),
            latest=latest_score,
        )
        .order_by("code", "name", "institution")
    )
    failures = {
        row[0]: row[1:]
        for row in Answer.objects.filter(inspection__in=inspections.values("pk"), is_failure=True)
        .order_by()
        .values("inspection__institution")
        .annotate(failed=Count("pk"), major=Count("pk", filter=Q(item__severity=Severity.MAJOR)))
        .values_list("inspection__institution", "failed", "major")
    }
    for row in per_institution.iterator(chunk_size=CHUNK):
        failed, major = failures.get(row["institution"], (0, 0))
        yield (
            row["township"],
            row["name"],
            row["count"],
            None if row["latest"] is None else float(row["latest"]),
            None if row["average"] is None else round(float(row["average"]), 1),
            failed,
            major,
        )
