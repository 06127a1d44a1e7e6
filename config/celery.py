"""The Celery application: `celery -A config worker` and `celery -A config beat`.

Configuration comes from Django settings (the CELERY_* names, schedule included);
each app keeps its tasks in its own tasks.py, found by autodiscovery.
"""

import logging
import os
from pathlib import Path

from celery import Celery
from celery.contrib.django.task import DjangoTask
from kombu.exceptions import OperationalError as BrokerUnreachable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger(__name__)


class Task(DjangoTask):
    """Every task of the project."""

    def delay(self, *args, **kwargs):
        """Send the task; when the broker cannot be reached, log it and return None.

        `.delay()` is how the apps send work after a commit (`transaction.on_commit`), and by
        then what the work is for is already a row in PostgreSQL: a delivery pending, a hazard
        a scan will find. A broker that is down must not turn a saved form into a 500 (an
        exception raised after the commit would); beat's scans and `notifications.deliver`
        find the work again when it is back (docs/scaling.md, "When Redis is down", lists
        what no scan finds). `apply_async()` still raises, for callers that must know and
        for Celery itself (a retry that cannot be sent falls back to requeueing).
        """
        try:
            return super().delay(*args, **kwargs)
        except BrokerUnreachable as error:
            logger.error("broker unreachable, %s not sent: %s", self.name, error)
            return None


app = Celery("config", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders():
    """The file-system broker needs its folders before the first message."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


ensure_broker_folders()


@app.task(name="config.heartbeat")
def heartbeat():
    """Beat sends this every minute; /healthz reads when the worker last ran it."""
    from config.health import record_worker_heartbeat

    record_worker_heartbeat()
