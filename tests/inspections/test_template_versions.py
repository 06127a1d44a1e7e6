"""Templates are versioned: old inspections keep the questions they were asked."""

import copy

import pytest
from django.core.management import call_command

from inspections import services
from inspections.checklists import WEEKLY_EPIDEMIC
from inspections.models import ChecklistTemplate, FrozenVersionError, Item, TemplateVersion
from inspections.seeding import seed_checklist, seed_checklists
from tests.inspections.factories import InspectionFactory, ItemFactory, checklist


def test_unused_version_can_still_be_edited(db):
    _version, items = checklist()
    items[0].text = "改写后的检查项"
    items[0].save()
    assert Item.objects.get(pk=items[0].pk).text == "改写后的检查项"


def test_version_used_by_an_inspection_refuses_changes(institution1):
    version, items = checklist()
    InspectionFactory(institution=institution1, version=version)
    items[0].text = "偷偷改掉"
    with pytest.raises(FrozenVersionError):
        items[0].save()
    with pytest.raises(FrozenVersionError):
        ItemFactory(section=items[0].section)


def test_a_new_version_copies_the_questions_and_leaves_old_inspections_alone(institution1):
    version, items = checklist()
    old = InspectionFactory(institution=institution1, version=version)
    new_version = services.revise_version(version)
    new_item = Item.objects.get(section__version=new_version, key=items[0].key)
    new_item.text = "新版本的问题"
    new_item.save()
    services.publish_version(new_version)
    assert version.template.current_version() == new_version
    assert new_version.number == 2
    assert (
        Item.objects.filter(section__version=old.version, key=items[0].key).get().text
        == items[0].text
    )
    assert Item.objects.filter(section__version=new_version).count() == len(items)


def test_seeding_checklists_twice_makes_no_new_versions(db):
    first = seed_checklists()
    second = seed_checklists()
    assert set(first.values()) == {"created"}
    assert set(second.values()) == {"unchanged"}
    assert TemplateVersion.objects.count() == ChecklistTemplate.objects.count() == 4


def test_seeded_festival_sweep_covers_the_notices_hazards(db):
    call_command("seed_checklists", stdout=open("/dev/null", "w"))  # noqa: SIM115
    sweep = ChecklistTemplate.objects.get(code="festival-fire-sweep").current_version()
    keys = set(Item.objects.filter(section__version=sweep).values_list("key", flat=True))
    assert {
        "evacuation-routes-clear",
        "exits-unlocked",
        "no-illegal-fire-electricity",
        "duty-on-post",
        "no-sandwich-panels",
        "no-illegal-hot-work",
        "gas-safety",
        "kitchen-hygiene",
        "building-sound",
        "cold-wind-prepared",
    } <= keys
    assert Item.objects.get(section__version=sweep, key="no-sandwich-panels").severity == "major"


def test_epidemic_report_asks_for_antigen_rounds_since_the_last_report(db):
    seed_checklists()
    version = ChecklistTemplate.objects.get(code="weekly-epidemic-report").current_version()
    item = Item.objects.get(section__version=version, key="antigen-rounds-since-last-report")
    assert "自上次报告以来" in item.text
    assert not Item.objects.filter(section__version=version, text__contains="本周").exists()


def test_a_home_with_one_round_by_tuesday_passes_and_none_fails(db):
    # Reports are due Tuesday and Friday: at least 2 rounds a week is 1 between reports.
    seed_checklists()
    item = Item.objects.get(key="antigen-rounds-since-last-report")
    assert not item.is_failure("1")
    assert item.is_failure("0")


def test_seeding_over_the_old_weekly_question_makes_a_new_published_version(institution1):
    old = copy.deepcopy(WEEKLY_EPIDEMIC)
    old_item = old["sections"][0][1][0]
    old_item.update(key="antigen-rounds", text="本周为老年人开展抗原检测的轮次", fail_below=2)
    seed_checklist(old)
    first = ChecklistTemplate.objects.get(code="weekly-epidemic-report").current_version()
    InspectionFactory(institution=institution1, version=first)
    assert seed_checklists()["weekly-epidemic-report"] == "updated"
    current = ChecklistTemplate.objects.get(code="weekly-epidemic-report").current_version()
    assert current.number == first.number + 1
    assert Item.objects.filter(section__version=first, key="antigen-rounds").exists()
    assert seed_checklists()["weekly-epidemic-report"] == "unchanged"
