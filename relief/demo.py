"""Demo relief: a few hundred invented people with valid Biyang ID numbers, the winter's
programmes, applications in every state and one paid batch.

Amounts are placeholders to be replaced by the county's own standards: the Henan orphan
allowance and the temporary assistance ceiling were not found in an official text.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from institutions.models import Role, Township, User
from relief import services
from relief.models import (
    Application,
    BatchStatus,
    ChildRecognition,
    DisbursementBatch,
    FoundReport,
    Household,
    MonitoringFlag,
    NoticeObjection,
    Person,
    PersonCategory,
    PriceTrigger,
    Programme,
    ProgrammeKind,
    RegistrationConflict,
    VisitRule,
)
from relief.validators import check_character

PEOPLE_PER_TOWNSHIP = 14
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = [
    "秀英",
    "桂兰",
    "玉梅",
    "建国",
    "春生",
    "小明",
    "子涵",
    "浩然",
    "雨轩",
    "国庆",
    "德胜",
    "翠花",
    "金凤",
    "富贵",
    "欣怡",
]
VILLAGES = ["王庄村", "李湾村", "张楼村", "刘店村", "陈岗村", "杨寨村", "东街社区", "西街社区"]
VISIT_RULES = {
    "elderly_alone": 30,
    "left_behind_child": 30,
    "unsupported_child": 30,
    "orphan": 60,
    "disabled": 90,
}


def _id_number(rng, born, male):
    sequence = rng.randint(0, 49) * 2 + (1 if male else 0)
    first17 = f"411726{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def _category_for(rng, age):
    if age < 18:
        return rng.choice(["orphan", "unsupported_child", "left_behind_child", "left_behind_child"])
    if age >= 65:
        return rng.choice(["elderly_alone", "elderly_alone", "tekun", "dibao"])
    return rng.choice(["dibao", "low_income", "disabled", "unemployed"])


def seed_people(today):
    if Person.objects.exists():
        return
    rng = random.Random("biyang-relief-demo")
    officer = User.objects.get(username="officer")
    for township in Township.objects.all():
        household = None
        for n in range(PEOPLE_PER_TOWNSHIP):
            age = rng.choice([rng.randint(3, 17), rng.randint(66, 92), rng.randint(30, 60)])
            born = today.replace(year=today.year - age, month=1, day=1) + datetime.timedelta(
                days=rng.randint(0, 360)
            )
            male = rng.random() < 0.5
            person = Person(
                township=township,
                village=rng.choice(VILLAGES),
                address=f"{rng.randint(1, 120)}号",
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                id_number=_id_number(rng, born, male),
                monthly_income=Decimal(rng.choice([0, 0, 300, 450, 600])),
            )
            if Person.objects.with_id_number(person.id_number).exists():
                continue
            if household is None or n % 3 == 0:
                household = Household.objects.create(
                    township=township,
                    village=person.village,
                    address=person.address,
                    monthly_income=Decimal(rng.choice([0, 600, 900, 1200])),
                )
            person.village, person.address = household.village, household.address
            person = services.register_person(
                user=officer,
                **{
                    f: getattr(person, f)
                    for f in (
                        "township",
                        "village",
                        "address",
                        "name",
                        "id_number",
                        "monthly_income",
                    )
                },
                household=household,
            )
            category = _category_for(rng, age)
            PersonCategory.objects.create(
                person=person,
                category=category,
                start_date=today - datetime.timedelta(days=rng.randint(40, 900)),
                raised_in_institution=category == "orphan" and n % 3 == 0,
            )
            if n % 4 == 0:
                services.record_visit(
                    person=person,
                    user=officer,
                    visited_on=today - datetime.timedelta(days=rng.randint(1, 70)),
                    findings="家中取暖设施正常，粮油充足。",
                    needs=["supplies"] if n % 8 == 0 else [],
                )


def seed_programmes(today):
    winter_start = (
        datetime.date(today.year, 11, 1)
        if today.month >= 11
        else datetime.date(today.year - 1, 11, 1)
    )
    programmes = {
        "temporary": {
            "name": "临时救助",
            "kind": ProgrammeKind.ONE_OFF,
            "ceiling": Decimal("5000.00"),
            "help_first": True,
        },
        "orphan": {
            "name": "孤儿和事实无人抚养儿童基本生活费",
            "kind": ProgrammeKind.PERIODIC,
            "eligible_categories": ["orphan", "unsupported_child"],
            "amount": Decimal("1000.00"),
            "amount_in_institution": Decimal("1500.00"),
        },
        "price": {
            "name": "价格临时补贴",
            "kind": ProgrammeKind.PERIODIC,
            "eligible_categories": ["dibao", "tekun", "orphan", "unsupported_child"],
            "amount": Decimal("30.00"),
        },
        "warm": {
            "name": "寒冬送温暖",
            "kind": ProgrammeKind.CAMPAIGN,
            "benefit_form": "in_kind",
            "eligible_categories": ["elderly_alone", "tekun", "left_behind_child", "homeless"],
            "amount": Decimal("200.00"),
            "in_kind_items": "棉被、米、面、食用油",
        },
    }
    result = {}
    for key, fields in programmes.items():
        name = fields.pop("name")
        result[key], _ = Programme.objects.update_or_create(
            name=name, defaults={**fields, "starts_on": winter_start}
        )
    return result


def seed_reviewer(password):
    """A colleague of town1 at 羊册镇: a clerk does not review what they filed."""
    town1 = User.objects.get(username="town1")
    reviewer, _created = User.objects.update_or_create(
        username="town1b",
        defaults={
            "full_name": "王海燕",
            "role": Role.TOWNSHIP_STAFF,
            "township": town1.township,
            "is_active": True,
        },
    )
    reviewer.set_password(password)
    reviewer.save(update_fields=["password"])
    return reviewer


def seed_applications(programmes, reviewer):
    if Application.objects.exists():
        return
    officer = User.objects.get(username="officer")
    admin = User.objects.get(username="admin")
    town1 = User.objects.get(username="town1")
    people1 = list(Person.objects.filter(township=town1.township)[:6])
    temporary = programmes["temporary"]
    reasons = [
        "家中失火，房屋受损",
        "突发重病住院，医疗费用负担重",
        "务工受伤，暂时失去收入",
        "冬季取暖费用支出大",
    ]
    filed = [
        services.file_application(
            user=town1,
            person=person,
            programme=temporary,
            amount=Decimal(800 + 400 * n),
            reason=reasons[n % len(reasons)],
        )
        for n, person in enumerate(people1)
    ]
    # submitted (0), reviewed (1), approved (2), rejected at review (3), returned by bureau (4), approved (5)
    for application in filed[1:3] + filed[4:]:
        services.review_application(application=application, user=reviewer)
    services.approve_application(application=filed[2], user=officer)
    services.reject_application(application=filed[3], user=reviewer, note="家庭收入超过救助标准")
    services.return_application(application=filed[4], user=officer, note="请补充医院诊断证明")
    services.approve_application(application=filed[5], user=admin)


def seed_objection(today):
    """Of the two applications approved above (both now in 公示), a villager objects to one:
    its payment waits for the bureau."""
    if NoticeObjection.objects.exists():
        return
    reviewer = User.objects.get(username="town1b")
    posted = (
        Application.objects.in_public_notice(today)
        .filter(township=reviewer.township)
        .order_by("-pk")
        .first()
    )
    if posted is None:
        return
    services.raise_objection(
        application=posted,
        user=reviewer,
        objector="同村村民（匿名反映）",
        content="反映其子女在县城经商，有赡养能力，请核实家庭收入。",
        raised_on=today,
    )


def seed_village_worker(password):
    """A village worker of 王庄村 (羊册镇), who sees that village's people only."""
    town1 = User.objects.get(username="town1")
    worker, _created = User.objects.update_or_create(
        username="village1",
        defaults={
            "full_name": "李桂芝",
            "role": Role.VILLAGE_WORKER,
            "township": town1.township,
            "village": VILLAGES[0],
            "is_active": True,
        },
    )
    worker.set_password(password)
    worker.save(update_fields=["password"])
    return worker


def seed_found_reports(worker, today):
    """Two people found in 王庄村: one urgent and waiting for the township, one the township
    has answered."""
    if FoundReport.objects.exists():
        return
    services.report_found(
        user=worker,
        name="马老汉",
        address="王庄村三组",
        found_on=today - datetime.timedelta(days=1),
        situation="独居，78岁，腿脚不便，家中无取暖设备，子女在外务工一年未归。",
        needs=["supplies", "care"],
        is_urgent=True,
    )
    answered = services.report_found(
        user=worker,
        name="赵桂香",
        address="王庄村五组",
        found_on=today - datetime.timedelta(days=9),
        situation="丈夫去年去世，本人患慢性病，靠邻居接济。",
        needs=["medicine"],
    )
    services.handle_found(
        report=answered,
        user=User.objects.get(username="town1"),
        outcome="referred",
        note="已转介镇卫生院家庭医生签约服务，并纳入低收入人口动态监测。",
    )


def seed_recognitions(today):
    """Two children of 羊册镇 found by village workers: one waiting for the township's check,
    one recognised this month (paid from this month's batch on)."""
    if ChildRecognition.objects.exists():
        return
    town1 = User.objects.get(username="town1")
    reviewer = User.objects.get(username="town1b")
    officer = User.objects.get(username="officer")
    rng = random.Random("biyang-relief-children")
    children = []
    for n, (name, born) in enumerate(
        [("孙小雨", datetime.date(2016, 5, 12)), ("周浩宇", datetime.date(2014, 9, 3))]
    ):
        person = Person.objects.filter(name=name, township=town1.township).first()
        if person is None:
            person = services.register_person(
                user=town1,
                township=town1.township,
                village=VILLAGES[n],
                name=name,
                id_number=_id_number(rng, born, male=bool(n)),
            )
        children.append(person)
    services.report_child(
        user=town1,
        person=children[0],
        kind="unsupported_child",
        reporter_name="王庄村妇女主任 李桂芝",
        found_on=today - datetime.timedelta(days=12),
        circumstances="父亲服刑（刑期五年），母亲离家失联一年以上，现随年迈祖母生活。",
    )
    decided = services.report_child(
        user=town1,
        person=children[1],
        kind="orphan",
        reporter_name="李湾村党支部书记 张建军",
        found_on=today - datetime.timedelta(days=20),
        circumstances="父母于去年因车祸去世，现由叔叔临时照看。",
    )
    services.check_recognition(
        recognition=decided, user=reviewer, confirmed=True, note="入户核实，死亡证明齐全。"
    )
    services.decide_recognition(
        recognition=decided, user=officer, approve=True, note="符合孤儿认定条件"
    )


def seed_price_triggers(programmes, today):
    """Last month's CPI figures, below the thresholds: recorded, nothing paid. (A month at or
    above them generates the subsidy's batch: the officer can try it on the page.)"""
    if PriceTrigger.objects.exists():
        return
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    services.record_price_trigger(
        user=User.objects.get(username="officer"),
        period=f"{last_month:%Y-%m}",
        cpi_rise=Decimal("0.40"),
        food_cpi_rise=Decimal("-1.20"),
        programme=programmes["price"],
        note="据国家统计局月度数据",
    )


def seed_monitoring(today):
    """Three people of 羊册镇 watched for relapse: one review overdue, two coming."""
    if MonitoringFlag.objects.exists():
        return
    town1 = User.objects.get(username="town1")
    watched = Person.objects.filter(township=town1.township).order_by("-pk")[6:9]
    notes = ["家庭主要劳动力务工受伤", "子女上大学，学费支出大", "家庭收入略高于低保标准"]
    reasons = ["relapse_risk", "rigid_spending", "dibao_edge"]
    for n, person in enumerate(watched):
        flag = services.flag_for_monitoring(
            user=town1,
            person=person,
            reason=reasons[n],
            review_on=today + datetime.timedelta(days=30 * (n + 1)),
            note=notes[n],
        )
        if n == 0:
            MonitoringFlag.objects.filter(pk=flag.pk).update(
                flagged_on=today - datetime.timedelta(days=95),
                review_on=today - datetime.timedelta(days=5),
            )


def seed_paid_batch(programmes, today):
    period = f"{today:%Y-%m}"
    programme = programmes["orphan"]
    if DisbursementBatch.objects.filter(programme=programme, period=period).exists():
        return
    officer = User.objects.get(username="officer")
    admin = User.objects.get(username="admin")
    batch = services.generate_batch(programme=programme, period=period, user=officer)
    services.approve_batch(batch=batch, user=admin)
    services.mark_batch_paid(batch=batch, user=admin, method="bank")


def seed_transfer_request():
    """马谷田镇 tries to register someone 羊册镇 holds, is refused, and asks for a transfer."""
    if RegistrationConflict.objects.exists():
        return
    town1, town2 = User.objects.get(username="town1"), User.objects.get(username="town2")
    moved = Person.objects.filter(township=town1.township).order_by("pk").last()
    if moved is None:
        return
    try:
        services.register_person(
            user=town2,
            township=town2.township,
            village="马谷田村",
            name=moved.name,
            id_number=moved.id_number,
        )
    except services.IdNumberTaken as refused:
        services.request_transfer(
            conflict=refused.conflict,
            user=town2,
            village="马谷田村",
            address="18号",
            reason="随子女迁居马谷田镇，已在本镇居住三个月。",
        )


def seed(*, password, stdout):
    today = timezone.localdate()
    for category, days in VISIT_RULES.items():
        VisitRule.objects.update_or_create(category=category, defaults={"every_days": days})
    seed_people(today)
    reviewer = seed_reviewer(password)
    programmes = seed_programmes(today)
    seed_applications(programmes, reviewer)
    seed_objection(today)
    seed_recognitions(today)
    seed_price_triggers(programmes, today)
    seed_monitoring(today)
    seed_paid_batch(programmes, today)
    seed_transfer_request()
    seed_found_reports(seed_village_worker(password), today)
    stdout.write(
        f"relief: {Person.objects.count()} people, {Programme.objects.count()} programmes, "
        f"{Application.objects.count()} applications, "
        f"{DisbursementBatch.objects.filter(status=BatchStatus.PAID).count()} paid batch, "
        f"{NoticeObjection.objects.count()} objection in 公示, "
        f"{ChildRecognition.objects.count()} child recognitions, "
        f"{MonitoringFlag.objects.count()} people monitored, "
        f"{FoundReport.objects.count()} people found by the village worker"
    )
