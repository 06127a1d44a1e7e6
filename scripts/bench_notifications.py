"""Time a full notification scan over a county's years of data, on a throwaway database.

Usage: .venv/bin/python scripts/bench_notifications.py [--hazards N] [--shifts N] [--incidents N]
Seeds the demo county, then adds N hazards (a third overdue, a tenth major, some due
within three days), N shifts with their people (some under way with someone absent)
and N incidents (some unacknowledged), and runs every rule twice: the first scan lands
what is due, the second must land nothing. Prints rows scanned per second, messages
landed, and SQL queries per scan (Django's; the landing's own array statements are not
counted). Both scans see the same moment, so the second must land nothing.
"""

import argparse
import datetime
import os
import random
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
from django.utils import timezone  # noqa: E402


def seed(hazards, shifts, incidents):
    from duty_roster.models import Attendance, AttendanceRole, DutyPost, Incident, Shift
    from inspections.models import Hazard
    from institutions.models import Institution, Role, User

    rng = random.Random(2027)  # noqa: S311 - benchmark data, not secrets
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    today = timezone.localdate()
    now = timezone.now()
    institutions = list(Institution.objects.values_list("pk", flat=True))
    finder = User.objects.filter(role=Role.TOWNSHIP_STAFF).first()
    Hazard.objects.bulk_create(
        (
            Hazard(
                institution_id=rng.choice(institutions),
                category="fire",
                severity="major" if n % 10 == 0 else "general",
                description=f"压测隐患{n}",
                responsible_person="李秀英",
                responsible_phone="13903960002",
                deadline=today + datetime.timedelta(days=rng.randint(-30, 30)),
                status=rng.choice(["open", "rectifying", "submitted", "closed"]),
                found_by=finder,
            )
            for n in range(hazards)
        ),
        batch_size=2000,
    )
    posts = list(DutyPost.objects.values_list("pk", flat=True))
    people = list(User.objects.filter(is_active=True).values_list("pk", flat=True))
    # Years of history: back-to-back 24-hour shifts per post, ending where the demo's
    # current roster begins (the scan must not slow down as they pile up).
    first = dict(
        Shift.objects.values("post_id")
        .annotate(first=django.db.models.Min("starts_at"))
        .values_list("post_id", "first")
    )
    per_post = max(1, shifts // len(posts))
    rows = []
    for post in posts:
        end = first.get(post, now)
        for n in range(per_post):
            start = end - datetime.timedelta(days=per_post - n)
            rows.append(
                Shift(
                    post_id=post,
                    starts_at=start,
                    ends_at=start + datetime.timedelta(hours=24),
                    leader_id=rng.choice(people),
                )
            )
    Shift.objects.bulk_create(rows, batch_size=2000)
    attendance = []
    for shift in Shift.objects.filter(attendances__isnull=True).only(
        "pk", "leader_id", "starts_at"
    ):
        checked = shift.starts_at if rng.random() < 0.9 else None
        missed = None if checked else shift.starts_at + datetime.timedelta(minutes=15)
        attendance.append(
            Attendance(
                shift=shift,
                person_id=shift.leader_id,
                role=AttendanceRole.LEADER,
                checked_in_at=checked,
                missed_at=missed,
            )
        )
    Attendance.objects.bulk_create(attendance, batch_size=2000, ignore_conflicts=True)
    townships = list(Institution.objects.values_list("township_id", flat=True).distinct())

    def incident_times():
        reported = now - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        return reported - datetime.timedelta(minutes=rng.randint(5, 90)), reported

    times = [incident_times() for _ in range(incidents)]
    Incident.objects.bulk_create(
        (
            Incident(
                occurred_at=times[n][0],
                reported_at=times[n][1],
                township_id=rng.choice(townships),
                place="压测地点",
                category="fire",
                severity=rng.choice(["ordinary", "serious"]),
                summary="压测",
                actions_taken="压测",
                who_was_told="压测",
                reported_by=finder,
                acknowledged_at=None if n % 5 == 0 else now,
            )
            for n in range(incidents)
        ),
        batch_size=2000,
    )
    return Hazard.objects.count(), Shift.objects.count(), Incident.objects.count()


def scan(now):
    from notifications import rules

    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        created = rules.run(now=now)
        seconds = time.perf_counter() - start
    # COPY chunks (50,000 messages each) apart from the statements: they grow with the rows.
    copies = sum(1 for query in captured.captured_queries if query["sql"].startswith("COPY"))
    return seconds, sum(created.values()), len(captured) - copies, copies


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--shifts", type=int, default=20_000)
    parser.add_argument("--incidents", type=int, default=10_000)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        hazards, shifts, incidents = seed(args.hazards, args.shifts, args.incidents)
        rows = hazards + shifts + incidents
        print(f"{connection.vendor}: {hazards} hazards, {shifts} shifts, {incidents} incidents")
        print(
            f"{'scan':8} {'seconds':>8} {'rows/s':>9} {'landed':>8} {'statements':>10} {'COPYs':>6}"
        )
        now = timezone.now()  # both scans see the same moment: the second must land nothing
        for name in ("first", "second"):
            seconds, created, queries, copies = scan(now)
            print(
                f"{name:8} {seconds:8.2f} {rows / seconds:9.0f} {created:8d} {queries:10d} {copies:6d}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
