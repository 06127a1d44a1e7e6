"""Load the checklists of inspections/checklists.py, publishing a new version only on change."""

from decimal import Decimal

from django.db import transaction

from inspections.checklists import ALL_CHECKLISTS
from inspections.models import ChecklistTemplate, Item, Section, TemplateVersion
from inspections.services import ITEM_FIELDS, publish_version

ITEM_DEFAULTS = {f.name: f.get_default() for f in Item._meta.fields if f.name in ITEM_FIELDS}


DECIMAL_FIELDS = ("min_value", "max_value", "fail_below")


def _item_values(raw):
    values = {**ITEM_DEFAULTS, **raw}
    for name in DECIMAL_FIELDS:
        if values[name] is not None:
            values[name] = Decimal(values[name]).quantize(Decimal("0.01"))
    return values


def _wanted(data):
    return [(title, [_item_values(raw) for raw in items]) for title, items in data["sections"]]


def _existing(version):
    return [
        (
            section.title,
            [{f: getattr(item, f) for f in ITEM_FIELDS} for item in section.items.all()],
        )
        for section in version.sections.prefetch_related("items")
    ]


def _normalised(sections):
    def clean(value):
        return (
            str(value) if value is not None and not isinstance(value, list | bool | int) else value
        )

    return [
        (title, [{k: clean(v) for k, v in it.items()} for it in items]) for title, items in sections
    ]


@transaction.atomic
def seed_checklist(data):
    """Returns "created", "updated" or "unchanged"."""
    template, _created = ChecklistTemplate.objects.update_or_create(
        code=data["code"],
        defaults={
            "name": data["name"],
            "description": data["description"],
            "source": data["source"],
        },
    )
    current = template.current_version()
    wanted = _wanted(data)
    if current and _normalised(_existing(current)) == _normalised(wanted):
        return "unchanged"
    number = (
        template.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = TemplateVersion.objects.create(template=template, number=number)
    for order, (title, items) in enumerate(wanted, start=1):
        section = Section.objects.create(version=version, title=title, order=order)
        Item.objects.bulk_create(
            Item(section=section, order=n, **{f: it[f] for f in ITEM_FIELDS})
            for n, it in enumerate(items, start=1)
        )
    publish_version(version)
    return "updated" if current else "created"


def seed_checklists():
    return {data["code"]: seed_checklist(data) for data in ALL_CHECKLISTS}
