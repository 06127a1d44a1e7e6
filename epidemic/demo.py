"""Demo epidemic reports: the last eight weeks for every care home, with testing twice a
week, coverage rising from about 70% towards 90% (a few homes lag below the threshold),
a few positive weeks whose follow-ups the townships have closed, and last week a positive
at 羊册镇敬老院 whose follow-up is still open for `town1`. This week about half the homes
have filed; 羊册镇敬老院 is left for `inst1` to file."""

import datetime
import random

from django.utils import timezone

from epidemic import services
from epidemic.models import FollowUp, FollowUpStatus, WeeklyReport, this_week
from institutions.demo import DEMO_INSTITUTION
from institutions.models import Role, User

WEEKS = 8
LAGGING_SHARE = 0.2  # homes whose coverage stays below the threshold


def _filers():
    clerks, staff, officer = {}, {}, None
    for user in User.objects.filter(is_active=True).order_by("pk"):
        if user.role == Role.TOWNSHIP_STAFF:
            clerks.setdefault(user.township_id, user)
        elif user.role == Role.INSTITUTION_STAFF:
            staff.setdefault(user.institution_id, user)
        elif user.role == Role.BUREAU_OFFICER and officer is None:
            officer = user
    return clerks, staff, officer


def _at(day, hour):
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, 0)), timezone.get_default_timezone()
    )


def _figures(rng, residents, n, lagging):
    """Week n of WEEKS (0 = oldest): a home's counts, consistent with the form's rules."""
    start = rng.uniform(0.55, 0.7) if lagging else rng.uniform(0.65, 0.8)
    gain = 0.01 if lagging else 0.025
    vaccinated = min(residents, round(residents * (start + gain * n)))
    tested = round(residents * rng.uniform(0.85, 1.0))
    return {
        "residents": residents,
        "residents_tested": tested,
        "staff_tested": rng.randint(8, 25),
        "doses_given": rng.randint(0, max(1, residents // 15)),
        "residents_vaccinated": vaccinated,
        "antigen_kits_received": residents * 2,
        "antigen_kits_given": residents * 2 - rng.randint(0, 10),
    }


def seed_reports():
    if WeeklyReport.objects.exists():
        return 0
    clerks, staff, officer = _filers()
    current = this_week()
    first = current - datetime.timedelta(weeks=WEEKS - 1)
    institutions = list(services.reporting_institutions().select_related("township"))
    created = 0
    for institution in institutions:
        rng = random.Random(f"epidemic:{institution.name}")
        filer = staff.get(institution.pk) or clerks.get(institution.township_id) or officer
        if filer is None or not institution.residents:
            continue
        lagging = rng.random() < LAGGING_SHARE
        is_demo_home = institution.name == DEMO_INSTITUTION
        for n in range(WEEKS):
            week = first + datetime.timedelta(weeks=n)
            if week == current and (is_demo_home or rng.random() < 0.5):
                continue  # this week: about half have filed, inst1's home has not
            values = _figures(rng, institution.residents, n, lagging)
            positive = (is_demo_home and week == current - datetime.timedelta(weeks=1)) or (
                not is_demo_home and week < current and rng.random() < 0.06
            )
            if positive:
                values["residents_positive"] = rng.randint(1, 3)
                values["staff_positive"] = rng.randint(0, 1)
                values["sent_to_hospital"] = 1
                values["referred_80_plus"] = 1
                values["hospital"] = institution.designated_hospital or "泌阳县人民医院"
                values["notes"] = "阳性老人已单独隔离，一名80岁以上老人转诊至县人民医院。"
            submitted_at = min(_at(week + datetime.timedelta(days=4), 10), timezone.now())
            report = WeeklyReport(
                institution=institution,
                week=week,
                submitted_by=filer,
                submitted_at=submitted_at,
                updated_by=filer,
                **values,
            )
            report.save()
            created += 1
            follow_up = services.open_follow_up(report, submitted_at)
            if follow_up is not None and not is_demo_home:
                # Earlier positives were handled: the township closed them with a note.
                follow_up.status = FollowUpStatus.CLOSED
                follow_up.closed_at = submitted_at + datetime.timedelta(days=2)
                follow_up.closed_by = clerks.get(institution.township_id) or officer
                follow_up.closing_note = "乡镇已上门核查：阳性人员隔离到位，每日抗原检测，无新增。"
                follow_up.save()
    return created


def seed(*, password, stdout):
    created = seed_reports()
    stdout.write(
        f"epidemic: {WeeklyReport.objects.count()} weekly reports ({created} new), "
        f"{FollowUp.objects.open().count()} open follow-up(s)"
    )
