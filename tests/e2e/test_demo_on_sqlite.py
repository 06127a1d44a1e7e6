"""`make run` on a fresh machine: no DATABASE_URL, so SQLite. The suite runs on PostgreSQL,
where SQL that SQLite does not take (a `::` cast, a JSON `contains` lookup) passes unseen;
this builds the demo county on SQLite in real processes, as `make run` does, and serves the
pages the demo's roles open first."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)

PAGES = """
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

settings.ALLOWED_HOSTS = ["*"]
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
for username, names in {
    "officer": ["home", "dashboards:county", "inspections:ledger", "duty_roster:index",
                "relief:index", "preparedness:index", "epidemic:county",
                "duty_roster:spot_check_summary", "accountability:list",
                "inspections:not_credible"],
    "town1": ["home", "relief:people", "relief:visits", "epidemic:index"],
    "inst1": ["home", "inspections:index", "preparedness:index"],
}.items():
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    for name in names:
        status = client.get(reverse(name)).status_code
        print(username, name, status)
"""


def run(args, env, timeout=600):
    return subprocess.run(  # noqa: S603 - this interpreter and manage.py
        args, cwd=BASE, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_the_demo_is_built_and_served_on_sqlite(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        LOCAL_RUN="true",
        DJANGO_SETTINGS_MODULE="config.settings",
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONPATH=str(BASE),
    )
    manage = [sys.executable, "manage.py"]
    for step in (["migrate", "--noinput"], ["seed_demo"], ["seed_demo"]):
        done = run([*manage, *step], env)
        assert done.returncode == 0, f"{step}: {done.stderr[-3000:]}"
    assert "Demo data ready." in done.stdout

    served = run([sys.executable, "-c", PAGES], env)
    assert served.returncode == 0, served.stderr[-3000:]
    statuses = [line.rsplit(" ", 1)[1] for line in served.stdout.splitlines()]
    assert len(statuses) == 17
    assert set(statuses) == {"200"}, served.stdout
