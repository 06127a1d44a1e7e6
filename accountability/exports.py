"""Accountability cases (问责) for the exports app: the case list, with its filter, one row
a case and its number of documents; the county's alone, as every page of the app."""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accountability.forms import CaseFilterForm
from accountability.models import Case, Decision, Ground
from exports.describe import filter_text
from exports.services import Export

CHUNK = 2000

CASE_COLUMNS = (
    "opened_at",
    "ground",
    "township__name",
    "institution__name",
    "person_name",
    "person_position",
    "fact",
    "decision",
    "decision_other",
    "decided_on",
    "opened_by__full_name",
    "opened_by__username",
    "document_count",
)


def listed_cases(user, params):
    """The list page's cases, all of them, newest decision first; and its filter form.
    Case.objects.visible_to is empty for anyone but the county (the view refuses them
    first; a job replayed for someone who has lost the role gets an empty sheet)."""
    form = CaseFilterForm(params or None)
    cases = form.filter(Case.objects.visible_to(user)).order_by("-decided_on", "-pk")
    return cases, form


def case_list(user, params):
    cases, form = listed_cases(user, params)
    return Export(
        title=_("Accountability cases"),
        headers=[
            pgettext("accountability case", "Opened at"),
            _("Ground"),
            pgettext("accountability case", "Unit"),
            _("Person held accountable"),
            _("Position"),
            _("Facts"),
            _("Decision"),
            _("Decided on"),
            pgettext("accountability case", "Opened by"),
            _("Number of documents"),
        ],
        widths=[17, 16, 24, 10, 14, 50, 20, 11, 10, 8],
        rows=_case_rows(cases),
        count=cases.count,
        filter_text=filter_text(form),
        landscape=True,
    )


def _case_rows(cases):
    grounds = {key: str(label) for key, label in Ground.choices}
    decisions = {key: str(label) for key, label in Decision.choices}
    # Counted in the rows' own query (a join grouped by case), not once per case.
    rows = cases.annotate(document_count=Count("documents")).values_list(*CASE_COLUMNS)
    for (
        opened_at,
        ground,
        township,
        institution,
        person_name,
        person_position,
        fact,
        decision,
        decision_other,
        decided_on,
        opener_full,
        opener_user,
        document_count,
    ) in rows.iterator(chunk_size=CHUNK):
        yield (
            opened_at,
            grounds.get(ground, ground),
            institution or township,  # Case.unit
            person_name,
            person_position,
            fact,
            decision_other if decision == Decision.OTHER else decisions.get(decision, decision),
            decided_on,
            opener_full or opener_user,  # User.display_name
            document_count,
        )
