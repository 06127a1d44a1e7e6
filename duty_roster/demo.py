"""Demo duty: posts for the county, every township centre and every 24-hour institution,
holiday posts, a two-week roster for each, a few leave reports and incidents, and the
2027 statutory holidays.

Only the statutory holiday days of 2027 are seeded (《全国年节及纪念日放假办法》, 2024
revision; lunar-calendar dates computed, not taken from an official notice). The State
Council's 2027 arrangement with its adjusted working days was not available when this was
written: add those days in the admin when it is published.
"""

import datetime

from django.utils import timezone

from duty_roster import services
from duty_roster.models import (
    CHECK_IN_GRACE,
    Attendance,
    DutyPost,
    Holiday,
    Incident,
    LeaveApprover,
    LeaveReport,
    PostKind,
    Shift,
    SpotCheck,
)
from institutions.models import (
    RESIDENTIAL_KINDS,
    Institution,
    InstitutionKind,
    Role,
    Township,
    User,
)

HOLIDAY_SOURCE = "全国年节及纪念日放假办法（2024年修订）法定假日；农历日期经换算，未经官方安排核对"
HOLIDAYS_2027 = [
    ("2027-01-01", "元旦"),
    ("2027-02-05", "春节（除夕）"),
    ("2027-02-06", "春节"),
    ("2027-02-07", "春节"),
    ("2027-02-08", "春节"),
    ("2027-04-05", "清明节"),
    ("2027-05-01", "劳动节"),
    ("2027-05-02", "劳动节"),
    ("2027-06-09", "端午节"),
    ("2027-09-15", "中秋节"),
    ("2027-10-01", "国庆节"),
    ("2027-10-02", "国庆节"),
    ("2027-10-03", "国庆节"),
]
ROSTER_DAYS = 14
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"


def seed_holidays():
    for day, name in HOLIDAYS_2027:
        Holiday.objects.update_or_create(
            date=datetime.date.fromisoformat(day),
            defaults={"kind": Holiday.Kind.HOLIDAY, "name": name, "source": HOLIDAY_SOURCE},
        )


def seed_posts():
    posts = []
    county, _ = DutyPost.objects.update_or_create(
        name="泌阳县民政局值班室",
        defaults={"kind": PostKind.COUNTY_DUTY_ROOM, "phone": "0396-7922110"},
    )
    posts.append(county)
    for n, township in enumerate(Township.objects.all()):
        post, _ = DutyPost.objects.update_or_create(
            name=f"{township.name}社会事务服务中心值班室",
            defaults={
                "kind": PostKind.TOWNSHIP_CENTRE,
                "township": township,
                "phone": f"0396-79{30000 + n:05d}",
            },
        )
        posts.append(post)
    for institution in Institution.objects.filter(is_active=True).order_by("pk"):
        if institution.kind in RESIDENTIAL_KINDS:
            kind = PostKind.INSTITUTION
        elif institution.kind in (
            InstitutionKind.MARRIAGE_REGISTRY,
            InstitutionKind.FUNERAL_SERVICE,
        ):
            kind = PostKind.HOLIDAY
        else:
            continue
        post, _ = DutyPost.objects.update_or_create(
            name=f"{institution.name}值班室",
            defaults={
                "kind": kind,
                "institution": institution,
                "phone": institution.safety_officer_phone,
            },
        )
        posts.append(post)
    return posts


def _duty_people(post, index):
    """Two officers and a leader per post: demo accounts that cannot log in."""
    if post.kind == PostKind.COUNTY_DUTY_ROOM:
        role, scope = Role.BUREAU_OFFICER, {}
    elif post.institution_id:
        role, scope = Role.INSTITUTION_STAFF, {"institution": post.institution}
    else:
        role, scope = Role.TOWNSHIP_STAFF, {"township": post.township}
    people = []
    for slot in ("a", "b", "lead"):
        user, created = User.objects.get_or_create(
            username=f"duty{post.pk}{slot}",
            defaults={
                "full_name": SURNAMES[(index * 3 + len(slot)) % len(SURNAMES)]
                + ("主任" if slot == "lead" else f"值班员{slot.upper()}"),
                "role": role,
                "phone": f"1390396{post.pk:02d}{len(slot):02d}"[:11],
                **scope,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        people.append(user)
    demo = {PostKind.COUNTY_DUTY_ROOM: "officer"}.get(post.kind)
    if post.township and post.township.name == "羊册镇" and not post.institution_id:
        demo = "town1"
    if post.institution and post.institution.name == "羊册镇敬老院":
        demo = "inst1"
    if demo:
        people[0] = User.objects.get(username=demo)
    return people[:2], [people[2]]


def seed_rosters(posts, today):
    """From yesterday (so a shift is under way whatever the hour) to two weeks ahead."""
    admin = User.objects.get(username="admin")
    zone = services.local_zone()
    horizon = datetime.datetime.combine(
        today + datetime.timedelta(days=ROSTER_DAYS), datetime.time(8, 30), tzinfo=zone
    )
    created = 0
    for index, post in enumerate(posts):
        officers, leaders = _duty_people(post, index)
        last = Shift.objects.filter(post=post).order_by("-ends_at").first()
        first_day = (
            timezone.localtime(last.ends_at).date() if last else today - datetime.timedelta(days=1)
        )
        days = (horizon.date() - first_day).days
        if days <= 0:
            continue
        created += len(
            services.generate_roster(
                post=post,
                first_day=first_day,
                days=days,
                pattern=[(datetime.time(8, 30), 24)],
                officers=officers,
                leaders=leaders,
                user=admin,
            )
        )
    return created


def seed_leave_approvers():
    """The bureau officer approves anyone's leave; each township's leader in charge (the
    demo clerks town1 and town2 for theirs, the centre's leader elsewhere) its own."""
    officer = User.objects.get(username="officer")
    LeaveApprover.objects.get_or_create(
        user=officer, township=None, defaults={"title": "县民政局分管领导"}
    )
    for township in Township.objects.all():
        demo = {"羊册镇": "town1", "马谷田镇": "town2"}.get(township.name)
        approver = (
            User.objects.get(username=demo)
            if demo
            else User.objects.filter(
                username__endswith="lead",
                role=Role.TOWNSHIP_STAFF,
                township=township,
                is_active=True,
            ).first()
        )
        if approver is not None:
            LeaveApprover.objects.get_or_create(
                user=approver, township=township, defaults={"title": "镇分管领导"}
            )


def seed_leave_and_incidents(today):
    officer = User.objects.get(username="officer")
    town1 = User.objects.get(username="town1")
    inst1 = User.objects.get(username="inst1")
    zone = services.local_zone()
    if not LeaveReport.objects.exists():
        leader = User.objects.filter(username__endswith="lead", role=Role.TOWNSHIP_STAFF).first()
        start = datetime.datetime.combine(
            today + datetime.timedelta(days=20), datetime.time(9), tzinfo=zone
        )
        services.file_leave(
            person=leader,
            destination="郑州市",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=30),
            reason="参加全省民政工作会议",
            contact="13903961234",
            approver=officer,
        )
        services.file_leave(
            person=town1,
            destination="驻马店市",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=8),
            reason="到市局汇报节日安全工作",
            contact="13903965678",
            approver=officer,
        )
        services.file_leave(
            person=inst1,
            destination="泌阳县人民医院",
            starts_at=start + datetime.timedelta(days=1),
            ends_at=start + datetime.timedelta(days=1, hours=4),
            reason="陪同住院老人复查",
            contact="13903969012",
            approver=town1,
        )
    if not Incident.objects.exists():
        institution = Institution.objects.get(name="羊册镇敬老院")
        now = timezone.now()
        fire = services.report_incident(
            user=inst1,
            township=institution.township,
            institution=institution,
            occurred_at=now - datetime.timedelta(minutes=25),
            place="2号楼107室",
            category="fire",
            severity="ordinary",
            deaths=0,
            injuries=0,
            summary="电暖器靠近被褥冒烟，值班员及时发现并扑灭",
            actions_taken="切断电源、开窗通风、转移同室老人",
            who_was_told="羊册镇政府值班室",
        )
        services.acknowledge_incident(incident=fire, user=officer)
        services.add_incident_report(
            incident=fire, user=town1, text="镇中心已到场，全院排查电暖器使用情况"
        )
        services.report_incident(
            user=town1,
            township=institution.township,
            occurred_at=now - datetime.timedelta(minutes=10),
            place="羊册镇西街",
            category="missing",
            severity="serious",
            deaths=0,
            injuries=0,
            summary="一名独居老人走失，家属报告",
            actions_taken="已报警，组织村干部寻找",
            who_was_told="派出所、镇政府",
        )


def seed_attendance(now):
    """Who came to the shifts that have started: most on time, some late, a few absent
    (脱岗, marked by the same scan beat runs). Only rows nobody has touched yet."""
    rows = Attendance.objects.filter(
        shift__starts_at__lte=now - CHECK_IN_GRACE,
        checked_in_at__isnull=True,
        missed_at__isnull=True,
    ).select_related("shift")
    changed = []
    for n, row in enumerate(rows.order_by("shift__starts_at", "shift__post_id", "role")):
        start, end = row.shift.starts_at, row.shift.ends_at
        if n % 11 == 5:
            continue  # absent: the scan below marks them
        arrival = start + (
            datetime.timedelta(minutes=47) if n % 7 == 3 else -datetime.timedelta(minutes=12)
        )
        if arrival > now:
            continue  # on the way: late once they check in, absent if the scan gets there first
        row.checked_in_at = arrival
        if end <= now:
            row.checked_out_at = end + datetime.timedelta(minutes=3)
        changed.append(row)
    Attendance.objects.bulk_update(changed, ["checked_in_at", "checked_out_at"], batch_size=500)
    services.mark_missed_check_ins(now=now)


def seed(*, password, stdout):
    today = timezone.localdate()
    seed_holidays()
    posts = seed_posts()
    created = seed_rosters(posts, today)
    seed_attendance(timezone.now())
    seed_leave_approvers()
    seed_leave_and_incidents(today)
    seed_spot_checks(timezone.now())
    attendance = Attendance.objects.filter(shift__starts_at__lte=timezone.now())
    stdout.write(
        f"duty_roster: {len(posts)} posts, {Shift.objects.count()} shifts ({created} new), "
        f"{attendance.filter(checked_in_at__isnull=False).count()} check-ins "
        f"({attendance.late().count()} late), {attendance.missed().count()} absent, "
        f"{LeaveApprover.objects.count()} leave approvers, "
        f"{LeaveReport.objects.count()} leave reports, {Incident.objects.count()} incidents, "
        f"{SpotCheck.objects.count()} spot checks"
    )


SPOT_CHECK_FINDING = "电话响铃6声后由门卫接听，带班领导不在岗，值班记录未填写"


def seed_spot_checks(now):
    """The bureau's spot checks (查岗) of the last days: township centres that passed, and
    one that failed, answered by its township; once only."""
    if SpotCheck.objects.exists():
        return
    officer = User.objects.get(username="officer")
    town1 = User.objects.get(username="town1")
    centres = list(
        DutyPost.objects.filter(kind=PostKind.TOWNSHIP_CENTRE).order_by("township__code")[:4]
    )
    for n, post in enumerate(centres[1:], start=1):
        checked_at = now - datetime.timedelta(days=n, hours=3)
        shift = services.shift_on_duty(post, checked_at)
        services.record_spot_check(
            user=officer,
            post=post,
            checked_at=checked_at,
            method="phone" if n % 2 else "video",
            answered_by=shift.leader.display_name if shift else "值班员",
            leader_present=True,
            officers_present=True,
            result="passed",
        )
    failed_post = DutyPost.objects.filter(
        kind=PostKind.TOWNSHIP_CENTRE, township=town1.township
    ).first()
    if failed_post is None:
        return
    failed = services.record_spot_check(
        user=officer,
        post=failed_post,
        checked_at=now - datetime.timedelta(days=2, hours=14),
        method="phone",
        answered_by="门卫",
        leader_present=False,
        officers_present=True,
        result="failed",
        findings=SPOT_CHECK_FINDING,
    )
    services.answer_spot_check(
        check=failed,
        user=town1,
        response="已对带班领导进行提醒谈话，补填值班记录，值班电话改为值班室专人接听",
    )
