"""The Celery application: `celery -A config worker` and `celery -A config beat`.

Configuration comes from Django settings (the CELERY_* names, schedule included);
each app keeps its tasks in its own tasks.py, found by autodiscovery.
"""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
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
