import pytest

from tests.factories import TownshipFactory
from tests.inspections.factories import InspectionFactory, ItemFactory, checklist


@pytest.fixture(autouse=True)
def _township_codes_from_the_start():
    # The factory's codes run 411726500 upwards and a tenth digit does not fit the
    # column, while every use (even with a code given) takes a number; each test's
    # rows are gone afterwards, so these tests start again instead of using them up.
    TownshipFactory.reset_sequence()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sweep(institution1):
    """A township inspection of institution1 with four pass/fail items, one major."""
    version, items = checklist(items_per_section=2, sections=2)
    items[0].severity = "major"
    items[0].save()
    inspection = InspectionFactory(institution=institution1, version=version)
    return inspection, items


@pytest.fixture
def photo_sweep(institution1):
    """Like sweep, plus an item that needs a photo when it fails: (inspection, items, photo_item)."""
    version, items = checklist(items_per_section=2, sections=1)
    photo_item = ItemFactory(section=items[0].section, photo_required_on_failure=True)
    return InspectionFactory(institution=institution1, version=version), items, photo_item
