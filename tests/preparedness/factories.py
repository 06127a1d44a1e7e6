"""Preparedness rows for tests: one plan, supply, drill or responsibility record each."""

import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from preparedness.models import Drill, DrillKind, Plan, PlanKind, Responsibility, Supply, SupplyKind
from tests.factories import InstitutionFactory, UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="plan.pdf"):
    return ContentFile(PDF_BYTES, name=name)


def stored_pdf():
    """A document as the form stores it (server-named .pdf)."""
    return ContentFile(PDF_BYTES, name="a.pdf")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    institution = factory.SubFactory(InstitutionFactory)
    kind = PlanKind.INFECTION
    version = 1
    is_current = True
    title = "感染应急处置预案"
    owner = "王院长"
    approved_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    review_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=300))
    created_by = factory.SubFactory(UserFactory)


class SupplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supply

    institution = factory.SubFactory(InstitutionFactory)
    kind = SupplyKind.MASKS
    quantity = 500
    unit = "个"
    minimum_quantity = 100
    location = "一楼库房"
    updated_by = factory.SubFactory(UserFactory)


class DrillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Drill

    institution = factory.SubFactory(InstitutionFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=5))
    kind = DrillKind.FIRE_EVACUATION
    scenario = "夜间厨房起火，全员疏散"
    staff_count = 8
    residents_count = 30
    evacuation_seconds = 200
    recorded_by = factory.SubFactory(UserFactory)


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsibility

    institution = factory.SubFactory(InstitutionFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    institution_head = "王院长"
    institution_head_phone = "13900000001"
    township_official = "李镇长"
    township_official_phone = "13900000002"
    bureau_contact = "赵科长"
    bureau_contact_phone = "13900000003"
    updated_by = factory.SubFactory(UserFactory)
