import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from inspections.models import (
    AnswerType,
    Category,
    ChecklistTemplate,
    Hazard,
    Inspection,
    Item,
    Level,
    Section,
    Severity,
    TemplateVersion,
)
from tests.factories import InstitutionFactory, UserFactory


class ChecklistTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistTemplate

    code = factory.Sequence(lambda n: f"checklist-{n}")
    name = factory.Sequence(lambda n: f"检查表{n}")


class TemplateVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateVersion

    template = factory.SubFactory(ChecklistTemplateFactory)
    number = 1
    is_published = True


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    version = factory.SubFactory(TemplateVersionFactory)
    title = factory.Sequence(lambda n: f"第{n}部分")
    order = factory.Sequence(int)


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    section = factory.SubFactory(SectionFactory)
    order = factory.Sequence(int)
    key = factory.Sequence(lambda n: f"item-{n}")
    text = factory.Sequence(lambda n: f"检查项{n}")
    category = Category.FIRE
    answer_type = AnswerType.PASS_FAIL
    severity = Severity.GENERAL
    rectify_days = 7


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    institution = factory.SubFactory(InstitutionFactory)
    version = factory.SubFactory(TemplateVersionFactory)
    level = Level.TOWNSHIP
    due_on = factory.Faker("date_this_month")


class HazardFactory(factory.django.DjangoModelFactory):
    """A hazard as raised by hand; give `deadline` in the past for an overdue one."""

    class Meta:
        model = Hazard

    institution = factory.SubFactory(InstitutionFactory)
    category = Category.FIRE
    severity = Severity.GENERAL
    description = factory.Sequence(lambda n: f"灭火器过期{n}")
    responsible_person = "李秀英"
    responsible_phone = "13903960002"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    found_by = factory.SubFactory(UserFactory)


def checklist(items_per_section=2, sections=2, **item_options):
    """A published version with pass/fail items; returns (version, [items])."""
    version = TemplateVersionFactory()
    items = []
    for _ in range(sections):
        section = SectionFactory(version=version)
        items += ItemFactory.create_batch(items_per_section, section=section, **item_options)
    return version, items


def jpeg(name="photo.jpg", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def soon(days=30):
    """A deadline a service accepts today: not past, within a year."""
    return timezone.localdate() + datetime.timedelta(days=days)
