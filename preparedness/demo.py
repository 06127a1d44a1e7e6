"""Demo preparedness for every active institution: plans (most current, some overdue or
missing), emergency supplies (some low or expiring), antigen kits received and given out
last week and this week at the homes where people live (what their epidemic reports start
from), drills (some institutions without one this season) and this year's responsible
officials (some without the signed letter).
Invented names and numbers; deterministic per institution, so a second run changes nothing.
"""

import datetime
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from institutions.models import RESIDENTIAL_KINDS, Institution, Role, User
from preparedness import services
from preparedness.models import (
    Drill,
    DrillKind,
    MovementKind,
    Plan,
    PlanKind,
    Responsibility,
    Supply,
    SupplyKind,
    SupplyMovement,
    required_plan_kinds,
)

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PLAN_TITLES = {
    PlanKind.FIRE: "消防安全应急疏散预案",
    PlanKind.INFECTION: "感染应急处置预案",
    PlanKind.ONE_POLICY: "一院一策医疗救治保障方案",
    PlanKind.WINTER: "冬季极端天气应对预案",
}
SUPPLIES = [
    # kind, description, quantity, unit, minimum, location
    (SupplyKind.EXTINGUISHER, "4kg干粉灭火器", 24, "具", 20, "各楼层走廊"),
    (SupplyKind.EMERGENCY_LIGHT, "应急照明灯", 18, "盏", 16, "疏散通道"),
    (SupplyKind.ANTIGEN_KITS, "新冠抗原检测试剂", 200, "人份", 160, "医务室"),
    (SupplyKind.MASKS, "N95口罩", 600, "个", 300, "一楼库房"),
    (SupplyKind.MEDICINES, "常用退烧药", 80, "盒", 50, "医务室"),
    (SupplyKind.BLANKETS, "棉被", 40, "床", 30, "二楼库房"),
]
TESTED = "入住老人及工作人员抗原检测"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"


def _rng(key):
    return random.Random(f"biyang-demo-preparedness:{key}")


def _person(rng):
    return rng.choice(SURNAMES) + rng.choice(
        ["建国", "秀英", "红梅", "志强", "桂兰", "国庆", "海燕"]
    )


def _mobile(rng):
    return f"139{rng.randint(0, 99_999_999):08d}"


def seed(*, password, stdout):
    today = timezone.localdate()
    author = (
        User.objects.filter(username="officer").first()
        or User.objects.filter(role=Role.BUREAU_OFFICER).first()
    )
    if author is None:
        return
    institutions = list(Institution.objects.active().order_by("pk"))
    for institution in institutions:
        # One stream per part: a part that is already seeded does not shift the others.
        parts = (_seed_plans, _seed_supplies, _seed_movements, _seed_drills, _seed_responsibility)
        for part in parts:
            part(institution, author, today, _rng(f"{institution.name}:{part.__name__}"))
    stdout.write(
        f"preparedness: {Plan.objects.count()} plans, {Supply.objects.count()} supply lines "
        f"({SupplyMovement.objects.count()} movements), {Drill.objects.count()} drills, "
        f"{Responsibility.objects.count()} responsibility records"
    )


def _seed_plans(institution, author, today, rng):
    for kind in required_plan_kinds(institution.kind):
        roll = rng.random()
        if roll < 0.12:
            continue  # missing
        approved = today - datetime.timedelta(days=rng.randint(30, 400))
        review = approved + datetime.timedelta(days=365)
        if roll < 0.25:
            review = today - datetime.timedelta(days=rng.randint(3, 60))  # overdue
            approved = review - datetime.timedelta(days=365)
        fields = {
            "is_current": True,
            "title": f"{institution.name}{PLAN_TITLES[kind]}",
            "owner": _person(rng),
            "owner_phone": _mobile(rng),
            "approved_on": approved,
            "review_on": review,
            "created_by": author,
        }
        if kind == PlanKind.FIRE:
            unable = max(0, round(institution.residents * rng.uniform(0.05, 0.2)))
            fields["residents_unable_to_walk"] = unable
            fields["evacuation_assignments"] = (
                "\n".join(
                    f"{101 + i}房 卧床老人 → 护理员{_person(rng)}" for i in range(min(unable, 3))
                )
                if unable
                else ""
            )
        if kind == PlanKind.ONE_POLICY:
            fields["designated_hospital"] = institution.designated_hospital or "泌阳县人民医院"
            fields["emergency_channel"] = "拨打120并同时联系定点医院急诊科；院内车辆备用。"
            fields["cooperation_agreement"] = "与定点医院签订对口协作协议（每周巡诊一次）"
        # Drawn whether or not the plan is new, so that a second run reads the same rolls
        # for the kinds after it (and finds the same plans missing).
        with_document = rng.random() < 0.7
        plan, created = Plan.objects.update_or_create(
            institution=institution, kind=kind, version=1, defaults=fields
        )
        if created and with_document:
            plan.document.save("demo.pdf", ContentFile(DEMO_PDF), save=True)


def _seed_supplies(institution, author, today, rng):
    if Supply.objects.filter(institution=institution).exists():
        return
    for kind, description, quantity, unit, minimum, location in SUPPLIES:
        if rng.random() < 0.15:
            continue
        quantity = round(quantity * rng.uniform(0.6, 1.4))
        inspected = expires = None
        if kind == SupplyKind.EXTINGUISHER:
            inspected = today - datetime.timedelta(days=rng.randint(20, 200))
            expires = inspected + datetime.timedelta(days=rng.choice([180, 365]))
        elif kind in (SupplyKind.ANTIGEN_KITS, SupplyKind.MEDICINES):
            expires = today + datetime.timedelta(days=rng.randint(-10, 300))
        Supply.objects.create(
            institution=institution,
            kind=kind,
            description=description,
            quantity=quantity,
            unit=unit,
            minimum_quantity=minimum,
            location=location,
            last_inspected_on=inspected,
            expires_on=expires,
            updated_by=author,
        )


def _seed_movements(institution, author, today, rng):
    """Antigen kits from the county last Monday and this Monday, given out to residents
    and staff on the days since, through the service (so the stock moves with them)."""
    if institution.kind not in RESIDENTIAL_KINDS:
        return
    supply = Supply.objects.filter(institution=institution, kind=SupplyKind.ANTIGEN_KITS).first()
    if supply is None or supply.movements.exists():
        return
    this_monday = today - datetime.timedelta(days=today.weekday())
    last_monday = this_monday - datetime.timedelta(days=7)
    days_this_week = [this_monday + datetime.timedelta(days=n) for n in range(today.weekday() + 1)]
    received, given = (MovementKind.RECEIVED, "县民政局调拨"), (MovementKind.GIVEN, TESTED)
    steps = [
        (last_monday, *received, rng.randint(40, 120)),
        (last_monday + datetime.timedelta(days=2), *given, rng.randint(10, 40)),
        (last_monday + datetime.timedelta(days=4), *given, rng.randint(10, 40)),
        (this_monday, *received, rng.randint(20, 80)),
        (rng.choice(days_this_week), *given, rng.randint(5, 30)),
    ]
    for day, kind, note, quantity in steps:
        if kind == MovementKind.GIVEN:
            quantity = min(quantity, supply.quantity)  # never more than is in stock
        if quantity:
            services.record_movement(
                supply=supply,
                user=author,
                kind=kind,
                quantity=quantity,
                moved_on=day,
                note=note,
            )


def _seed_drills(institution, author, today, rng):
    if Drill.objects.filter(institution=institution).exists() or rng.random() < 0.25:
        return
    for _ in range(rng.randint(1, 3)):
        Drill.objects.create(
            institution=institution,
            held_on=today - datetime.timedelta(days=rng.randint(3, 150)),
            kind=rng.choice([DrillKind.FIRE_EVACUATION, DrillKind.TRAINING, DrillKind.INFECTION]),
            scenario="夜间厨房起火，值班人员报警、初起火灾扑救、组织老人有序疏散。",
            staff_count=rng.randint(4, 20),
            residents_count=rng.randint(0, max(institution.residents, 0)),
            evacuation_seconds=rng.randint(120, 600),
            problems=rng.choice(["", "", "二楼安全出口门锁开启慢，需更换推杠锁。"]),
            recorded_by=author,
        )


def _seed_responsibility(institution, author, today, rng):
    if rng.random() < 0.15:
        return
    record, created = Responsibility.objects.update_or_create(
        institution=institution,
        year=today.year,
        defaults={
            "institution_head": institution.legal_representative,
            "institution_head_phone": institution.legal_representative_phone,
            "township_official": _person(rng),
            "township_official_phone": _mobile(rng),
            "bureau_contact": "赵卫东",
            "bureau_contact_phone": "13903960010",
            "updated_by": author,
        },
    )
    if created and rng.random() < 0.75:
        record.signed_on = today - datetime.timedelta(days=rng.randint(5, 60))
        record.letter.save("demo.pdf", ContentFile(DEMO_PDF), save=True)
