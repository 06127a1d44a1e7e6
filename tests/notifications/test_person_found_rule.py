"""The rule for a person found in a village (notifications/rules/relief.py: person_found)."""

from django.utils import timezone

from institutions.models import Role
from notifications import rules
from notifications.models import Notification, Webhook
from relief import services
from tests.factories import UserFactory


def _report(user, **extra):
    fields = {"name": "马老汉", "found_on": timezone.localdate(), "situation": "独居无取暖"}
    return services.report_found(user=user, **(fields | extra))


def test_the_township_is_told_once_with_the_village_not_the_name(
    township1, town1, town2, officer, django_assert_max_num_queries
):
    worker = UserFactory(
        username="v1", role=Role.VILLAGE_WORKER, township=township1, village="王庄村"
    )
    robot = Webhook.objects.create(
        name="羊册镇群", township=township1, kind="wecom", url="https://example.invalid/hook"
    )
    calm = _report(worker)
    urgent = _report(worker, name="赵大娘", is_urgent=True)
    rules.run(frequent=True, codes=["person-found"])
    told = Notification.objects.filter(rule="person-found")
    assert {(n.subject_id, n.recipient_id) for n in told if n.recipient_id} == {
        (calm.pk, town1.pk),
        (urgent.pk, town1.pk),
    }
    assert {n.subject_id for n in told if n.webhook_id == robot.pk} == {urgent.pk}
    assert all("王庄村" in n.title for n in told)
    assert not any("马老汉" in n.title + n.body or "赵大娘" in n.title + n.body for n in told)
    assert rules.run(frequent=True, codes=["person-found"]) == {"person-found": 0}
    services.handle_found(report=calm, user=town1, outcome="no_need", note="已核实")
    for n in range(30):
        _report(worker, name=f"老人{n}")
    with django_assert_max_num_queries(30):  # fixed, whatever the number of reports
        rules.run(frequent=True, codes=["person-found"])
    assert told.filter(subject_id=calm.pk).count() == 1
