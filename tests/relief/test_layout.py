"""What clerks see: errors where they can see them, the right words, lists that lay out."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from relief import services
from tests.factories import UserFactory
from tests.relief.factories import PersonCategoryFactory, PersonFactory, ProgrammeFactory


@pytest.fixture
def person(township1):
    return PersonFactory(township=township1, name="王秀英")


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def details_of(page, summary):
    return re.search(rf"<details[^>]*>\s*<summary>{summary}</summary>", page)[0]


def test_the_add_category_section_opens_when_its_form_has_errors(client_for, town1, person):
    response = client_for(town1).post(
        reverse("relief:person_action", args=[person.pk, "category"]),
        {"category": "", "start_date": ""},
    )
    assert " open" in details_of(response.content.decode(), "添加类别")


def test_the_add_category_section_stays_closed_on_a_plain_visit(client_for, town1, person):
    page = client_for(town1).get(person.get_absolute_url()).content.decode()
    assert " open" not in details_of(page, "添加类别")


def test_the_person_form_asks_for_a_persons_name_not_a_title(client_for, town1):
    page = client_for(town1).get(reverse("relief:person_new")).content.decode()
    label = re.search(r'<label for="id_name"[^>]*>([^<]*)</label>', page)[1]
    assert "姓名" in label and "名称" not in label


def test_the_batch_roster_heads_its_name_column_as_a_persons_name(client_for, officer, township1):
    PersonCategoryFactory(person__township=township1)
    batch = services.generate_batch(
        programme=ProgrammeFactory(), period="2027-01", user=UserFactory()
    )
    page = client_for(officer).get(batch.get_absolute_url()).content.decode()
    assert "<th>姓名</th>" in page


def test_each_need_on_the_home_visit_form_is_its_own_checkbox_with_its_label(
    client_for, town1, person
):
    page = client_for(town1).get(person.get_absolute_url()).content.decode()
    needs = re.search(r'<div id="id_needs" class="app-choices">(.*?)</div>\s*</div>', page, re.S)
    assert needs, "the needs list is wrapped for layout"
    options = re.findall(
        r'<div class="form-check">\s*<input type="checkbox" name="needs" value="(\w+)"'
        r'[^>]*class="[^"]*form-check-input[^"]*"[^>]*>\s*<label class="form-check-label"'
        r' for="id_needs_\d">([^<]+)</label>',
        needs[0] + "</div>",
    )
    assert [value for value, _label in options] == ["supplies", "medicine", "care", "mental"]
    assert all(label.strip() for _value, label in options)
