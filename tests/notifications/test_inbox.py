"""The in-app inbox: everyone's, on a phone; read, unread, mark all; links stay inside."""

import pytest
from django.urls import reverse

from notifications.models import Delivery, DeliveryState, Notification, Rule
from notifications.services import Message, notify
from tests.notifications.factories import WebhookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule():
    return Rule.objects.create(code="test-rule", name="测试")


def _give(rule, user, key, url="/inspections/hazards/1/"):
    notify(rule, [Message(key=key, recipient_id=user.pk, title=f"提醒{key}", url=url)])
    return Notification.objects.get(key=key)


def test_the_inbox_lists_only_ones_own_notifications(client_for, rule, town1, town2):
    _give(rule, town1, "mine")
    _give(rule, town2, "theirs")
    page = client_for(town1).get(reverse("notifications:inbox")).content.decode()
    assert "提醒mine" in page
    assert "提醒theirs" not in page


def test_the_inbox_takes_the_same_queries_for_few_and_many(
    client_for, rule, town1, django_assert_num_queries
):
    client = client_for(town1)
    for n in range(3):
        _give(rule, town1, f"a{n}")
    with django_assert_num_queries(10) as few:
        client.get(reverse("notifications:inbox"))
    for n in range(40):
        _give(rule, town1, f"b{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:inbox"))


def test_opening_a_notification_marks_it_read_and_follows_its_link(client_for, rule, town1):
    notification = _give(rule, town1, "k")
    response = client_for(town1).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/inspections/hazards/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_out_of_the_site_is_never_followed(client_for, rule, town1):
    notification = _give(rule, town1, "k", url="https://evil.example/")
    response = client_for(town1).get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_nobody_opens_or_marks_another_persons_notification(client_for, rule, town1, town2):
    notification = _give(rule, town2, "k")
    client = client_for(town1)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_one_read_with_htmx_returns_the_row(client_for, rule, town1):
    notification = _give(rule, town1, "k")
    response = client_for(town1).post(
        reverse("notifications:read", args=[notification.pk]), headers={"HX-Request": "true"}
    )
    assert f'id="notification-{notification.pk}"' in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read_touches_only_ones_own(client_for, rule, town1, town2):
    _give(rule, town1, "a")
    _give(rule, town1, "b")
    theirs = _give(rule, town2, "c")
    client_for(town1).post(reverse("notifications:read_all"))
    assert not Notification.objects.for_user(town1).unread().exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_unread_filter_shows_only_unread(client_for, rule, town1):
    _give(rule, town1, "old").read_at = None
    Notification.objects.filter(key="old").update(read_at="2027-01-01T00:00Z")
    _give(rule, town1, "new")
    page = client_for(town1).get(reverse("notifications:inbox") + "?unread=1").content.decode()
    assert "提醒new" in page and "提醒old" not in page


def test_a_person_chooses_channels_per_rule(client_for, rule, town1):
    town1.email = "town1@example.gov.cn"
    town1.save()
    response = client_for(town1).post(reverse("notifications:preferences"), {rule.code: ["email"]})
    assert response.status_code == 302
    assert town1.notification_preferences.get(rule=rule.code).channels == ["email"]


def test_choosing_sms_without_a_mobile_number_is_refused_beside_the_rule(client_for, rule, town1):
    town1.phone = ""
    town1.save()
    response = client_for(town1).post(reverse("notifications:preferences"), {rule.code: ["sms"]})
    assert response.status_code == 200
    assert "您的账户没有手机号码" in response.content.decode()
    assert not town1.notification_preferences.exists()


def test_only_admins_see_failed_deliveries_and_retry_them(client_for, admin_user, officer):
    urgent = Rule.objects.create(code="urgent", name="紧急", is_urgent=True)
    robot = WebhookFactory()
    notify(urgent, [Message(key="r", webhook_id=robot.pk, title="重大隐患")])
    Delivery.objects.update(state=DeliveryState.FAILED, last_error="HTTP 500", attempts=8)
    assert client_for(officer).get(reverse("notifications:failed")).status_code == 302
    admin = client_for(admin_user)
    page = admin.get(reverse("notifications:failed")).content.decode()
    assert "HTTP 500" in page
    admin.post(reverse("notifications:retry"), {"all": "1"})
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)


def test_the_navigation_badge_counts_ones_unread_and_refreshes_itself(
    client_for, rule, town1, town2
):
    _give(rule, town1, "a")
    _give(rule, town1, "b")
    _give(rule, town2, "c")
    client = client_for(town1)
    page = client.get(reverse("home")).content.decode()
    assert reverse("notifications:badge") in page
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert ">2<" in badge
    assert 'hx-trigger="every 60s"' in badge
    client.post(reverse("notifications:read_all"))
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert "text-bg-danger" not in badge


def test_retrying_with_an_id_no_database_holds_is_not_a_500(client_for, admin_user):
    response = client_for(admin_user).post(
        reverse("notifications:retry"), {"delivery": ["9" * 30, "²", "abc"]}
    )
    assert response.status_code == 302


def test_years_of_messages_are_paged_without_counting_them_all(
    client_for, rule, town1, monkeypatch
):
    from config import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 40)
    notify(
        rule,
        [Message(key=f"y{n}", recipient_id=town1.pk, title=f"提醒{n}") for n in range(70)],
    )
    client = client_for(town1)
    first = client.get(reverse("notifications:inbox"))
    assert first.context["page"].paginator.num_pages is None  # beyond the cap: no total
    assert len(first.context["page"]) == 30
    assert "1 /" not in first.content.decode()
    last = client.get(reverse("notifications:inbox"), {"page": 3})
    assert len(last.context["page"]) == 10
    assert not last.context["page"].has_next()
