"""Saving one item by htmx also updates the answered count and the progress bar."""

import re

from django.urls import reverse


def save(client, inspection, item, value):
    return client.post(
        reverse("inspections:answer", args=[inspection.pk, item.pk]),
        {f"item{item.pk}-value": value},
        headers={"HX-Request": "true"},
    ).content.decode()


def progress(fragment):
    match = re.search(
        r'<div id="fill-progress"[^>]*hx-swap-oob="true"[^>]*>(.*?)</div>\s*<!--/fill-progress-->',
        fragment,
        re.S,
    )
    assert match, "no out-of-band progress"
    return match.group(1)


def test_an_htmx_save_sends_the_new_answered_count(client_for, town1, sweep):
    inspection, items = sweep
    client = client_for(town1)
    first = progress(save(client, inspection, items[0], "pass"))
    assert "已作答1项，共4项" in first
    assert 'aria-valuenow="1"' in first
    assert 'data-width="25"' in first
    second = progress(save(client, inspection, items[3], "fail"))
    assert "已作答2项，共4项" in second
    assert 'data-width="50"' in second


def test_a_refused_answer_does_not_count(client_for, town1, institution1):
    from tests.inspections.factories import InspectionFactory, ItemFactory

    item = ItemFactory(answer_type="number", min_value=0, max_value=10)
    inspection = InspectionFactory(institution=institution1, version=item.section.version)
    assert "已作答0项，共1项" in progress(save(client_for(town1), inspection, item, "99"))


def test_the_fill_page_shows_the_same_progress_block(client_for, town1, sweep):
    inspection, items = sweep
    client = client_for(town1)
    save(client, inspection, items[0], "pass")
    page = client.get(reverse("inspections:fill", args=[inspection.pk])).content.decode()
    assert '<div id="fill-progress"' in page
    assert "已作答1项，共4项" in page
