"""The reminder rule for plans past their review date (notifications/rules/preparedness.py)."""

import datetime

from django.utils import timezone
from django.utils.translation import override

from notifications.models import Rule
from notifications.rules.base import Scan
from notifications.rules.preparedness import plan_review_overdue
from notifications.services import notify
from preparedness.models import PlanKind
from tests.preparedness.factories import PlanFactory


def overdue_plan(institution, kind=PlanKind.FIRE):
    today = timezone.localdate()
    return PlanFactory(
        institution=institution,
        kind=kind,
        approved_on=today - datetime.timedelta(days=400),
        review_on=today - datetime.timedelta(days=2),
    )


def messages(rule, now):
    with override("zh-hans"):
        return list(plan_review_overdue(rule, Scan.load(now)))


def test_an_overdue_plan_reminds_its_institution_and_township_once_a_week(
    inst1, town1, town2, institution1
):
    plan = overdue_plan(institution1)
    PlanFactory(institution=institution1, kind=PlanKind.WINTER)  # in order: no reminder
    rule = Rule.objects.create(code="plan-review-overdue", name="预案逾期未复审")
    now = timezone.now()
    first = messages(rule, now)
    assert {m.recipient_id for m in first} == {inst1.pk, town1.pk}
    assert {m.subject_id for m in first} == {plan.pk}
    assert "消防应急疏散预案" in first[0].title and "复审" in first[0].title
    notify(rule, first, now=now)
    assert messages(rule, now + datetime.timedelta(hours=1)) == []
    assert len(messages(rule, now + datetime.timedelta(days=7))) == 2


def test_a_superseded_plan_reminds_nobody(inst1, institution1):
    plan = overdue_plan(institution1)
    plan.is_current = False
    plan.save()
    rule = Rule.objects.create(code="plan-review-overdue", name="x")
    assert messages(rule, timezone.now()) == []
