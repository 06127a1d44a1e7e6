"""recent_changes' m2m_fields: what changed in a many-to-many set is a change of the
version that changed it, said by the members' names, in a fixed number of queries."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.history import Source, recent_changes
from inspections.models import Campaign, Level
from tests.factories import TownshipFactory
from tests.inspections.factories import TemplateVersionFactory

ONE_SAVE = datetime.timedelta(seconds=5)
START = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def campaign(db):
    version = TemplateVersionFactory()
    with time_machine.travel(START, tick=False):
        return Campaign.objects.create(
            name="汛期检查",
            template=version.template,
            level=Level.TOWNSHIP,
            starts_on=datetime.date(2027, 6, 1),
            ends_on=datetime.date(2027, 6, 30),
        )


def at(minutes, seconds=0):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes, seconds=seconds))


def sets_source(campaign, **options):
    return Source(campaign.history.all(), m2m_fields=("townships", "institutions"), **options)


def township_lines(history):
    return [
        (version.kind, change.old, change.new)
        for version in history.versions
        for change in version.changes
        if str(change.label) == "乡镇（街道）"
    ]


def test_without_m2m_fields_a_change_of_a_set_is_not_said(officer, campaign, township1):
    with at(10):
        campaign.townships.add(township1)

    history = recent_changes(officer, Source(campaign.history.all()))

    assert township_lines(history) == []


def test_a_set_changed_later_is_said_by_its_members_names(officer, campaign, township1, township2):
    with at(10):
        campaign.townships.add(township1)
    with at(20):
        campaign.townships.add(township2)

    history = recent_changes(officer, sets_source(campaign, one_save=ONE_SAVE))

    assert township_lines(history) == [
        ("~", "羊册镇", "羊册镇、马谷田镇"),
        ("~", None, "羊册镇"),
    ]


def test_one_save_makes_a_removal_and_an_addition_one_line(officer, campaign, township1, township2):
    with at(10):
        campaign.townships.add(township1)
    with at(20):
        campaign.townships.remove(township1)
    with at(20, 2):
        campaign.townships.add(township2)

    joined = recent_changes(officer, sets_source(campaign, one_save=ONE_SAVE))
    apart = recent_changes(officer, sets_source(campaign))

    assert township_lines(joined)[0] == ("~", "羊册镇", "马谷田镇")
    assert township_lines(apart)[:2] == [("~", None, "马谷田镇"), ("~", "羊册镇", None)]


def test_with_one_save_the_sets_given_with_the_creation_are_on_its_line(
    officer, campaign, township1
):
    with at(0, 1):
        campaign.townships.add(township1)

    history = recent_changes(officer, sets_source(campaign, one_save=ONE_SAVE))

    assert township_lines(history) == [("+", None, "羊册镇")]
    assert [version.kind for version in history.versions] == ["+"]


def test_without_one_save_the_first_sets_seen_are_a_baseline_not_a_change(
    officer, campaign, township1, township2
):
    with at(10):
        campaign.townships.add(township1)  # as a data migration snapshots a record's sets
    with at(20):
        campaign.townships.add(township2)

    history = recent_changes(officer, sets_source(campaign))

    assert township_lines(history) == [("~", "羊册镇", "羊册镇、马谷田镇")]


def test_township_staff_get_no_history_of_the_sets(town1, campaign, township1):
    campaign.townships.add(township1)

    assert recent_changes(town1, sets_source(campaign, one_save=ONE_SAVE)) is None


def test_the_sets_cost_the_same_queries_however_many_versions_and_members(
    officer, campaign, township1, django_assert_num_queries
):
    with at(10):
        campaign.townships.add(township1)
    with CaptureQueriesContext(connection) as small:
        recent_changes(officer, sets_source(campaign, one_save=ONE_SAVE))
    # The versions, a query a set for its members, one for the members' names.
    assert len(small) == 4
    for n in range(30):
        with at(20 + n):
            campaign.townships.add(TownshipFactory(name=f"第{n}镇"))

    with django_assert_num_queries(len(small)):
        history = recent_changes(officer, sets_source(campaign, one_save=ONE_SAVE))
    assert len(history.versions) == 20
    assert history.has_more
    assert township_lines(history)[0][2].count("、") == 30  # 31 townships, by name
