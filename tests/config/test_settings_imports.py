"""Settings import no app: reading them loads config and libraries only (config.field_keys
gives them the field-encryption keys; config.crypto, which imports institutions, is not
loaded)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
READ_SETTINGS = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
from django.conf import settings
settings.INSTALLED_APPS
print(" ".join(sorted(sys.modules)))
"""


def test_reading_the_settings_loads_no_app_of_the_project():
    env = {**os.environ, "LOCAL_RUN": "true"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 - our own code, this interpreter
        [sys.executable, "-c", READ_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    loaded = set(result.stdout.split())
    project_apps = {app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()}
    assert "institutions" in project_apps
    assert not {module.split(".")[0] for module in loaded} & project_apps
    assert "config.field_keys" in loaded
    assert "config.crypto" not in loaded
