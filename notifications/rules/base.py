"""What every rule shares: the scan (time, and who works where), links and addressing."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from institutions.models import Role, User
from notifications.models import Notification, Webhook
from notifications.services import Message

ITERATOR_CHUNK = 2000


@dataclass
class Scan:
    """What every rule of one scan shares: the time, and who works where."""

    now: datetime.datetime
    today: datetime.date = None
    township_staff: dict = field(default_factory=lambda: defaultdict(list))
    institution_staff: dict = field(default_factory=lambda: defaultdict(list))
    bureau: list = field(default_factory=list)
    admins: list = field(default_factory=list)
    duty_room: list = field(default_factory=list)  # on duty now at the county duty room
    leader_on_duty: list = field(default_factory=list)  # its leader on duty now
    township_robots: dict = field(default_factory=lambda: defaultdict(list))
    bureau_robots: list = field(default_factory=list)

    @classmethod
    def load(cls, now):
        scan = cls(now=now, today=timezone.localdate(now))
        people = User.objects.filter(is_active=True).values_list(
            "pk", "role", "township_id", "institution_id"
        )
        for pk, role, township_id, institution_id in people:
            if role in (Role.BUREAU_OFFICER, Role.ADMIN):
                scan.bureau.append(pk)
                if role == Role.ADMIN:
                    scan.admins.append(pk)
            elif role == Role.TOWNSHIP_STAFF and township_id:
                scan.township_staff[township_id].append(pk)
            elif role == Role.INSTITUTION_STAFF and institution_id:
                scan.institution_staff[institution_id].append(pk)
        for pk, township_id in Webhook.objects.filter(is_active=True).values_list(
            "pk", "township_id"
        ):
            (scan.township_robots[township_id] if township_id else scan.bureau_robots).append(pk)
        scan._load_duty_room()
        return scan

    def _load_duty_room(self):
        from duty_roster.models import Attendance, AttendanceRole, PostKind

        on_duty = (
            Attendance.objects.under_way(self.now)
            .filter(shift__post__kind=PostKind.COUNTY_DUTY_ROOM)
            .values_list("person_id", "role")
        )
        for person, role in on_duty:
            self.duty_room.append(person)
            if role == AttendanceRole.LEADER:
                self.leader_on_duty.append(person)

    def county_duty_room(self):
        """Who is on duty at the county duty room now; every bureau officer if nobody is."""
        return self.duty_room or self.bureau

    def bureau_leader_on_duty(self):
        return self.leader_on_duty or self.bureau


def link(name):
    """A function pk -> path for a URL pattern with one id, reversed once."""
    sentinel = 987654321
    pattern = reverse(name, args=[sentinel])
    return lambda pk: pattern.replace(str(sentinel), str(pk))


def to_people(key, people, **message):
    return (Message(key=f"{key}:u{pk}", recipient_id=pk, **message) for pk in people)


def to_robots(key, robots, **message):
    return (Message(key=f"{key}:r{pk}", webhook_id=pk, **message) for pk in robots)


def not_said(queryset, rule, step, subject="pk"):
    """The rows of `queryset` this rule has not yet said anything about at `step`.

    `step` is a string or an expression (an annotation of the queryset); rules land all
    of a subject's messages in one transaction, so one row found means all were said.
    The unique key stays the guarantee; this only spares a scan the rows already done.
    """
    said = Notification.objects.filter(
        rule=rule.code,
        subject_id=OuterRef(subject),
        step=step,
    )
    return queryset.filter(~Exists(said))


def day_step(day):
    return f"{day:%Y%m%d}"
