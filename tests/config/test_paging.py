"""Lists page no deeper than config.paging.MAX_PAGES: an OFFSET reads every row before it."""

from config import counts, paging
from config.counts import CachedCountPaginator
from config.paging import CappedPaginator
from institutions.models import Township
from tests.factories import TownshipFactory


def test_a_page_past_the_deepest_is_the_deepest_and_says_the_list_goes_on(db, monkeypatch):
    monkeypatch.setattr(paging, "MAX_PAGES", 2)
    TownshipFactory.create_batch(7)
    paginator = CappedPaginator(Township.objects.order_by("pk"), 2)

    page = paginator.get_page("999")

    assert page.number == 2
    assert len(page) == 2
    assert not page.has_next()
    assert page.is_cut_short


def test_the_last_page_of_a_short_list_is_not_cut_short(db, monkeypatch):
    monkeypatch.setattr(paging, "MAX_PAGES", 2)
    TownshipFactory.create_batch(4)

    page = CappedPaginator(Township.objects.order_by("pk"), 2).get_page("2")

    assert not page.has_next()
    assert not page.is_cut_short


def test_a_counted_list_has_no_more_pages_than_the_deepest(db, monkeypatch, officer):
    monkeypatch.setattr(counts, "MAX_PAGES", 2)
    TownshipFactory.create_batch(7)
    paginator = CachedCountPaginator(
        Township.objects.order_by("pk"), 2, topic="institutions", name="test", user=officer
    )

    page = paginator.get_page("4")

    assert paginator.num_pages == 2
    assert page.number == 2
    assert not page.has_next()
