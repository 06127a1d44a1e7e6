"""Demo data for Biyang County (泌阳县): its real townships and believable institutions.

Township names and 9-digit division codes follow the 2023 statistical division
codes as gathered in shared/CHECKLISTS.md (象河 kept its 2023 code 207 after it
became a town in 2025); they have not been checked against an official list.
Institution names, people, phone numbers and credit codes are invented.
"""

import random

from institutions.models import (
    HospitalLevel,
    Institution,
    InstitutionKind,
    Operator,
    Role,
    Township,
    TownshipKind,
    User,
)
from institutions.validators import credit_code_check_character

COUNTY_CODE = "411726"

TOWNSHIPS = [
    ("花园街道", TownshipKind.SUBDISTRICT, "001"),
    ("泌水街道", TownshipKind.SUBDISTRICT, "002"),
    ("古城街道", TownshipKind.SUBDISTRICT, "003"),
    ("羊册镇", TownshipKind.TOWN, "102"),
    ("马谷田镇", TownshipKind.TOWN, "103"),
    ("春水镇", TownshipKind.TOWN, "105"),
    ("官庄镇", TownshipKind.TOWN, "106"),
    ("赊湾镇", TownshipKind.TOWN, "107"),
    ("郭集镇", TownshipKind.TOWN, "108"),
    ("泰山庙镇", TownshipKind.TOWN, "109"),
    ("王店镇", TownshipKind.TOWN, "110"),
    ("杨家集镇", TownshipKind.TOWN, "111"),
    ("高店镇", TownshipKind.TOWN, "112"),
    ("高邑镇", TownshipKind.TOWN, "113"),
    ("盘古乡", TownshipKind.TOWNSHIP, "201"),
    ("铜山乡", TownshipKind.TOWNSHIP, "204"),
    ("下碑寺乡", TownshipKind.TOWNSHIP, "206"),
    ("象河镇", TownshipKind.TOWN, "207"),
    ("付庄乡", TownshipKind.TOWNSHIP, "208"),
    ("贾楼乡", TownshipKind.TOWNSHIP, "209"),
    ("黄山口乡", TownshipKind.TOWNSHIP, "210"),
    ("双庙街乡", TownshipKind.TOWNSHIP, "215"),
]

COUNTY_HOSPITAL = ("泌阳县人民医院", HospitalLevel.SECONDARY, "0396-7922120")
TCM_HOSPITAL = ("泌阳县中医院", HospitalLevel.SECONDARY, "0396-7923120")

# (name, kind, operator, township, beds)
COUNTY_INSTITUTIONS = [
    ("泌阳县社会福利中心", InstitutionKind.SOCIAL_WELFARE, Operator.PUBLIC, "泌水街道", 120),
    ("泌阳县儿童福利院", InstitutionKind.CHILD_WELFARE, Operator.PUBLIC, "花园街道", 60),
    ("泌阳县救助管理站", InstitutionKind.RESCUE_STATION, Operator.PUBLIC, "古城街道", 40),
    ("泌阳县婚姻登记处", InstitutionKind.MARRIAGE_REGISTRY, Operator.PUBLIC, "泌水街道", 0),
    ("泌阳县殡仪馆", InstitutionKind.FUNERAL_SERVICE, Operator.PUBLIC, "古城街道", 0),
    ("泌阳县安康公墓", InstitutionKind.FUNERAL_SERVICE, Operator.PRIVATE, "花园街道", 0),
    (
        "泌阳县中心敬老院",
        InstitutionKind.ELDERLY_CARE,
        Operator.PUBLIC_BUILT_PRIVATE_RUN,
        "花园街道",
        200,
    ),
    ("泌阳县福寿康养老服务中心", InstitutionKind.ELDERLY_CARE, Operator.PRIVATE, "泌水街道", 150),
    ("泌阳县夕阳红老年公寓", InstitutionKind.ELDERLY_CARE, Operator.PRIVATE, "古城街道", 80),
    ("泌阳县颐养园护理院", InstitutionKind.ELDERLY_CARE, Operator.PRIVATE, "花园街道", 100),
]
# Every town and rural township runs a home for people in extreme poverty (敬老院).
TOWNSHIPS_WITH_CARE_HOMES = [
    "羊册镇",
    "马谷田镇",
    "春水镇",
    "官庄镇",
    "赊湾镇",
    "郭集镇",
    "泰山庙镇",
    "王店镇",
    "杨家集镇",
    "高店镇",
    "高邑镇",
    "盘古乡",
    "铜山乡",
    "象河镇",
    "付庄乡",
    "贾楼乡",
]
TOWNSHIPS_WITH_SOCIAL_WORK_STATIONS = [
    "羊册镇",
    "马谷田镇",
    "春水镇",
    "花园街道",
    "泌水街道",
    "双庙街乡",
]
# Demo gaps for the home pages: care homes still with sandwich panels or no hospital named.
WITH_SANDWICH_PANELS = {"马谷田镇敬老院", "泰山庙镇敬老院", "泌阳县夕阳红老年公寓"}
WITHOUT_DESIGNATED_HOSPITAL = {"铜山乡敬老院", "泌阳县颐养园护理院"}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN_NAMES = [
    "建国",
    "秀英",
    "国强",
    "桂兰",
    "志刚",
    "玉梅",
    "海燕",
    "明",
    "军",
    "红霞",
    "德华",
    "春生",
    "丽娟",
    "学文",
    "新民",
]


def _rng(key):
    return random.Random(f"biyang-demo:{key}")


def _person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def _mobile(rng):
    return rng.choice(["139", "138", "137", "158", "186"]) + "".join(rng.choices("0123456789", k=8))


def _credit_code(rng, operator):
    # 12 = public institution (事业单位); 52 = private non-enterprise unit (民办非企业单位).
    prefix = "12" if operator != Operator.PRIVATE else "52"
    organisation = "".join(rng.choices("0123456789", k=8)) + rng.choice("0123456789X")
    first17 = prefix + COUNTY_CODE + organisation
    return first17 + credit_code_check_character(first17)


def seed_townships():
    for name, kind, suffix in TOWNSHIPS:
        Township.objects.update_or_create(
            code=COUNTY_CODE + suffix, defaults={"name": name, "kind": kind}
        )
    return {township.name: township for township in Township.objects.all()}


def _institution_rows():
    yield from COUNTY_INSTITUTIONS
    for index, township in enumerate(TOWNSHIPS_WITH_CARE_HOMES):
        beds = 30 + (index * 17) % 90
        yield (f"{township}敬老院", InstitutionKind.ELDERLY_CARE, Operator.PUBLIC, township, beds)
    for township in TOWNSHIPS_WITH_SOCIAL_WORK_STATIONS:
        yield (
            f"{township}社会工作服务站",
            InstitutionKind.SOCIAL_WORK_STATION,
            Operator.PUBLIC,
            township,
            0,
        )


def _hospital_for(name, township_name, kind, rng):
    if name in WITHOUT_DESIGNATED_HOSPITAL or kind not in (
        InstitutionKind.ELDERLY_CARE,
        InstitutionKind.CHILD_WELFARE,
        InstitutionKind.SOCIAL_WELFARE,
        InstitutionKind.RESCUE_STATION,
    ):
        return ("", "", "")
    if township_name.endswith("街道"):
        return rng.choice([COUNTY_HOSPITAL, TCM_HOSPITAL])
    # Rural homes name the township health centre first; the county hospital takes referrals.
    centre = township_name + "卫生院"
    return (centre, HospitalLevel.PRIMARY, f"0396-79{rng.randint(10000, 99999)}")


def seed_institutions(townships):
    institutions = {}
    for name, kind, operator, township_name, beds in _institution_rows():
        rng = _rng(name)
        residents = round(beds * rng.uniform(0.55, 0.9))
        hospital, level, hospital_phone = _hospital_for(name, township_name, kind, rng)
        institution, _created = Institution.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "operator": operator,
                "township": townships[township_name],
                "address": f"河南省驻马店市泌阳县{township_name}{rng.choice(['建设路', '人民路', '花园路', '中心街', '文化路'])}{rng.randint(1, 300)}号",
                "credit_code": _credit_code(rng, operator),
                "legal_representative": _person(rng),
                "legal_representative_phone": _mobile(rng),
                "safety_officer": _person(rng),
                "safety_officer_phone": _mobile(rng),
                "beds": beds,
                "residents": residents,
                "residents_aged_80_plus": round(residents * rng.uniform(0.2, 0.45)),
                "fire_risk_level": "",
                "designated_hospital": hospital,
                "designated_hospital_level": level,
                "designated_hospital_phone": hospital_phone,
                "has_sandwich_panels": name in WITH_SANDWICH_PANELS,
                "building_notes": (
                    "后院库房及厨房为夹芯彩钢板搭建，待拆除改造。"
                    if name in WITH_SANDWICH_PANELS
                    else ""
                ),
                "is_active": True,
            },
        )
        institutions[name] = institution
    return institutions


DEMO_TOWNSHIPS = {"town1": "羊册镇", "town2": "马谷田镇"}
DEMO_INSTITUTION = "羊册镇敬老院"


def seed_users(townships, institutions, password):
    accounts = [
        ("admin", "业务管理员", Role.ADMIN, {}),
        ("officer", "赵卫东", Role.BUREAU_OFFICER, {}),
        ("town1", "李春梅", Role.TOWNSHIP_STAFF, {"township": townships[DEMO_TOWNSHIPS["town1"]]}),
        ("town2", "周建军", Role.TOWNSHIP_STAFF, {"township": townships[DEMO_TOWNSHIPS["town2"]]}),
        (
            "inst1",
            "孙玉兰",
            Role.INSTITUTION_STAFF,
            {"institution": institutions[DEMO_INSTITUTION]},
        ),
        # Separation of duties (三员分立): accounts, security policy, the audit log.
        ("sysadmin", "钱立新", Role.SYSTEM_ADMIN, {}),
        ("secadmin", "吴海峰", Role.SECURITY_ADMIN, {}),
        ("auditor", "郑秀云", Role.AUDIT_ADMIN, {}),
    ]
    users = {}
    for username, full_name, role, scope in accounts:
        rng = _rng(username)
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "role": role,
                "phone": _mobile(rng),
                "township": scope.get("township"),
                "institution": scope.get("institution"),
                # The admin site (is_staff) and its groups follow the role (User.save);
                # none is a superuser, the business administrator included (its group
                # keeps the configuration, accounts.roles), and a re-seed takes it away.
                "is_superuser": False,
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        users[username] = user
    return users


def seed(*, password, stdout):
    townships = seed_townships()
    institutions = seed_institutions(townships)
    users = seed_users(townships, institutions, password)
    stdout.write(
        f"institutions: {len(townships)} townships, {len(institutions)} institutions, "
        f"{len(users)} demo accounts"
    )
