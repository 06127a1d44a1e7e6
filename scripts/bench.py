"""Time the busiest pages on a county ten times the demo's size.

Usage: .venv/bin/python scripts/bench.py [--institutions N] [--requests R]
Builds a throwaway database (the test database of DATABASE_URL, or SQLite in
memory), seeds the demo county plus N extra institutions, then requests each
page R times as the bureau officer and as a township clerk, and prints the
median and 95th-percentile time per request and the SQL queries per request.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

import warnings

import django

warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

PAGES = [
    ("home", "/"),
    ("institution list", "/institutions/"),
    ("institution list, filtered", "/institutions/?kind=elderly_care&fire_risk_level=high"),
    ("institution list, search", "/institutions/?q=敬老院"),
    ("institution detail", None),
    ("township list", "/institutions/townships/"),
    ("hazard ledger", "/inspections/hazards/"),
    ("inspections to do", "/inspections/"),
    ("duty", "/duty/"),
    ("relief people", "/relief/people/"),
]


def seed(extra):
    from institutions.models import Institution, Township

    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    townships = list(Township.objects.all())
    template = Institution.objects.get(name="羊册镇敬老院")
    rows = []
    for n in range(extra):
        rows.append(
            Institution(
                **{
                    field.attname: getattr(template, field.attname)
                    for field in Institution._meta.concrete_fields
                    if field.attname not in ("id", "name", "credit_code", "township_id")
                },
                name=f"压测养老院{n:05d}",
                township=townships[n % len(townships)],
            )
        )
    Institution.objects.bulk_create(rows, batch_size=1000)


def measure(client, url, requests):
    timings, queries = [], 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(captured)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--institutions", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        seed(args.institutions)
        from institutions.models import Institution, User

        detail = Institution.objects.get(name="羊册镇敬老院").get_absolute_url()
        print(
            f"{connection.vendor}, {Institution.objects.count()} institutions, "
            f"{args.requests} requests per page"
        )
        print(f"{'user':8} {'page':30} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for username in ("officer", "town1"):
            client = Client()
            client.force_login(User.objects.get(username=username))
            for name, url in PAGES:
                median, p95, queries = measure(client, url or detail, args.requests)
                print(f"{username:8} {name:30} {median:10.1f} {p95:8.1f} {queries:8d}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
