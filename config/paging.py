"""Paging a list whose full count would cost a scan of every matching row.

Django's Paginator counts every row of the filter (COUNT(*)), which reads the whole
hazard ledger for a county's unfiltered view, or a clerk's years of messages, however
the rows themselves are found. This paginator counts at most `cap` + 1 rows: up to the
cap the total is exact, beyond it the page says "more than 1,000" and pages on with
Previous / Next, each page found by reading one row more than it shows. The cost
follows the page, not the table.
"""

import math

from django.utils.functional import cached_property

COUNT_CAP = 1000
# A page number with more digits than this is read as the first page.
MAX_PAGE_DIGITS = 6
# The deepest page a list goes to. An OFFSET reads every row before it: page 40,000 of a
# province's ledger would read a million rows for 25. Past this depth people narrow the
# filter (the pages say so) rather than page on; the bound also keeps a crafted ?page=
# from costing a scan of the table.
MAX_PAGES = 400


class CappedPaginator:
    def __init__(self, queryset, per_page, *, cap=None):
        self.queryset = queryset
        self.per_page = per_page
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self):
        """The number of rows, or cap + 1 when there are more than `cap`."""
        return self.queryset.order_by()[: self.cap + 1].count()

    @property
    def count_is_capped(self):
        return self.count > self.cap

    @property
    def num_pages(self):
        """The number of pages, or None when the count stops at the cap."""
        if self.count_is_capped:
            return None
        return max(1, math.ceil(self.count / self.per_page))

    def get_page(self, number):
        number = min(_page_number(number), MAX_PAGES)
        if self.num_pages is not None:
            number = min(number, self.num_pages)
        bottom = (number - 1) * self.per_page
        rows = list(self.queryset[bottom : bottom + self.per_page + 1])
        more = len(rows) > self.per_page
        return CappedPage(
            rows[: self.per_page],
            number,
            self,
            has_next=more and number < MAX_PAGES,
            is_cut_short=more and number >= MAX_PAGES,
        )


class CappedPage:
    def __init__(self, object_list, number, paginator, *, has_next, is_cut_short=False):
        self.object_list = object_list
        self.number = number
        self.paginator = paginator
        self._has_next = has_next
        # The list goes on past MAX_PAGES: the page asks for a narrower filter.
        self.is_cut_short = is_cut_short

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def _page_number(raw):
    raw = str(raw or "")
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_PAGE_DIGITS:
        return max(int(raw), 1)
    return 1
