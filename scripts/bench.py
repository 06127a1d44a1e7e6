"""Time every page, and the Celery scans, at two sizes of county: does cost follow the page?

Usage: .venv/bin/python scripts/bench.py [--sizes 1,10] [--huge] [--requests R]
                                          [--keep] [--databases 1=NAME,10=NAME]

For each size (1× = 2,000 institutions, 20,000 hazards, 10,000 inspections, 11,000
shifts, 10,000 people and the rest in proportion: see scripts/bench_data.py; 10× is ten
times that; --huge adds 100×) it builds a fresh throwaway database (the test database of
DATABASE_URL with the size in its name) with bulk inserts, then at each size:

1. times the notification scan (notifications.rules.run) twice at one moment: rows per
   second (hazards + shifts + incidents over seconds) and SQL queries of the cold and of
   the steady run;
2. times fan_out_campaigns cold (inspections created per second) and again (queries);
3. requests every list and detail page as the bureau officer, a township clerk (town1) and
   an institution's staff (inst1), in-process with Django's test client: one warm-up, then
   R requests, recording the median and 95th-percentile milliseconds, the SQL queries of a
   request and the HTML size. A trivial logged-in page (password changed) is the floor.

Then it prints one table: each page and role, per size median / p95 / queries / KB, and the
growth (median at the largest size over the median at the smallest). Marks: `T` over the
time target (150 ms at 10×, 300 ms at 100×), `G` growth over 1.5×, `S` over 300 KB. A
page answering other than 200 is listed after the table and the run exits non-zero.

The pages of the sizes are measured in turn (page by page), so that the rest of the
machine's load weighs on each alike. --keep leaves the built databases in place (their
names are printed); --databases 1=NAME,10=NAME measures such kept databases (or ones
bench_data.py built) again without building or running the tasks.
PostgreSQL only.
"""

import argparse
import io
import os
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import django

if __name__ == "__main__":  # as a script; tests import PAGES and page_urls() from here
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOCAL_RUN", "true")  # a benchmark on this computer
    os.environ.setdefault(
        "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from scripts import bench_data

ROLES = ("officer", "town1", "inst1")
ALL = ROLES
BUREAU_AND_TOWN = ("officer", "town1")
BUREAU = ("officer",)
TIME_TARGET_MS = {10: 150, 100: 300}
GROWTH_TARGET = 1.5
SIZE_TARGET_KB = 300


@dataclass(frozen=True)
class Page:
    label: str
    url_name: str
    target: str | None = None  # key into targets(): the object a detail page shows
    query: str = ""
    roles: tuple = ALL


FLOOR = Page("floor: password changed", "password_change_done")
PAGES = [
    FLOOR,
    Page("home", "home"),
    Page("institution list", "institutions:list"),
    Page("institution list, filtered", "institutions:list", query="kind=elderly_care"),
    Page("institution list, search", "institutions:list", query="q=敬老院"),
    Page("institution detail", "institutions:detail", "institution"),
    Page("township list", "institutions:townships"),
    Page("hazard ledger", "inspections:ledger"),
    Page("hazard ledger, open", "inspections:ledger", query="status=open"),
    Page("hazard detail", "inspections:hazard", "hazard"),
    Page("inspections to do", "inspections:index"),
    Page("inspection to fill", "inspections:fill", "draft"),
    Page("inspection result", "inspections:result", "submitted"),
    Page("duty", "duty_roster:index"),
    Page("on duty now", "duty_roster:on_duty"),
    Page("duty posts", "duty_roster:posts"),
    Page("roster of a post", "duty_roster:roster", "post"),
    Page("shift detail", "duty_roster:shift", "shift"),
    Page("leave reports", "duty_roster:leave"),
    Page("incidents", "duty_roster:incidents"),
    Page("incident detail", "duty_roster:incident", "incident"),
    Page("relief home", "relief:index", roles=BUREAU_AND_TOWN),
    Page("relief people", "relief:people", roles=BUREAU_AND_TOWN),
    Page("relief people, search", "relief:people", query="q=王", roles=BUREAU_AND_TOWN),
    Page("person detail (visits)", "relief:person", "person", roles=BUREAU_AND_TOWN),
    Page("applications", "relief:applications", roles=BUREAU_AND_TOWN),
    Page("transfers", "relief:transfers", roles=BUREAU_AND_TOWN),
    Page("batches", "relief:batches", roles=BUREAU),
    Page("batch detail", "relief:batch", "batch", roles=BUREAU),
    Page("notifications inbox", "notifications:inbox"),
    Page("campaigns", "inspections:campaigns", roles=BUREAU_AND_TOWN),
    Page("new ad-hoc inspection", "inspections:adhoc_new", roles=BUREAU_AND_TOWN),
    Page("daily reports today", "daily_reports:index"),
    Page(
        "daily reports, a township",
        "daily_reports:township_day",
        "township_today",
        roles=BUREAU_AND_TOWN,
    ),
    Page("daily report summary", "daily_reports:summary", "today", roles=BUREAU_AND_TOWN),
    Page("inspection record, print", "inspections:print_record", "submitted"),
    Page("rectification notice, print", "inspections:hazard_notice", "hazard"),
    Page("roster, print", "duty_roster:roster_print", "post"),
    Page("batch roster, print", "relief:batch_print", "batch", roles=BUREAU),
    Page("dashboard", "dashboards:county", roles=BUREAU_AND_TOWN),
    Page("dashboard, inspections behind", "dashboards:inspections", roles=BUREAU_AND_TOWN),
    Page("preparedness: plans matrix", "preparedness:index"),
    Page("preparedness: plans, gaps", "preparedness:index", query="gaps=1"),
    Page("preparedness: an institution", "preparedness:institution", "institution"),
    Page("preparedness: supplies", "preparedness:supplies"),
    Page("preparedness: drills", "preparedness:drills"),
    Page("preparedness: not drilled", "preparedness:not_drilled"),
    Page("preparedness: responsibility", "preparedness:responsibility"),
    Page("epidemic: county", "epidemic:county", roles=BUREAU_AND_TOWN),
    Page("spot checks", "duty_roster:spot_checks"),
    Page("spot checks by township", "duty_roster:spot_check_summary", roles=BUREAU),
    Page("accountability cases", "accountability:list", roles=BUREAU),
    Page("self-inspections not credible", "inspections:not_credible"),
    Page("relief public notice", "relief:public_notice", roles=BUREAU_AND_TOWN),
    Page("relief children (认定)", "relief:recognitions", roles=BUREAU_AND_TOWN),
    Page("relief monitoring", "relief:monitoring", roles=BUREAU_AND_TOWN),
]


def targets():
    """The objects detail pages show: 羊册镇敬老院's, which all three roles may see."""
    from duty_roster.models import DutyPost, Incident, Shift
    from inspections.models import Hazard, Inspection, InspectionStatus, Level
    from institutions.demo import DEMO_INSTITUTION
    from institutions.models import Institution
    from relief.models import DisbursementBatch, Person

    institution = Institution.objects.get(name=DEMO_INSTITUTION)
    now = timezone.now()
    post = DutyPost.objects.get(institution=institution)
    shift = (
        Shift.objects.filter(post=post, starts_at__lte=now, ends_at__gt=now).first()
        or Shift.objects.filter(post=post).order_by("-starts_at").first()
    )
    # The oldest of each: the same object at every size (the demo's, where it has one).
    inspections = Inspection.objects.filter(institution=institution).order_by("pk")
    found = {
        "institution": institution.pk,
        "hazard": Hazard.objects.filter(institution=institution).order_by("pk").first(),
        "draft": inspections.filter(status=InspectionStatus.DRAFT, level=Level.SELF).first(),
        "submitted": inspections.filter(status=InspectionStatus.SUBMITTED).first(),
        "post": post.pk,
        "shift": shift,
        "incident": Incident.objects.filter(institution=institution).order_by("pk").first(),
        "person": Person.objects.filter(township=institution.township).order_by("pk").first(),
        # The batch with the most lines: a county's whole roster, growing with the county.
        "batch": DisbursementBatch.objects.order_by("-count", "pk").first(),
        "today": timezone.localdate().isoformat(),
        "township_today": (timezone.localdate().isoformat(), institution.township_id),
    }
    return {key: getattr(value, "pk", value) for key, value in found.items()}


def url_for(page, objects):
    target = objects[page.target] if page.target else None
    args = list(target) if isinstance(target, tuple) else [target] if page.target else []
    if page.target and target is None:
        return None
    try:
        url = reverse(page.url_name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{page.query}" if page.query else url


class PageFailed(Exception):
    pass


def page_urls(role):
    """(page, URL) for each page `role` is benchmarked on that exists in this database."""
    objects = targets()
    found = []
    for page in PAGES:
        if role in page.roles:
            found.append((page, url_for(page, objects)))
    return found


def measure(client, url, requests):
    """One warm-up request, then `requests` timed ones."""
    response = client.get(url)
    if response.status_code != 200:
        raise PageFailed(f"{url} answered {response.status_code}")
    timings = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise PageFailed(f"{url} answered {response.status_code}")
    timings.sort()
    p95 = timings[min(len(timings) - 1, max(0, round(len(timings) * 0.95) - 1))]
    return {
        "median": statistics.median(timings),
        "p95": p95,
        "queries": len(captured),
        "kb": len(response.content) / 1024,
    }


def use_database(name):
    """Point the connection at another size's database (and forget the other's cache)."""
    connection.close()
    connection.settings_dict["NAME"] = name
    settings.DATABASES[connection.alias]["NAME"] = name
    cache.clear()


def measure_pages(databases, requests, out, failures):
    """Every page as every role, the sizes taken in turn page by page, so that whatever
    else the machine is doing weighs on every size alike."""
    from institutions.models import User

    objects, clients = {}, {}
    for scale, name in databases.items():
        use_database(name)
        objects[scale] = targets()
        for role in ROLES:
            # A page that fails is reported and the run goes on; main() exits non-zero.
            clients[(role, scale)] = client = Client(raise_request_exception=False)
            client.force_login(User.objects.get(username=role))
    results = {scale: {} for scale in databases}
    for role in ROLES:
        for page in PAGES:
            if role not in page.roles:
                continue
            for scale, name in databases.items():
                url = url_for(page, objects[scale])
                if url is None:
                    out.write(f"  skipped {page.label} at {scale:g}×: no URL or no object\n")
                    continue
                use_database(name)
                try:
                    results[scale][(page.label, role)] = measure(
                        clients[(role, scale)], url, requests
                    )
                except PageFailed as failed:
                    failures.append(f"{page.label} as {role} at {scale:g}×: {failed}")
                    out.write(f"  FAILED {page.label} as {role} at {scale:g}×: {failed}\n")
    return results


def time_scan():
    from duty_roster.models import Incident, Shift
    from inspections.models import Hazard
    from notifications import rules

    rows = Hazard.objects.count() + Shift.objects.count() + Incident.objects.count()
    now = timezone.now()  # both runs see the same moment: the second lands nothing new
    runs = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            created = rules.run(now=now)
            seconds = time.perf_counter() - start
        runs.append((seconds, sum(created.values()), statements_and_copies(captured)))
    return rows, runs


def statements_and_copies(captured):
    """SQL statements, and COPY chunks apart: the scan streams its messages into
    PostgreSQL 50,000 rows a COPY, so those grow with the rows by design."""
    copies = sum(1 for query in captured.captured_queries if query["sql"].startswith("COPY"))
    return f"{len(captured) - copies} statements + {copies} COPY chunks"


def time_fan_out():
    from inspections.models import Inspection
    from inspections.tasks import fan_out_campaigns

    runs = []
    for _ in range(2):
        before = Inspection.objects.count()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fan_out_campaigns()
            seconds = time.perf_counter() - start
        runs.append((seconds, Inspection.objects.count() - before, len(captured)))
    return runs


def describe(scale, out):
    from duty_roster.models import Shift
    from inspections.models import Answer, Hazard, Inspection
    from institutions.models import Institution
    from relief.models import Person

    out.write(
        f"{scale:g}×: {Institution.objects.count():,} institutions, "
        f"{Hazard.objects.count():,} hazards, {Inspection.objects.count():,} inspections "
        f"({Answer.objects.count():,} answers), {Shift.objects.count():,} shifts, "
        f"{Person.objects.count():,} people\n"
    )


def time_tasks(out):
    rows, scans = time_scan()
    for name, (seconds, created, queries) in zip(("cold", "steady"), scans, strict=True):
        out.write(
            f"  notification scan, {name}: {seconds:.2f} s, {rows / seconds:,.0f} rows/s "
            f"over {rows:,} rows, {created:,} messages, {queries}\n"
        )
    fan_out = time_fan_out()
    for name, (seconds, created, queries) in zip(("cold", "steady"), fan_out, strict=True):
        rate = f"{created / seconds:,.0f} inspections/s" if created else "nothing due"
        out.write(
            f"  fan_out_campaigns, {name}: {seconds:.2f} s, {created:,} created ({rate}), "
            f"{queries} queries\n"
        )


def flags(scale, result, growth):
    marks = ""
    target = TIME_TARGET_MS.get(scale)
    if target and result["median"] > target:
        marks += "T"
    if growth is not None and growth > GROWTH_TARGET:
        marks += "G"
    if result["kb"] > SIZE_TARGET_KB:
        marks += "S"
    return marks


def print_table(sizes, results, out):
    head = f"{'page':30} {'role':8}"
    for scale in sizes:
        head += f" | {f'{scale:g}×':>5} {'med':>7} {'p95':>7} {'q':>4} {'KB':>6}"
    head += " | growth  marks"
    out.write(head + "\n" + "-" * len(head) + "\n")
    keys = [key for key in results[sizes[0]] if all(key in results[s] for s in sizes)]
    misses = 0
    for key in keys:
        label, role = key
        first, last = results[sizes[0]][key], results[sizes[-1]][key]
        growth = last["median"] / first["median"] if len(sizes) > 1 else None
        line = f"{label[:30]:30} {role:8}"
        marks = ""
        for scale in sizes:
            r = results[scale][key]
            line += f" | {'':5} {r['median']:7.1f} {r['p95']:7.1f} {r['queries']:4d} {r['kb']:6.1f}"
            marks += flags(scale, r, None)
        if label != FLOOR.label and growth is not None and growth > GROWTH_TARGET:
            marks += "G"
        marks = "".join(sorted(set(marks)))
        misses += bool(marks) and label != FLOOR.label
        line += f" | {growth:5.2f}×  {marks}" if growth is not None else f" |         {marks}"
        out.write(line + "\n")
    out.write(
        f"\n{misses} of {len(keys)} page/role rows miss a target "
        f"(T: median over {TIME_TARGET_MS} ms at that size, G: growth over "
        f"{GROWTH_TARGET}×, S: over {SIZE_TARGET_KB} KB)\n"
    )


def _scale(text):
    return float(text) if "." in text else int(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10", help="scales to build (default: 1,10)")
    parser.add_argument("--huge", action="store_true", help="add 100× (about half an hour)")
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page")
    parser.add_argument(
        "--databases",
        help="measure these kept databases instead of building, e.g. 1=test_b_1x,10=test_b_10x",
    )
    parser.add_argument("--keep", action="store_true", help="keep the built databases")
    args = parser.parse_args()
    sizes = [_scale(s) for s in args.sizes.split(",") if s]
    if args.huge and 100 not in sizes:
        sizes.append(100)
    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark needs PostgreSQL: set DATABASE_URL")
    out = sys.stdout
    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    base_name = connection.settings_dict["NAME"]
    out.write(
        f"PostgreSQL {connection.cursor().connection.info.server_version}, "
        f"{os.cpu_count()} cores, {args.requests} requests per page, {timezone.now():%Y-%m-%d}\n"
    )
    databases, built, failures = {}, [], []
    try:
        if args.databases:
            # Built earlier (bench.py --keep, bench_data.py): pages only, the tasks ran then.
            for pair in args.databases.split(","):
                scale, name = pair.split("=")
                databases[_scale(scale)] = name
                use_database(name)
                describe(_scale(scale), out)
        for scale in [] if args.databases else sizes:
            connection.settings_dict["TEST"]["NAME"] = f"test_{base_name}_{scale:g}x".replace(
                ".", "_"
            )
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            databases[scale] = connection.settings_dict["NAME"]
            built.append(databases[scale])
            start = time.perf_counter()
            bench_data.build(scale, stdout=io.StringIO())
            out.write(f"{scale:g}×: built in {time.perf_counter() - start:.0f} s\n")
            describe(scale, out)
            time_tasks(out)
            # The fan-out just added a campaign's inspections (63,000 at 10×); autovacuum's
            # ANALYZE follows such an insert within a minute or so, and the pages are timed in
            # that steady state, not in the minute when the planner still counts the old rows.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        results = measure_pages(databases, args.requests, out, failures)
    finally:
        for name in built:
            if args.keep:
                out.write(f"kept database {name}\n")
            else:
                use_database(name)
                connection.creation.destroy_test_db(base_name, verbosity=0)
        use_database(base_name)
    sizes = list(databases)
    out.write("\n")
    print_table(sizes, results, out)
    if failures:
        out.write("\nFAILED (not 200):\n" + "".join(f"  {f}\n" for f in failures))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
