"""The test suite's settings: the project's own, as a local run (plain HTTP and the
development key allowed; config/settings.py says what production requires instead).
Processes a test starts inherit DJANGO_SETTINGS_MODULE, and with it the same."""

import os

os.environ.setdefault("LOCAL_RUN", "true")

from config.settings import *  # noqa: F403
