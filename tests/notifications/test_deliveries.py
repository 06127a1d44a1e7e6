"""Deliveries: sent once, retried with backoff, failed for an admin to see; never lost."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications.channels import dingtalk_signed_url
from notifications.models import Delivery, DeliveryState, Notification, Rule
from notifications.services import Message, deliver_due, notify, retry_failed
from tests.notifications.factories import WebhookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def urgent_rule():
    return Rule.objects.create(code="test-urgent", name="紧急", is_urgent=True)


def _send_to(robot, rule):
    notify(rule, [Message(key=f"m{robot.pk}", webhook_id=robot.pk, title="重大隐患", url="/x/")])
    return Delivery.objects.get(notification__webhook=robot)


def test_a_webhook_that_fails_twice_then_succeeds_gets_one_message(
    robot_server, urgent_rule, settings
):
    server = robot_server(answers=[500, 500, 200])
    robot = WebhookFactory(kind="wecom", url=server.url)
    delivery = _send_to(robot, urgent_rule)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert deliver_due() == {"sent": 0, "retry": 1, "failed": 0}
        assert deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
        clock.shift(datetime.timedelta(seconds=settings.NOTIFICATIONS_RETRY_BASE_SECONDS))
        assert deliver_due() == {"sent": 0, "retry": 1, "failed": 0}
        clock.shift(datetime.timedelta(seconds=2 * settings.NOTIFICATIONS_RETRY_BASE_SECONDS))
        assert deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
        clock.shift(datetime.timedelta(hours=2))
        assert deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 3)
    assert server.requests == 3
    assert len(server.received) == 1
    assert server.received[0]["msgtype"] == "markdown"
    assert "重大隐患" in server.received[0]["markdown"]["content"]


def test_a_signed_dingtalk_robot_gets_a_signature_its_server_accepts(robot_server, urgent_rule):
    server = robot_server(secret="SECabc123")
    robot = WebhookFactory(kind="dingtalk", url=server.url, secret="SECabc123")
    _send_to(robot, urgent_rule)
    assert deliver_due()["sent"] == 1
    assert server.bad_signatures == 0
    assert server.received[0]["markdown"]["title"] == "重大隐患"


def test_a_wrong_dingtalk_secret_is_refused_and_marked_failed_at_once(robot_server, urgent_rule):
    server = robot_server(secret="SECright")
    robot = WebhookFactory(kind="dingtalk", url=server.url, secret="SECwrong")
    delivery = _send_to(robot, urgent_rule)
    assert deliver_due()["failed"] == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert "310000" in delivery.last_error
    assert server.bad_signatures == 1


def test_the_signature_follows_dingtalks_published_example():
    url = dingtalk_signed_url("https://robot.example/send?access_token=x", "SEC1", 1700000000000)
    assert url.startswith("https://robot.example/send?access_token=x&timestamp=1700000000000&sign=")
    assert url.endswith("%3D")  # base64 padding, URL-encoded


def test_after_the_last_attempt_a_delivery_is_failed_and_an_admin_can_retry_it(
    robot_server, urgent_rule, settings
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    server = robot_server(answers=[503, 503, 200])
    delivery = _send_to(WebhookFactory(url=server.url), urgent_rule)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        deliver_due()
        clock.shift(datetime.timedelta(hours=1))
        assert deliver_due()["failed"] == 1
        assert retry_failed(Delivery.objects.all()) == 1
        assert deliver_due()["sent"] == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert len(server.received) == 1


def test_a_sent_delivery_is_never_sent_again(robot_server, urgent_rule):
    server = robot_server()
    _send_to(WebhookFactory(url=server.url), urgent_rule)
    deliver_due()
    assert retry_failed(Delivery.objects.all()) == 0
    deliver_due()
    assert len(server.received) == 1


def test_an_unreachable_robot_is_retried_not_dropped(urgent_rule):
    delivery = _send_to(WebhookFactory(url="http://127.0.0.1:9/closed"), urgent_rule)
    assert deliver_due()["retry"] == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert "network" in delivery.last_error


def test_email_goes_through_djangos_mail(urgent_rule, officer, settings):
    from notifications.models import Preference

    officer.email = "officer@example.gov.cn"
    officer.save()
    Preference.objects.create(user=officer, rule=urgent_rule.code, channels=["email"])
    notify(urgent_rule, [Message(key="e", recipient_id=officer.pk, title="重大隐患", url="/h/1/")])
    assert deliver_due()["sent"] == 1
    assert mail.outbox[0].subject == "重大隐患"
    assert f"{settings.SITE_URL}/h/1/" in mail.outbox[0].body


def test_email_to_a_person_without_an_address_fails_at_once(urgent_rule, officer):
    from notifications.models import Preference

    officer.email = ""
    officer.save()
    Preference.objects.create(user=officer, rule=urgent_rule.code, channels=["email"])
    notify(urgent_rule, [Message(key="e", recipient_id=officer.pk, title="重大隐患")])
    assert deliver_due()["failed"] == 1
    assert Notification.objects.for_user(officer).count() == 1  # the inbox still has it


def test_sms_through_an_http_gateway(robot_server, urgent_rule, officer, settings):
    from notifications.models import Preference

    server = robot_server()
    settings.SMS_BACKEND = "notifications.channels.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = server.url
    officer.phone = "13800138000"
    officer.save()
    Preference.objects.create(user=officer, rule=urgent_rule.code, channels=["sms"])
    notify(urgent_rule, [Message(key="s", recipient_id=officer.pk, title="重大隐患")])
    assert deliver_due()["sent"] == 1
    assert server.received == [{"mobile": "13800138000", "content": server.received[0]["content"]}]
    assert server.received[0]["content"].startswith("重大隐患")
