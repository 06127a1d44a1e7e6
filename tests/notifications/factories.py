import datetime

import factory
from django.utils import timezone

from inspections.models import Category, Hazard, Severity
from notifications.models import Webhook, WebhookKind
from tests.factories import InstitutionFactory, UserFactory


class HazardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hazard

    institution = factory.SubFactory(InstitutionFactory)
    category = Category.FIRE
    severity = Severity.GENERAL
    description = factory.Sequence(lambda n: f"疏散通道堆放杂物{n}")
    responsible_person = "李秀英"
    responsible_phone = "13903960002"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    # An inactive finder: no scan counts them among the people to tell.
    found_by = factory.SubFactory(UserFactory, is_active=False)


class WebhookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Webhook

    name = factory.Sequence(lambda n: f"值班群机器人{n}")
    kind = WebhookKind.WECOM
    url = "http://127.0.0.1:9/robot"
