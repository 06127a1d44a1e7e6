"""Relief as export sources for the exports app: a batch's 发放花名册, applications, visits.

Each `source(user, params)` answers with the scope and filters of its page and its rows
as plain tuples: one values_list query (the names of people, townships and users joined
in), ID numbers masked as they pass, labels of choices from prepared dicts. Money stays
Decimal (written as a number with two decimals).
"""

import functools
from decimal import Decimal
from itertools import groupby

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exports.describe import filter_text
from exports.services import Export
from exports.xlsxstream import Sheet
from institutions.models import Township
from relief.forms import ApplicationListForm, VisitListForm
from relief.models import (
    Application,
    ApplicationStatus,
    BatchLine,
    BatchStatus,
    Category,
    DisbursementBatch,
    HomeVisit,
    Need,
)
from relief.printing import LINES_AT_ONCE, issuing_unit, township_id_of
from relief.validators import mask_id_number

CHUNK = 2000
# ExportJob.title's length: a programme's name may take up to 100 characters on its own.
TITLE_MAX = 100

# The roster's layouts: one sheet, or a sheet per township (what each township signs,
# with its own subtotal) and a summary sheet. Without a choice, a roster longer than the
# printed roster's LINES_AT_ONCE is split by township, as the print is.
SINGLE, BY_TOWNSHIP = "single", "township"
# Points: room for a signature or a thumbprint on each line.
SIGNING_ROW_HEIGHT = 28


def _labelled(label, value=""):
    """发放单位：泌阳县民政局 (gettext cannot find a label inside an f-string)."""
    return f"{label}：{value}"


def _fit(title):
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def _name(full_name, username):
    """A user as User.display_name shows them, from two joined columns."""
    return full_name or username or ""


# --- 发放花名册 ---------------------------------------------------------------------------


def batch_roster(user, params):
    """The roster of a batch that the user may see (else a 404): every line paid, a
    clerk's own township's only, narrowed to ?township=, laid out by ?layout=."""
    batch = get_object_or_404(
        DisbursementBatch.objects.visible_to(user).select_related("programme"),
        pk=_batch_id(params),
    )
    lines = BatchLine.objects.filter(batch=batch).paid().visible_to(user)
    # As the print: a township that does not exist narrows nothing.
    township_id = township_id_of(params)
    township = None if township_id is None else Township.objects.filter(pk=township_id).first()
    if township is not None:
        lines = lines.filter(person__township=township)
    elif not user.is_county_wide:
        township = user.township  # the clerk's lines are their township's
    count = functools.cache(lines.count)
    layout = params.get("layout")
    if layout not in (SINGLE, BY_TOWNSHIP):
        layout = BY_TOWNSHIP if township is None and count() > LINES_AT_ONCE else SINGLE
    if township is not None:
        layout = SINGLE  # one township: one sheet
    roster = Roster(batch)
    conditions = []
    if township is not None:
        conditions.append(_labelled(_("Township"), township.name))
    if layout == BY_TOWNSHIP:
        conditions.append(_labelled(_("Roster layout"), _("a sheet per township")))
    title = _fit(_("%(batch)s disbursement roster") % {"batch": batch})

    def sheets():
        if layout == BY_TOWNSHIP:
            yield from roster.township_sheets(lines)
        else:
            yield roster.sheet(lines, township.name if township else None)

    return Export(title=title, count=count, filter_text="；".join(conditions), sheets=sheets)


def _batch_id(params):
    raw = params.get("batch", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else 0


class Roster:
    """The sheets of one batch's roster: the lines to sign, a total, signature lines."""

    COLUMNS = ("person_name", "village", "person__id_number", "category", "amount")
    WIDTHS = [10, 14, 20, 16, 12, 22]

    def __init__(self, batch):
        self.batch = batch
        self.categories = {k: str(v) for k, v in Category.choices}
        self.headers = [
            _("Name"),
            _("Village or community"),
            _("ID number"),
            _("Category"),
            _("Amount (yuan)"),
            _("Signature or thumbprint"),
        ]

    def sheet(self, lines, township):
        """The whole roster (or one township's) on one sheet, in the printed roster's order."""
        total = Total()
        rows = lines.in_roster_order().values_list(*self.COLUMNS).iterator(chunk_size=CHUNK)
        return self._sheet(self._rows(rows, total), total, township)

    def township_sheets(self, lines):
        """A sheet per township, in the townships' code order, from one query; then the
        summary of the townships' subtotals, which are summed while the sheets stream."""
        rows = lines.order_by(
            "person__township__code", "person__township_id", "village", "person_name", "pk"
        ).values_list("person__township_id", "person__township__name", *self.COLUMNS)
        subtotals = []
        for (_township_id, name), township_rows in groupby(
            rows.iterator(chunk_size=CHUNK), key=lambda row: row[:2]
        ):
            total = Total()
            subtotals.append((name, total))
            own = (row[2:] for row in township_rows)
            yield self._sheet(self._rows(own, total), total, name)
        yield self._summary(subtotals)

    def _rows(self, lines, total):
        labels = self.categories
        for name, village, id_number, category, amount in lines:
            total.add(amount)
            yield (name, village, mask_id_number(id_number), labels.get(category, category), amount)

    def _sheet(self, rows, total, township):
        return Sheet(
            title=township or _("Disbursement roster"),
            headers=self.headers,
            rows=rows,
            widths=self.WIDTHS,
            preamble=self._heading(township),
            footer=lambda: self._footer(total),
            grid_lines=True,
            row_height=SIGNING_ROW_HEIGHT,
        )

    def _heading(self, township):
        """The unit and the dates of the roster, under the file's title and filter."""
        batch = self.batch
        unit = _labelled(_("Unit"), issuing_unit())
        if township is not None:
            unit += "　" + _labelled(_("Township"), township)
        status = batch.get_status_display()
        since = batch.paid_at if batch.status == BatchStatus.PAID else batch.approved_at
        if since and batch.status != BatchStatus.DRAFT:
            status += f"（{timezone.localtime(since):%Y-%m-%d}）"
        dates = "　".join(
            (
                _labelled(_("Programme"), batch.programme.name),
                _labelled(_("Period"), batch.period),
                _labelled(_("Status"), status),
                _labelled(_("Made on"), f"{timezone.localdate():%Y-%m-%d}"),
            )
        )
        return [[unit], [dates]]

    def _footer(self, total):
        people = ngettext("%(count)s person", "%(count)s people", total.count) % {
            "count": total.count
        }
        return [
            [_("Total"), people, None, None, None, total.amount],
            [],
            [
                _labelled(_("Handled by")),
                None,
                _labelled(_("Checked by")),
                None,
                _labelled(_("Person in charge")),
                None,
                _labelled(_("Date")),
            ],
        ]

    def _summary(self, subtotals):
        grand = Total()

        def rows():
            for name, total in subtotals:
                grand.count += total.count
                grand.amount += total.amount
                yield (name, total.count, total.amount)

        return Sheet(
            title=_("Summary by township"),
            headers=[_("Township"), _("Number of people"), _("Amount (yuan)")],
            rows=rows(),
            widths=[16, 10, 14],
            preamble=self._heading(None),
            footer=lambda: [[_("Total"), None, grand.count, grand.amount]],
            counted=False,
        )


class Total:
    """People and money of a roster, counted as its lines stream past."""

    def __init__(self):
        self.count = 0
        self.amount = Decimal("0.00")

    def add(self, amount):
        self.count += 1
        self.amount += amount


# --- Applications ---------------------------------------------------------------------------


APPLICATION_COLUMNS = (
    "township__name",
    "person__village",
    "person__name",
    "person__id_number",
    "programme__name",
    "amount",
    "reason",
    "is_emergency",
    "status",
    "filed_by__full_name",
    "filed_by__username",
    "filed_at",
    "reviewed_by__full_name",
    "reviewed_by__username",
    "reviewed_at",
    "decided_by__full_name",
    "decided_by__username",
    "decided_at",
    "decision_note",
)


def applications(user, params):
    """The applications list with its status filter, in its order (newest filed first)."""
    form = ApplicationListForm(params or None)
    found = form.filter(Application.objects.visible_to(user)).order_by("-filed_at", "-pk")
    headers = [
        _("Township"),
        _("Village or community"),
        _("Name"),
        _("ID number"),
        _("Programme"),
        _("Amount (yuan)"),
        _("Reason"),
        _("Emergency"),
        _("Status"),
        _("Filed by"),
        _("Filed at"),
        _("Reviewed by"),
        _("Reviewed at"),
        _("Decided by"),
        _("Decided at"),
        _("Decision note"),
    ]
    widths = [12, 12, 10, 20, 20, 12, 36, 8, 14, 10, 17, 10, 17, 10, 17, 30]
    return Export(
        title=_("Relief applications"),
        count=found.count,
        headers=headers,
        widths=widths,
        rows=_application_rows(found),
        filter_text=filter_text(form),
        landscape=True,
    )


def _application_rows(found):
    statuses = {k: str(v) for k, v in ApplicationStatus.choices}
    yes = _("yes")
    for (
        township,
        village,
        name,
        id_number,
        programme,
        amount,
        reason,
        emergency,
        status,
        filer_full,
        filer_user,
        filed_at,
        reviewer_full,
        reviewer_user,
        reviewed_at,
        decider_full,
        decider_user,
        decided_at,
        note,
    ) in found.values_list(*APPLICATION_COLUMNS).iterator(chunk_size=CHUNK):
        yield (
            township,
            village,
            name,
            mask_id_number(id_number),
            programme,
            amount,
            reason,
            yes if emergency else "",
            statuses.get(status, status),
            _name(filer_full, filer_user),
            filed_at,
            _name(reviewer_full, reviewer_user),
            reviewed_at,
            _name(decider_full, decider_user),
            decided_at,
            note,
        )


# --- Home visits -----------------------------------------------------------------------------


VISIT_COLUMNS = (
    "person__township__name",
    "person__village",
    "person__name",
    "person__id_number",
    "visited_on",
    "visitor__full_name",
    "visitor__username",
    "findings",
    "needs",
    "follow_up",
    "follow_up_owner__full_name",
    "follow_up_owner__username",
    "follow_up_done",
)


def home_visits(user, params):
    """The home visits list with its filters, in its order (the latest visit first)."""
    form = VisitListForm(params or None, user=user)
    found = form.filter(HomeVisit.objects.visible_to(user)).order_by("-visited_on", "-pk")
    headers = [
        _("Township"),
        _("Village or community"),
        _("Name"),
        _("ID number"),
        _("Visited on"),
        _("Visitor"),
        _("Findings"),
        _("Needs"),
        _("Follow-up actions"),
        _("Who follows up"),
        _("Follow-up done"),
    ]
    widths = [12, 12, 10, 20, 11, 10, 40, 16, 30, 10, 10]
    return Export(
        title=_("Home visits"),
        count=found.count,
        headers=headers,
        widths=widths,
        rows=_visit_rows(found),
        filter_text=filter_text(form),
        landscape=True,
    )


def _visit_rows(found):
    needs_of = {k: str(v) for k, v in Need.choices}
    yes = _("yes")
    for (
        township,
        village,
        name,
        id_number,
        visited_on,
        visitor_full,
        visitor_user,
        findings,
        needs,
        follow_up,
        owner_full,
        owner_user,
        done,
    ) in found.values_list(*VISIT_COLUMNS).iterator(chunk_size=CHUNK):
        yield (
            township,
            village,
            name,
            mask_id_number(id_number),
            visited_on,
            _name(visitor_full, visitor_user),
            findings,
            _need_labels(needs, needs_of),
            follow_up,
            _name(owner_full, owner_user),
            yes if done else "",
        )


def _need_labels(needs, labels):
    if not isinstance(needs, list):  # a JSON field: whatever the admin may have saved
        return ""
    return "、".join(labels[need] for need in needs if isinstance(need, str) and need in labels)
