"""Campaigns fan out into the inspections that are due, once each."""

import datetime

import pytest
from django.db import connection
from django.utils import translation

from inspections.campaigns import fan_out_active_campaigns, fan_out_campaign
from inspections.models import Campaign, Inspection, Recurrence
from institutions.models import InstitutionKind
from tests.factories import InstitutionFactory
from tests.inspections.factories import checklist

MONDAY = datetime.date(2027, 1, 25)


def make_campaign(**fields):
    version, _items = checklist()
    defaults = {
        "name": "春节排查",
        "template": version.template,
        "level": "township",
        "starts_on": MONDAY,
        "ends_on": MONDAY + datetime.timedelta(days=28),
        "due_on": MONDAY + datetime.timedelta(days=4),
    }
    defaults.update(fields)
    return Campaign.objects.create(**defaults)


def test_one_off_campaign_makes_one_inspection_per_target(institution1, institution2):
    campaign = make_campaign()
    assert fan_out_campaign(campaign, today=MONDAY) == 2
    assert set(Inspection.objects.values_list("due_on", flat=True)) == {
        MONDAY + datetime.timedelta(days=4)
    }


def test_fanning_out_again_creates_nothing_new(institution1, institution2):
    campaign = make_campaign()
    fan_out_campaign(campaign, today=MONDAY)
    assert fan_out_campaign(campaign, today=MONDAY) == 0
    assert Inspection.objects.count() == 2


def test_campaign_targets_kinds_and_townships(institution1, institution2, township1):
    registry = InstitutionFactory(kind=InstitutionKind.MARRIAGE_REGISTRY, township=township1)
    campaign = make_campaign(institution_kinds=[InstitutionKind.ELDERLY_CARE])
    campaign.townships.set([township1])
    fan_out_campaign(campaign, today=MONDAY)
    assert list(Inspection.objects.values_list("institution", flat=True)) == [institution1.pk]
    assert not Inspection.objects.filter(institution=registry).exists()


def test_hand_picked_institutions_override_kinds(institution1, institution2):
    campaign = make_campaign()
    campaign.institutions.set([institution2])
    fan_out_campaign(campaign, today=MONDAY)
    assert list(Inspection.objects.values_list("institution", flat=True)) == [institution2.pk]


def test_twice_weekly_report_is_due_tuesday_and_friday(institution1):
    campaign = make_campaign(recurrence=Recurrence.TWICE_WEEKLY, due_on=None)
    fan_out_campaign(campaign, today=MONDAY)
    due = sorted(Inspection.objects.values_list("due_on", flat=True))
    assert [d.strftime("%a") for d in due] == ["Tue", "Fri"]  # a week ahead
    assert due[0] == MONDAY + datetime.timedelta(days=1)


def test_weekly_campaign_inspections_appear_as_the_weeks_pass(institution1):
    campaign = make_campaign(recurrence=Recurrence.WEEKLY, due_on=None)
    fan_out_campaign(campaign, today=MONDAY)
    fan_out_campaign(campaign, today=MONDAY + datetime.timedelta(days=7))
    assert Inspection.objects.count() == 2


def test_inactive_or_finished_campaigns_fan_out_nothing(institution1):
    make_campaign(is_active=False)
    make_campaign(
        name="已结束",
        ends_on=MONDAY - datetime.timedelta(days=1),
        starts_on=MONDAY - datetime.timedelta(days=9),
    )
    assert fan_out_active_campaigns(today=MONDAY) == 0


def test_inspection_state_reads_due_overdue_or_done(institution1):
    campaign = make_campaign()
    fan_out_campaign(campaign, today=MONDAY)
    inspection = Inspection.objects.get()
    with translation.override("en"):
        assert inspection.state_label(today=MONDAY) == "due"
        assert inspection.state_label(today=MONDAY + datetime.timedelta(days=5)) == "overdue"


def test_fan_out_records_each_new_inspection_in_its_history(institution1, institution2):
    campaign = make_campaign(recurrence=Recurrence.TWICE_WEEKLY, due_on=None)
    fan_out_campaign(campaign, today=MONDAY)
    created = Inspection.objects.all()
    assert created.count() == 4
    history = Inspection.history.all()
    assert sorted(h.id for h in history) == sorted(i.pk for i in created)
    assert {h.history_type for h in history} == {"+"}
    fan_out_campaign(campaign, today=MONDAY)
    assert Inspection.history.count() == 4


def test_fanned_out_inspections_are_drafts_of_the_current_version(institution1):
    campaign = make_campaign(level="self")
    fan_out_campaign(campaign, today=MONDAY)
    inspection = Inspection.objects.get()
    assert inspection.version == campaign.template.current_version()
    assert inspection.level == "self"
    assert inspection.status == "draft"
    assert inspection.created_at is not None
    assert inspection.inspector is None and inspection.submitted_at is None


def test_an_inspection_made_meanwhile_is_not_made_twice(institution1, institution2):
    campaign = make_campaign()
    Inspection.objects.create(
        institution=institution1,
        version=campaign.template.current_version(),
        campaign=campaign,
        level=campaign.level,
        due_on=campaign.due_on,
    )
    assert fan_out_campaign(campaign, today=MONDAY) == 1
    assert Inspection.objects.filter(institution=institution1).count() == 1


def test_inactive_institutions_are_not_inspected(institution1, institution2):
    institution2.is_active = False
    institution2.save()
    campaign = make_campaign()
    assert fan_out_campaign(campaign, today=MONDAY) == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="one statement a campaign is PostgreSQL's; SQLite (a first make run) inserts in batches",
)
@pytest.mark.parametrize("count", [2, 30])
def test_fan_out_costs_the_same_statements_however_many_institutions(
    township1, count, django_assert_num_queries
):
    InstitutionFactory.create_batch(count, township=township1)
    make_campaign(recurrence=Recurrence.TWICE_WEEKLY, due_on=None)
    # The active campaigns with their templates; per campaign: its current version,
    # whether it hand-picks institutions or townships (2), and the one INSERT.
    with django_assert_num_queries(5):
        assert fan_out_active_campaigns(today=MONDAY) == 2 * count
    with django_assert_num_queries(5):  # steady: nothing new
        assert fan_out_active_campaigns(today=MONDAY) == 0
    assert Inspection.objects.count() == 2 * count
