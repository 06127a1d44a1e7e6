"""Every notification has a key; the same key lands once, however often a scan runs."""

import pytest
from django.db import connection

from notifications.models import Channel, Delivery, Notification, Preference, Rule
from notifications.services import Message, notify
from tests.notifications.factories import WebhookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def urgent_rule():
    return Rule.objects.create(code="test-urgent", name="紧急", is_urgent=True)


@pytest.fixture
def routine_rule():
    return Rule.objects.create(code="test-routine", name="日常")


def test_the_same_key_lands_once_when_notified_twice(routine_rule, officer):
    message = Message(key="k1", recipient_id=officer.pk, title="隐患逾期")
    assert notify(routine_rule, [message]) == 1
    assert notify(routine_rule, [message, message]) == 0
    assert Notification.objects.filter(key="k1").count() == 1


def test_urgent_messages_go_out_through_the_channels_a_person_chose(urgent_rule, officer, town1):
    Preference.objects.create(user=officer, rule=urgent_rule.code, channels=["email", "sms"])
    notify(
        urgent_rule,
        [
            Message(key="a", recipient_id=officer.pk, title="重大隐患"),
            Message(key="b", recipient_id=town1.pk, title="重大隐患"),
        ],
    )
    channels = set(Delivery.objects.values_list("notification__recipient", "channel"))
    assert channels == {(officer.pk, Channel.EMAIL), (officer.pk, Channel.SMS)}


def test_routine_messages_stay_in_the_inbox_until_the_digest(routine_rule, officer):
    Preference.objects.create(user=officer, rule=routine_rule.code, channels=["email"])
    notify(routine_rule, [Message(key="a", recipient_id=officer.pk, title="隐患逾期")])
    assert Notification.objects.for_user(officer).count() == 1
    assert not Delivery.objects.exists()


def test_a_robot_gets_one_delivery_of_its_own_kind(urgent_rule):
    robot = WebhookFactory(kind="dingtalk")
    notify(urgent_rule, [Message(key="r", webhook_id=robot.pk, title="重大隐患")])
    assert list(Delivery.objects.values_list("channel", flat=True)) == [Channel.DINGTALK]


def test_a_switched_off_robot_gets_nothing(urgent_rule):
    robot = WebhookFactory(is_active=False)
    notify(urgent_rule, [Message(key="r", webhook_id=robot.pk, title="重大隐患")])
    assert not Delivery.objects.exists()


def test_landing_many_messages_takes_a_fixed_number_of_queries(
    routine_rule, officer, django_assert_max_num_queries
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite caps the parameters of one statement, so inserts are split")
    messages = [Message(key=f"k{n}", recipient_id=officer.pk, title="x") for n in range(1500)]
    # preferences, robots, then per chunk: existing keys, insert, read back, deliveries.
    with django_assert_max_num_queries(8):
        assert notify(routine_rule, messages) == 1500
