"""Redis stopped under a working system, then started again, empty.

A real redis-server on a port of its own is the cache and the broker of this process (the
pages, through the test client) and of a real Celery worker. While it is stopped, a
township clerk files an inspection with a major hazard and an officer closes one hazard and
grants another more time: every page answers, nothing is lost, and no alert can go out.
When Redis is back (empty: it kept nothing on disk), beat's next every-minute scan (sent
here by hand, as beat would) finds the major hazard in PostgreSQL and the group robot gets
its alert. Needs PostgreSQL and Redis; `-m e2e`.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from config import cache as forgiving
from config.celery import app
from inspections import services
from inspections.models import ExtensionStatus, Hazard, HazardStatus, Severity
from notifications.models import Delivery, DeliveryState
from notifications.tasks import scan_urgent
from tests.config.test_faults_broker import broker_at
from tests.config.test_faults_cache import RedisServer
from tests.e2e.test_faults_worker import Worker, environment_for_worker, wait_for
from tests.inspections.factories import HazardFactory, InspectionFactory, checklist, jpeg
from tests.notifications.conftest import RobotServer
from tests.notifications.factories import WebhookFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_server(tmp_path, settings):
    """The cache and the broker of this process, and of the worker started below."""
    server = RedisServer(tmp_path).start()
    # Celery reads its configuration from the settings on first use: read it now, before
    # the override below, or the broker it goes back to afterwards would be this server's.
    assert app.conf.broker_url
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "skip_seconds": 1},
        }
    }
    settings.CELERY_BROKER_URL = server.url  # what /healthz checks
    forgiving._down_until.clear()
    with broker_at(server.url):
        yield server
    server.stop()
    forgiving._down_until.clear()


@pytest.fixture
def robot():
    server = RobotServer([])
    server.thread.start()
    yield server
    server.httpd.shutdown()


@pytest.fixture
def worker(tmp_path):
    workers = []

    def start(redis_url):
        env = environment_for_worker(tmp_path / "media", REDIS_URL=redis_url)
        started = Worker(env, "urgent,default,bulk", tmp_path / "worker.log")
        workers.append(started)
        started.wait_until_ready()
        return started

    yield start
    for started in workers:
        started.stop()


def logged_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_with_redis_down_forms_and_approvals_work_and_the_alert_goes_out_when_it_returns(
    redis_server, robot, worker, tmp_path, settings, institution1, town1, inst1, officer
):
    settings.MEDIA_ROOT = tmp_path / "media"
    WebhookFactory(kind="wecom", url=robot.url, township=None)  # the bureau's group robot
    version, items = checklist(items_per_section=2, sections=1)
    items[0].severity = Severity.MAJOR
    items[0].save()
    inspection = InspectionFactory(institution=institution1, version=version)
    rectified = HazardFactory(institution=institution1)
    services.submit_rectification(
        hazard=rectified, user=inst1, note="已更换灭火器", photos=[jpeg()]
    )
    late = HazardFactory(institution=institution1)
    extension = services.request_extension(
        hazard=late,
        user=inst1,
        new_deadline=late.deadline + datetime.timedelta(days=7),
        reason="等待配件",
    )

    redis_server.stop()

    clerk = logged_in(town1)
    for item in items:
        value = "fail" if item == items[0] else "pass"
        response = clerk.post(
            reverse("inspections:answer", args=[inspection.pk, item.pk]),
            {f"item{item.pk}-value": value, f"item{item.pk}-note": "疏散通道堵塞"},
        )
        assert response.status_code in (200, 302)
    assert inspection.answers.count() == len(items)
    response = clerk.post(
        reverse("inspections:submit", args=[inspection.pk]),
        {"inspector_name": "李春梅", "person_present": "王建国"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:result", args=[inspection.pk])
    assert clerk.get(response["Location"]).status_code == 200
    major = Hazard.objects.get(inspection=inspection, severity=Severity.MAJOR)

    bureau = logged_in(officer)
    for url in ["home", "dashboards:county", "inspections:ledger", "notifications:inbox"]:
        assert bureau.get(reverse(url)).status_code == 200, url
    assert bureau.get(major.get_absolute_url()).status_code == 200
    response = bureau.post(
        reverse("inspections:hazard_action", args=[rectified.pk, "verify"]), {"note": "复核到位"}
    )
    assert response.status_code == 302
    response = bureau.post(
        reverse("inspections:decide_extension", args=[late.pk, extension.pk]),
        {"decision": "approve"},
    )
    assert response.status_code == 302
    rectified.refresh_from_db()
    extension.refresh_from_db()
    assert rectified.status == HazardStatus.CLOSED
    assert extension.status == ExtensionStatus.APPROVED

    health = bureau.get(reverse("healthz"))
    assert health.status_code == 503 and health.json()["broker"] == "error"
    assert robot.received == []  # nothing could go out yet

    redis_server.start()  # empty: whatever had been queued is gone
    started = worker(redis_server.url)
    scan_urgent.delay()  # beat's next every-minute tick

    def alerted():
        return any(institution1.name in str(message) for message in robot.received)

    assert wait_for(alerted, timeout=60), started.log_text()[-3000:]
    robot_deliveries = Delivery.objects.filter(notification__webhook__isnull=False)
    assert wait_for(
        lambda: not robot_deliveries.exclude(state=DeliveryState.SENT).exists(), timeout=30
    )
    assert robot_deliveries.filter(notification__subject_id=major.pk).count() == 1
    assert bureau.get(reverse("healthz")).status_code == 200
