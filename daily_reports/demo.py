"""Demo daily reports: a festival period around today; yesterday nearly everyone filed (some
late, many 零报告), today about half have, and 羊册镇's centre and 羊册镇敬老院 are left for
`town1` and `inst1` to file."""

import datetime
import random

from django.utils import timezone

from daily_reports.models import DailyReport, ReportingPeriod
from daily_reports.services import expected_institutions
from institutions.demo import DEMO_INSTITUTION, DEMO_TOWNSHIPS
from institutions.models import Role, Township, User

PERIOD_NAME = "春节元宵节期间安全日报（演示）"


def _at(day, hour, minute):
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, minute)),
        timezone.get_default_timezone(),
    )


def seed_period(today):
    period = ReportingPeriod.objects.filter(name=PERIOD_NAME).first()
    if period is None:
        if ReportingPeriod.objects.covering(today).exists():
            return None  # someone set up a real period over today: leave it alone
        period = ReportingPeriod.objects.create(
            name=PERIOD_NAME,
            start_date=today - datetime.timedelta(days=7),
            end_date=today + datetime.timedelta(days=7),
            created_by=User.objects.filter(username="officer").first(),
        )
    return period


def seed_reports(period, today):
    if period.reports.exists():
        return 0
    rng = random.Random(2027)
    clerks, staff = {}, {}
    for user in User.objects.filter(is_active=True).order_by("pk"):
        if user.role == Role.TOWNSHIP_STAFF:
            clerks.setdefault(user.township_id, user)
        elif user.role == Role.INSTITUTION_STAFF:
            staff.setdefault(user.institution_id, user)
    units = [(township, None) for township in Township.objects.order_by("code")]
    units += [
        (institution.township, institution)
        for institution in expected_institutions(period).select_related("township")
    ]
    reports = []
    for day, share_filed in ((today - datetime.timedelta(days=1), 0.9), (today, 0.5)):
        for township, institution in units:
            left_for_demo = day == today and (
                (institution is None and township.name == DEMO_TOWNSHIPS["town1"])
                or (institution is not None and institution.name == DEMO_INSTITUTION)
            )
            filer = clerks.get(township.pk)
            if institution is not None:
                filer = staff.get(institution.pk, filer)
            if left_for_demo or filer is None or rng.random() > share_filed:
                continue
            late = day < today and rng.random() < 0.15
            submitted_at = _at(day, 17, 30) if late else _at(day, rng.randint(8, 15), 5)
            if submitted_at > timezone.now():
                continue
            report = DailyReport(
                period=period,
                day=day,
                township=township,
                institution=institution,
                submitted_by=filer,
                submitted_at=submitted_at,
            )
            if rng.random() < 0.6:
                report.is_zero = True
            else:
                report.safety_situation = "消防设施完好，疏散通道畅通。"
                report.hazards_found = rng.randint(0, 3)
                report.hazards_fixed = rng.randint(0, report.hazards_found)
                report.fever_cases = rng.randint(0, 2)
                report.sent_to_hospital = rng.randint(0, 1)
                if rng.random() < 0.1:
                    report.incidents = 1
                    report.incident_notes = "一名老人夜间摔倒，已送医检查，无大碍。"
                if rng.random() < 0.1:
                    report.for_the_bureau = "抗原检测试剂余量不足，请协调补充。"
            reports.append(report)
    for report in reports:
        report.save()
    return len(reports)


def seed(*, password, stdout):
    today = timezone.localdate()
    period = seed_period(today)
    if period is None:
        stdout.write("daily_reports: a reporting period already covers today; nothing seeded")
        return
    created = seed_reports(period, today)
    stdout.write(
        f"daily_reports: period {period.start_date}～{period.end_date}, "
        f"{DailyReport.objects.filter(period=period).count()} reports ({created} new)"
    )
