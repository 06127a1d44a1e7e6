"""Build (or rebuild) the demo county. Safe to run again: it updates in place."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

DEFAULT_DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - documented demo credential
# Each app may offer demo.seed(password=..., stdout=...); they run in this order.
DEMO_APPS = [
    "institutions",
    "inspections",
    "duty_roster",
    "relief",
    "daily_reports",
    "preparedness",
    "epidemic",
    "accountability",
]


class Command(BaseCommand):
    help = "Create the demo county, its institutions and the demo accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_DEMO_PASSWORD,
            help="password for every demo account (default: %(default)s)",
        )

    @transaction.atomic
    def handle(self, *args, password, **options):
        for app in DEMO_APPS:
            try:
                demo = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.demo":
                    raise
                continue
            demo.seed(password=password, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
