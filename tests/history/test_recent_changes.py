"""What a page's change history says: fields by their names, choices and references by
their labels, in a fixed number of queries, and never a full ID number."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from config.history import Source, recent_changes
from inspections.models import DeadlineExtension, HazardPhoto, HazardStatus
from relief import services as relief_services
from relief.models import HomeVisit, Payment, PersonCategory
from tests.factories import TownshipStaffFactory, UserFactory
from tests.history.conftest import history_section
from tests.inspections.factories import HazardFactory
from tests.relief.factories import PersonCategoryFactory, PersonFactory, ProgrammeFactory, id_number


def hazard_sources(hazard):
    return [
        Source(hazard.history.all()),
        Source(HazardPhoto.history.filter(hazard_id=hazard.pk), describe=str),
        Source(DeadlineExtension.history.filter(hazard_id=hazard.pk), describe=str),
    ]


@pytest.fixture
def hazard(institution1, town1):
    return HazardFactory(institution=institution1, found_by=town1)


def only_change(history):
    (version,) = [v for v in history.versions if v.kind == "~"]
    return {change.label: (change.old, change.new) for change in version.changes}


def test_a_change_reads_with_field_names_and_choice_labels(officer, hazard):
    hazard.status = HazardStatus.RECTIFYING
    hazard.interim_measures = "设置警示标志"
    hazard.save()
    with translation.override("zh-hans"):
        changes = {
            str(k): v
            for k, v in only_change(recent_changes(officer, *hazard_sources(hazard))).items()
        }
        assert changes["状态"] == ("待整改", "整改中")
        assert changes["整改期间防范措施"] == (None, "设置警示标志")
    assert len(changes) == 2  # nothing that did not change


def test_a_changed_reference_reads_as_the_name_of_what_it_points_at(officer, hazard, township1):
    rectifier = TownshipStaffFactory(township=township1, full_name="赵整改")
    hazard.rectified_by = rectifier
    hazard.save()
    history = recent_changes(officer, *hazard_sources(hazard))
    (old, new) = next(iter(only_change(history).values()))
    assert old is None
    assert str(new) == "赵整改"


def test_codes_in_a_list_read_as_their_labels(officer, town1, township1):
    person = PersonFactory(township=township1)
    visit = HomeVisit.objects.create(
        person=person, visitor=town1, visited_on=datetime.date(2027, 1, 5), findings="正常"
    )
    visit.needs = ["supplies", "medicine"]
    visit.save()
    with translation.override("zh-hans"):
        history = recent_changes(
            officer,
            Source(HomeVisit.history.filter(person_id=person.pk), describe=lambda row: "访视"),
        )
        assert only_change(history)[HomeVisit._meta.get_field("needs").verbose_name] == (
            None,
            "生活物资、药品",
        )


def test_a_removed_record_shows_as_deleted(officer, township1):
    held = PersonCategoryFactory(person=PersonFactory(township=township1), category="orphan")
    person = held.person
    held.delete()
    with translation.override("zh-hans"):
        history = recent_changes(
            officer,
            Source(
                PersonCategory.history.filter(person_id=person.pk),
                describe=lambda row: row.get_category_display(),
            ),
        )
        newest = history.versions[0]
        assert (newest.kind, newest.subject) == ("-", "孤儿")
        assert [v.kind for v in history.versions] == ["-", "+"]


def test_a_change_to_a_record_older_than_its_history_says_there_is_nothing_to_compare(
    officer, township1
):
    person = PersonFactory(township=township1)
    # Made without a history (as bulk_create does), then changed.
    (held,) = PersonCategory.objects.bulk_create(
        [PersonCategory(person=person, category="orphan", start_date=datetime.date(2026, 1, 1))]
    )
    held.end_date = datetime.date(2026, 12, 31)
    held.save()
    history = recent_changes(
        officer, Source(PersonCategory.history.filter(person_id=person.pk), describe=str)
    )
    (version,) = history.versions
    assert version.kind == "~"
    assert version.no_earlier_version
    assert version.changes == []


def test_a_save_that_changed_nothing_is_not_a_line(officer, hazard):
    hazard.save()
    hazard.save()
    history = recent_changes(officer, *hazard_sources(hazard))
    assert [v.kind for v in history.versions] == ["+"]


def test_only_county_wide_roles_get_a_history_and_the_others_cost_nothing(
    town1, hazard, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert recent_changes(town1, *hazard_sources(hazard)) is None


def test_a_history_costs_a_query_a_source_and_one_for_the_names_it_refers_to(
    officer, hazard, township1, django_assert_num_queries
):
    people = [TownshipStaffFactory(township=township1) for _ in range(3)]
    for n in range(30):
        hazard.rectified_by = people[n % 3]
        hazard.save()
    # The hazard's versions with their users, its photos', its extensions', and the
    # people its changes name (the versions compared with are among those fetched).
    with django_assert_num_queries(4):
        history = recent_changes(officer, *hazard_sources(hazard))
    assert len(history.versions) == 20
    assert history.has_more


def test_a_persons_page_never_shows_a_full_id_number_in_its_history(client_for, officer, township1):
    old_number = id_number(7, born=datetime.date(1951, 4, 2))
    new_number = id_number(9, born=datetime.date(1951, 4, 2))
    person = PersonFactory(township=township1, id_number=old_number)
    person.id_number = new_number
    person.village = "李庄村"
    person.save()
    page = client_for(officer).get(reverse("relief:person", args=[person.pk])).content.decode()
    section = history_section(page)
    assert "李庄村" in section
    assert old_number not in page  # nowhere: the page shows today's number alone
    assert new_number not in section
    assert not re.search(r"\d{17}[\dXx]", section)


def test_a_batch_page_names_a_paid_person_by_the_masked_number(client_for, officer, township1):
    programme = ProgrammeFactory()
    person = PersonFactory(township=township1)
    PersonCategoryFactory(person=person, category="orphan")
    batch = relief_services.generate_batch(
        programme=programme, period="2027-01", user=UserFactory(username="maker")
    )
    relief_services.approve_batch(batch=batch, user=officer)
    payment = Payment.objects.get(batch=batch)
    payment.amount = 650
    payment.save()
    page = client_for(officer).get(batch.get_absolute_url()).content.decode()
    section = history_section(page)
    assert person.masked_id in section
    assert person.id_number not in section
