"""The 发放花名册 of a disbursement batch, printed on A4 for people to sign.

A county's monthly allowance roster has thousands of lines, and all of them are
printed: they are read as plain tuples in one query (no model instances, no query
per line), escaped and joined in Python (a third of the template loop's time: 5,000
lines in about 0.1 s), and the header row repeats on every printed page (print.css).
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from config.counts import cached_figure
from institutions.models import Township
from relief.models import Category, DisbursementBatch
from relief.validators import mask_id_number


def township_id_of(params):
    """The township a roster is narrowed to (?township=<id>), or None for anything that is
    not a plausible id: the print and the .xlsx read it the same way."""
    raw = params.get("township", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        return None
    return int(raw)


def _chosen_township(request):
    pk = township_id_of(request.GET)
    return None if pk is None else Township.objects.filter(pk=pk).first()


def issuing_unit():
    return _("%(county)s Civil Affairs Bureau") % {"county": settings.COUNTY_NAME}


LINE_HTML = (
    '<tr><td class="num">{}</td><td class="nowrap">{}</td><td>{}</td><td class="nowrap">{}</td><td>{}</td>'
    '<td class="num">{}</td><td></td></tr>'
)


# A roster longer than this is printed a township at a time (as it is signed: in each
# township): a county's whole batch would be a page of several megabytes.
LINES_AT_ONCE = 2000


def roster_rows(batch, township=None):
    """(序号, name, village, masked ID, category, amount) for each line paid, in roster order."""
    labels = dict(Category.choices)
    lines = batch.lines.paid()
    if township is not None:
        lines = lines.filter(person__township=township)
    lines = lines.in_roster_order().values_list(
        "person_name", "village", "person__id_number", "category", "amount"
    )
    return [
        (number, name, village, mask_id_number(id_number), labels.get(category, category), amount)
        for number, (name, village, id_number, category, amount) in enumerate(lines, start=1)
    ]


@login_required
def batch_roster(request, pk):
    # Officers only, as the batch page.
    if not request.user.is_county_wide:
        raise PermissionDenied
    batch = get_object_or_404(DisbursementBatch.objects.select_related("programme"), pk=pk)
    paid = batch.lines.paid()
    township = _chosen_township(request)
    if township is None and paid[: LINES_AT_ONCE + 1].count() > LINES_AT_ONCE:
        return render(
            request,
            "relief/batch_print_townships.html",
            {
                "batch": batch,
                # Counted over the whole batch (0.45 s for 340,000 lines): once a minute.
                "townships": cached_figure(
                    "relief",
                    f"batch_townships:{batch.pk}",
                    request.user,
                    lambda: list(
                        paid.values("person__township_id", "person__township__name")
                        .annotate(lines=Count("pk"))
                        .order_by("person__township__code")
                    ),
                ),
                "at_once": LINES_AT_ONCE,
            },
        )
    rows = roster_rows(batch, township)
    total = sum((row[5] for row in rows), Decimal("0.00"))
    lines = format_html_join("\n", LINE_HTML, ((*row[:5], f"{row[5]:.2f}") for row in rows))
    return render(
        request,
        "relief/batch_print.html",
        {
            "batch": batch,
            "township": township,
            "lines": lines,
            "count": len(rows),
            "total": f"{total:.2f}",
            "issuer": issuing_unit(),
            "printed_on": timezone.localdate(),
        },
    )
