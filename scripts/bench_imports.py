"""Time importing people and institutions from .xlsx, on a throwaway database.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME \\
       .venv/bin/python scripts/bench_imports.py [--people 10000] [--institutions 2000]
Seeds the demo county in test_NAME, writes workbooks of N people (each with two categories,
spread over the county's townships by name and by code) and N institutions, and imports each
twice as the bureau officer: the first creates every row, the second must create nothing.
Prints seconds per phase (read, check and write) and SQL queries, and for people the
floor measured in the same run: reading the file and one bulk insert without any check.

With --through-worker, the people are also uploaded through the pages as the officer
(upload, the check task, confirm, the import task), for a Celery worker that consumes the
bulk queue of the same database and Redis, started beside it, e.g.:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_NAME REDIS_URL=redis://127.0.0.1:6379/13 \
  .venv/bin/celery -A config worker -Q bulk --concurrency=1
"""

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOCAL_RUN", "true")  # a benchmark on this computer
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import translation  # noqa: E402
from openpyxl import Workbook  # noqa: E402


def credit_code(n):
    from institutions.validators import credit_code_check_character

    first17 = f"52411726{n:09d}"
    return first17 + credit_code_check_character(first17)


def id_number(n):
    from relief.validators import check_character

    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=n // 500)
    first17 = f"411726{born:%Y%m%d}{n % 500 * 2:03d}"
    return first17 + check_character(first17)


def workbook(kind, rows):
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([label for label, _accepted in kind.headers()])
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def people_rows(count, townships):
    for n in range(count):
        township = townships[n % len(townships)]
        yield [
            f"测试{n}",
            id_number(n),
            township.name if n % 2 else township.code,
            "古城村",
            f"古城村{n}号",
            "13803960002",
            "0",
            "特困、孤寡/独居老人",
            datetime.date(2024, 1, 1),
            "",
        ]


def institution_rows(count, townships):
    for n in range(count):
        yield [
            f"压测敬老院{n}",
            "养老机构",
            "公办",
            townships[n % len(townships)].name,
            credit_code(900_000 + n),
            "",
            "测试路1号",
            "张建国",
            "13803960001",
            "李明",
            "0396-7921234",
            100,
            80,
            20,
            "泌阳县人民医院",
            "二级医院",
            "",
            "否",
            "",
        ]


def timed_import(kind, user, data):
    from imports.reader import read_workbook
    from imports.services import run_import

    started = time.perf_counter()
    sheet = read_workbook(io.BytesIO(data), kind.headers())
    read = time.perf_counter() - started
    with CaptureQueriesContext(connection) as queries:
        checked, outcome = run_import(kind=kind, user=user, rows=sheet.rows)
    total = time.perf_counter() - started
    return read, total, len(queries.captured_queries), outcome, len(checked.errors)


def floor_people(data, townships):
    """The floor of a people import: read the same file with openpyxl and bulk-insert its
    people (no checks, no categories, no duplicate lookups), rolled back afterwards."""
    from django.db import transaction
    from openpyxl import load_workbook

    from relief.models import Person
    from relief.validators import birth_date_of, sex_of

    by_name = {t.name: t for t in townships} | {t.code: t for t in townships}
    started = time.perf_counter()
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    read = time.perf_counter() - started
    people = []
    for name, number, township, village, address, *_rest in rows:
        people.append(
            Person(
                name=name,
                id_number=number,
                township=by_name[str(township)],
                village=village,
                address=address,
                birth_date=birth_date_of(number),
                sex=sex_of(number),
            )
        )
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=1000)
        transaction.set_rollback(True)
    return read, time.perf_counter() - started


def through_worker(officer, data, count):
    """Upload, wait for the check, confirm, wait for the import: the user's path."""
    from django.test import Client
    from django.urls import reverse

    from imports import progress

    client = Client()
    client.force_login(officer)
    started = time.perf_counter()
    upload = io.BytesIO(data)
    upload.name = "people.xlsx"
    response = client.post(reverse("imports:upload", args=["people"]), {"file": upload})
    token = response.url.rstrip("/").split("/")[-2]
    uploaded = time.perf_counter() - started
    state = wait_for(token, "checked")
    checked = time.perf_counter() - started
    client.post(reverse("imports:confirm", args=["people", token]), {"mode": "all"})
    state = wait_for(token, "done")
    total = time.perf_counter() - started
    print(
        f"  through the pages and a worker: {total:6.2f} s (upload {uploaded:.2f} s, "
        f"checked at {checked:.2f} s), created {state.get('created', 0):,} of {count:,}"
    )
    progress.kept_path(token).unlink(missing_ok=True)


def wait_for(token, wanted, limit=300):
    from imports import progress

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        state = progress.get(token) or {}
        if state.get("state") in (wanted, "failed"):
            return state
        time.sleep(0.2)
    raise SystemExit(f"no {wanted} after {limit} s: is a worker consuming the bulk queue?")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--institutions", type=int, default=2_000)
    parser.add_argument("--through-worker", action="store_true")
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from imports.services import KINDS
        from institutions.models import Role, Township, User

        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", stdout=quiet)
        officer = User.objects.filter(role=Role.BUREAU_OFFICER, is_active=True).first()
        townships = list(Township.objects.all())
        with translation.override("zh-hans"):
            # Before the import (after it, the same people would already be there).
            read, total = floor_people(
                workbook(KINDS["people"], people_rows(args.people, townships)), townships
            )
            floor = (
                f"  floor : {total:6.2f} s (read {read:5.2f} s): openpyxl read-only and one "
                "bulk insert of the people, no checks; target for the import: under 30 s"
            )
            for slug, count, rows in (
                ("people", args.people, people_rows),
                ("institutions", args.institutions, institution_rows),
            ):
                kind = KINDS[slug]
                data = workbook(kind, rows(count, townships))
                print(f"{slug}: {count:,} rows, {len(data) / 1024:.0f} KB")
                for attempt in ("first", "again"):
                    read, total, queries, outcome, errors = timed_import(kind, officer, data)
                    print(
                        f"  {attempt:6}: {total:6.2f} s (read {read:5.2f} s), "
                        f"{queries} queries, created {outcome.created:,}, "
                        f"already there {outcome.existing:,}, errors {errors}"
                    )
                if slug == "people":
                    print(floor)
            if args.through_worker:
                from relief.models import Person

                Person.objects.filter(name__startswith="测试").delete()
                data = workbook(KINDS["people"], people_rows(args.people, townships))
                through_worker(officer, data, args.people)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
