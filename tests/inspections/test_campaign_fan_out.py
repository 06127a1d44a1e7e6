"""Campaigns fan out into the inspections that are due, once each."""

import datetime

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
