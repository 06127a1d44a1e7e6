"""Demo inspections: the standard checklists, a festival sweep and a weekly epidemic
report for the county, and a few submitted inspections whose hazards are at every stage.
羊册镇敬老院's festival sweep is left for town1 to fill in. Two hazards found by hand
some days ago are long overdue and under the bureau's supervision (挂牌督办): one the
officer supervises, one waiting for an officer.

The three levels (自查 → 排查 → 督导检查) of the festival season: the institutions of the
sweep's demo failures did their self-inspection with the same checklist the day before it
was due, passing items the township then failed (自查不实); two of them also had the
bureau's supervisory inspection. 羊册镇敬老院's self-inspection is left for inst1."""

import datetime
import io
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from inspections import services
from inspections.campaigns import fan_out_campaign
from inspections.models import (
    AnswerType,
    Campaign,
    Category,
    ChecklistTemplate,
    EventKind,
    Hazard,
    HazardStatus,
    Inspection,
    Level,
    Recurrence,
    Severity,
)
from inspections.seeding import seed_checklists
from institutions.demo import DEMO_INSTITUTION
from institutions.models import Institution, InstitutionKind, User

FESTIVAL = "2027年春节元宵节消防安全排查"
SELF_CHECK = "2027年春节元宵节消防安全自查"
SUPERVISION = "2027年春节元宵节消防安全督导检查"
EPIDEMIC = "养老机构疫情防控周报（冬春）"
# Demo failures: (institution, item keys that fail)
DEMO_FAILURES = {
    "马谷田镇敬老院": ["no-sandwich-panels", "extinguishers", "night-patrols"],
    "泰山庙镇敬老院": ["no-sandwich-panels", "exits-unlocked"],
    "泌阳县夕阳红老年公寓": [
        "power-strips-care-equipment",
        "drill-recent",
        "evacuation-routes-clear",
    ],
    "春水镇敬老院": ["exit-signs-lighting"],
}


# Hazards found by hand and left overdue, so the supervision scan has something to place:
# (institution, category, description, days since found, days late, officer takes it over)
OVERDUE_DEMO_HAZARDS = [
    ("羊册镇敬老院", Category.GAS, "厨房燃气泄漏报警器失灵，未与切断阀联动。", 12, 5, True),
    ("马谷田镇敬老院", Category.EVACUATION, "二楼疏散通道堆放被褥杂物，宽度不足。", 10, 4, False),
]


# The three levels: what each institution's self-inspection failed itself (the other items
# it passed), and what the bureau's supervisory inspection failed. With DEMO_FAILURES (the
# township's sweep): 马谷田镇敬老院 passed two items the township failed and one the bureau
# failed, 泰山庙镇敬老院 two (one failed by both), 泌阳县夕阳红老年公寓 three; 春水镇敬老院
# failed its own item and is credible.
SELF_CHECK_FAILURES = {
    "马谷田镇敬老院": ["night-patrols"],
    "泰山庙镇敬老院": [],
    "泌阳县夕阳红老年公寓": [],
    "春水镇敬老院": ["exit-signs-lighting"],
}
SUPERVISION_FAILURES = {
    "马谷田镇敬老院": ["exits-unlocked"],
    "泰山庙镇敬老院": ["no-sandwich-panels"],
}


def _photo(name):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 60, 40)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name=f"{name}.jpg")


def seed_campaigns(today):
    festival, _ = Campaign.objects.update_or_create(
        name=FESTIVAL,
        defaults={
            "template": ChecklistTemplate.objects.get(code="festival-fire-sweep"),
            "level": Level.TOWNSHIP,
            "institution_kinds": [
                InstitutionKind.ELDERLY_CARE,
                InstitutionKind.CHILD_WELFARE,
                InstitutionKind.SOCIAL_WELFARE,
                InstitutionKind.RESCUE_STATION,
            ],
            "starts_on": today - datetime.timedelta(days=3),
            "ends_on": today + datetime.timedelta(days=30),
            "due_on": today + datetime.timedelta(days=5),
            "recurrence": Recurrence.ONCE,
        },
    )
    epidemic, _ = Campaign.objects.update_or_create(
        name=EPIDEMIC,
        defaults={
            "template": ChecklistTemplate.objects.get(code="weekly-epidemic-report"),
            "level": Level.SELF,
            "institution_kinds": [InstitutionKind.ELDERLY_CARE],
            "starts_on": today - datetime.timedelta(days=7),
            "ends_on": today + datetime.timedelta(days=90),
            "recurrence": Recurrence.TWICE_WEEKLY,
        },
    )
    return festival, epidemic


def _answer_all(inspection, failing_keys, user):
    for section in inspection.version.sections.prefetch_related("items"):
        for item in section.items.all():
            if not item.applies_to(inspection.institution):
                continue
            fails = item.key in failing_keys
            value, photo = _demo_value(item, fails)
            if item.answer_type == AnswerType.PHOTO or (fails and item.photo_required_on_failure):
                photo = _photo(item.key)
            services.save_answer(
                inspection=inspection,
                item=item,
                user=user,
                value=value,
                note="检查发现问题，已当场告知负责人。" if fails else "",
                photo=photo,
            )


def _demo_value(item, fails):
    if item.answer_type == AnswerType.PASS_FAIL:
        return ("fail" if fails else "pass"), None
    if item.answer_type == AnswerType.YES_NO:
        failing = item.failing_yes_no or "no"
        passing = "yes" if failing == "no" else "no"
        return (failing if fails else passing), None
    if item.answer_type == AnswerType.NUMBER:
        return ("0" if fails else "2"), None
    if item.answer_type == AnswerType.CHOICE:
        return item.choices[0], None
    if item.answer_type == AnswerType.TEXT:
        return "泌阳县人民医院", None
    return "", None


def seed_submitted_inspections(festival, officer, township_staff):
    hazards = []
    for name, failing in DEMO_FAILURES.items():
        inspection = Inspection.objects.select_related("institution").get(
            campaign=festival, institution__name=name
        )
        if inspection.is_submitted:
            continue
        user = township_staff.get(inspection.institution.township_id, officer)
        _answer_all(inspection, failing, user)
        services.submit_inspection(
            inspection=inspection,
            user=user,
            inspector_name=user.display_name,
            person_present="机构安全负责人",
        )
        hazards.extend(inspection.hazards.select_related("institution"))
    return hazards


def move_hazards_along(hazards, officer, township_staff):
    """One hazard of each later state, so the ledger shows a whole life."""
    general = [
        h
        for h in hazards
        if h.severity == "general"
        and h.status == HazardStatus.OPEN
        and h.institution.township_id in township_staff
    ]
    major = [h for h in hazards if h.severity == "major" and h.status == HazardStatus.OPEN]
    if major:
        rectifier = township_staff.get(major[0].institution.township_id, officer)
        services.start_rectification(
            hazard=major[0],
            user=rectifier,
            interim_measures="彩钢板房已停止住人，设专人看守，配足灭火器。",
        )
    for index, hazard in enumerate(general[:3]):
        rectifier = township_staff[hazard.institution.township_id]
        services.submit_rectification(
            hazard=hazard,
            user=rectifier,
            note="已整改完毕，附整改后照片。",
            photos=[_photo(f"after-{hazard.pk}")],
        )
        if index == 0:
            services.verify_hazard(hazard=hazard, user=officer, note="现场复核，整改到位。")
        elif index == 1:
            services.reject_rectification(
                hazard=hazard, user=officer, reason="照片不清晰，请补充近景照片。"
            )


def seed_supervision(today, officer):
    """Overdue hazards placed under supervision by the scan itself, as beat would."""
    supervised = []
    for name, category, description, found_days, late_days, take_over in OVERDUE_DEMO_HAZARDS:
        institution = Institution.objects.filter(name=name).first()
        if institution is None:
            continue
        hazard = services.raise_hazard(
            institution=institution,
            user=officer,  # found on the bureau's supervisory visit
            category=category,
            severity=Severity.GENERAL,
            description=description,
            deadline=today,
            token=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-overdue-hazard:{name}"),
        )
        if hazard.supervised_at is None and hazard.status != HazardStatus.CLOSED:
            # Found some days ago and left undone: the kind of hazard the bureau steps in on.
            found_at = timezone.now() - datetime.timedelta(days=found_days)
            Hazard.objects.filter(pk=hazard.pk).update(
                found_at=found_at, deadline=today - datetime.timedelta(days=late_days)
            )
            hazard.events.filter(kind=EventKind.RAISED).update(at=found_at)
        supervised.append((hazard, take_over))
    services.place_under_supervision(today=today)
    for hazard, take_over in supervised:
        hazard.refresh_from_db()
        if take_over and hazard.is_supervised and hazard.supervised_by_id is None:
            services.take_over_supervision(hazard=hazard, user=officer)


def seed_levels(festival, today, officer, township_staff, institution_staff):
    """The self-inspection and supervisory campaigns of the festival season, with the
    same checklist as the sweep, and their inspections submitted as planned above."""
    plans = (
        (SELF_CHECK, Level.SELF, SELF_CHECK_FAILURES, today - datetime.timedelta(days=1)),
        (SUPERVISION, Level.SUPERVISORY, SUPERVISION_FAILURES, today),
    )
    created = 0
    for name, level, failures, due_on in plans:
        campaign, _ = Campaign.objects.update_or_create(
            name=name,
            defaults={
                "template": festival.template,
                "level": level,
                "starts_on": festival.starts_on,
                "ends_on": festival.ends_on,
                "due_on": due_on,
                "recurrence": Recurrence.ONCE,
            },
        )
        picked = list(Institution.objects.filter(name__in=failures))
        if level == Level.SELF:
            # inst1's institution fills its own in.
            picked += list(Institution.objects.filter(name=DEMO_INSTITUTION))
        campaign.institutions.set(picked)
        created += fan_out_campaign(campaign, today=today)
        for name_, failing in failures.items():
            inspection = (
                Inspection.objects.select_related("institution")
                .filter(campaign=campaign, institution__name=name_)
                .first()
            )
            if inspection is None or inspection.is_submitted:
                continue
            if level == Level.SUPERVISORY:
                user = officer
            else:
                user = institution_staff.get(
                    inspection.institution_id,
                    township_staff.get(inspection.institution.township_id, officer),
                )
            _answer_all(inspection, failing, user)
            services.submit_inspection(
                inspection=inspection,
                user=user,
                inspector_name=user.display_name,
                person_present="机构安全负责人",
            )
    return created


def seed(*, password, stdout):
    today = timezone.localdate()
    seed_checklists()
    festival, epidemic = seed_campaigns(today)
    created = fan_out_campaign(festival, today=today) + fan_out_campaign(epidemic, today=today)
    officer = User.objects.get(username="officer")
    township_staff = {u.township_id: u for u in User.objects.filter(role="township_staff")}
    # Demo failures live in institutions that exist in the demo county only.
    if Institution.objects.filter(name__in=DEMO_FAILURES).count() == len(DEMO_FAILURES):
        hazards = seed_submitted_inspections(festival, officer, township_staff)
        move_hazards_along(hazards, officer, township_staff)
        institution_staff = {
            u.institution_id: u for u in User.objects.filter(role="institution_staff")
        }
        created += seed_levels(festival, today, officer, township_staff, institution_staff)
    seed_supervision(today, officer)
    stdout.write(
        f"inspections: {Inspection.objects.count()} inspections ({created} new), "
        f"{Hazard.objects.count()} hazards ({Hazard.objects.supervised().count()} supervised)"
    )
