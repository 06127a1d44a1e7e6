"""Templates are versioned: old inspections keep the questions they were asked."""

import pytest
from django.core.management import call_command

from inspections import services
from inspections.models import ChecklistTemplate, FrozenVersionError, Item, TemplateVersion
from inspections.seeding import seed_checklists
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


def test_weekly_epidemic_report_fails_below_two_antigen_rounds(db):
    seed_checklists()
    item = Item.objects.get(key="antigen-rounds")
    assert item.is_failure("1")
    assert not item.is_failure("2")
