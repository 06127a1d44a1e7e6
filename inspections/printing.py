"""Printable records on A4: the inspection record (检查记录) and the hazard
rectification notice (隐患整改通知书).

Both are read through the same scoped lookups as the pages they print
(the result page and the hazard page), so what one may not open one may not print.
Photos are shown through the scoped photo views, never from /media/.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections import services
from inspections.models import Level, PhotoStage, Severity
from inspections.views import _hazard_for, _inspection_for, _sections_with_items

RECORD_TITLES = {
    Level.SELF: gettext_lazy("Self-inspection record"),
    Level.TOWNSHIP: gettext_lazy("Township inspection record"),
    Level.SUPERVISORY: gettext_lazy("Supervisory inspection record"),
}


def issuing_unit():
    """The county bureau: 泌阳县民政局."""
    return _("%(county)s Civil Affairs Bureau") % {"county": settings.COUNTY_NAME}


def notice_number(hazard):
    """泌民安改〔2026〕第N号: the county's first character, 民 (civil affairs), 安改
    (safety rectification), the year the hazard was found, its number.

    The one place the notice number is made; change the format here.
    """
    county = settings.COUNTY_NAME[:1]
    year = timezone.localtime(hazard.found_at).year
    return f"{county}民安改〔{year}〕第{hazard.pk}号"


@login_required
def inspection_record(request, pk):
    inspection = _inspection_for(request, pk)
    if not inspection.is_submitted:
        return redirect("inspections:fill", pk=pk)
    sections = _sections_with_items(inspection)
    answers = {a.item_id: a for a in inspection.answers.all()}
    hazards = {h.item_id: h for h in inspection.hazards.all()}
    number = 0
    for section in sections:
        section.rows = []
        for item in section.applicable:
            number += 1
            answer = answers.get(item.pk)
            shown = item.display_value(answer.value) if answer else ""
            section.rows.append((number, item, answer, shown, hazards.get(item.pk)))
        section.score = services.score(section.applicable, answers)
    failed = sum(1 for a in answers.values() if a.is_failure)
    return render(
        request,
        "inspections/print_record.html",
        {
            "inspection": inspection,
            "institution": inspection.institution,
            "sections": sections,
            "failed_count": failed,
            "hazard_count": len(hazards),
            "issuer": issuing_unit(),
            "record_title": RECORD_TITLES.get(inspection.level, _("Inspection record")),
        },
    )


@login_required
def hazard_notice(request, pk):
    hazard = _hazard_for(request, pk)
    item = hazard.item
    # The legal basis: the regulation or notice the item's checklist rests on, if any.
    basis = item.section.version.template.source if item is not None else ""
    photos = [p for p in hazard.photos.all() if p.stage == PhotoStage.FOUND]
    return render(
        request,
        "inspections/hazard_notice.html",
        {
            "hazard": hazard,
            "institution": hazard.institution,
            "item": item,
            "basis": basis.strip(),
            "photos": photos,
            "is_major": hazard.severity == Severity.MAJOR,
            "deadline": hazard.deadline_in_force(),
            "number": notice_number(hazard),
            "issuer": issuing_unit(),
            "issued_on": timezone.localdate(),
        },
    )
