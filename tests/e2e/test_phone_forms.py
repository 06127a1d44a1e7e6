"""Forms as a township clerk sees them on a phone (390 px) in a real browser."""

import pytest

from tests.duty_roster.factories import DutyPostFactory
from tests.e2e.conftest import DESKTOP, screenshot
from tests.relief.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_visit_needs_are_checkboxes_with_one_line_labels(login, town1, township1):
    person = PersonFactory(township=township1)
    page = login(town1)
    page.goto(f"{page.base_url}/relief/people/{person.pk}/")
    boxes = page.locator("input[type=checkbox][name=needs]")
    assert boxes.count() == 4
    for index in range(boxes.count()):
        box = boxes.nth(index)
        label = page.locator(f"label[for={box.get_attribute('id')}]")
        label_box, check_box = label.bounding_box(), box.bounding_box()
        # One line beside its box: not a column of single characters.
        assert label_box["height"] < 2 * check_box["height"]
        assert label_box["width"] > label_box["height"]
        assert abs(label_box["y"] - check_box["y"]) < check_box["height"]
    screenshot(page, "relief-visit-form-phone")


def test_the_roster_generator_shows_its_default_first_day(login, officer, township1):
    post = DutyPostFactory(township=township1)
    page = login(officer, size=DESKTOP)
    page.goto(f"{page.base_url}/duty/posts/{post.pk}/?from=2027-01-25")
    first_day = page.locator("input[name=first_day]")
    assert first_day.input_value() == "2027-01-25"
    screenshot(page, "duty-roster-desktop")
