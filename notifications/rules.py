"""The rules table: what is due, to whom, and in which words.

Domains say what is due through their own querysets (`Hazard.objects.overdue()`,
`Inspection.objects.due()`…); each rule here turns those rows into Messages for
`services.notify`, which lands each key once. Timings are read from the Rule rows
an admin edits (defaults below). A scan issues a fixed number of queries per rule
however many rows match: who works where is loaded once (Audience), rows are read
with `values_list().iterator()`, and messages are written in chunks.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from institutions.models import Role, User
from notifications.models import Notification, Rule, Webhook
from notifications.services import Message, notify

ITERATOR_CHUNK = 2000


@dataclass
class RuleSpec:
    code: str
    name: str
    due: object  # function(rule, scan) -> iterable of Message
    urgent: bool = False
    lead_days: int | None = None
    after_minutes: int | None = None
    repeat_minutes: int | None = None
    description: str = ""


@dataclass
class Scan:
    """What every rule of one scan shares: the time, and who works where."""

    now: datetime.datetime
    today: datetime.date = None
    township_staff: dict = field(default_factory=lambda: defaultdict(list))
    institution_staff: dict = field(default_factory=lambda: defaultdict(list))
    bureau: list = field(default_factory=list)
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
            elif role == Role.TOWNSHIP_STAFF and township_id:
                scan.township_staff[township_id].append(pk)
            elif role == Role.INSTITUTION_STAFF and institution_id:
                scan.institution_staff[institution_id].append(pk)
        for pk, township_id in Webhook.objects.filter(is_active=True).values_list(
            "pk", "township_id"
        ):
            (scan.township_robots[township_id] if township_id else scan.bureau_robots).append(pk)
        return scan


def link(name):
    """A function pk -> path for a URL pattern with one id, reversed once."""
    sentinel = 987654321
    pattern = reverse(name, args=[sentinel])
    return lambda pk: pattern.replace(str(sentinel), str(pk))


def to_people(key, people, **message):
    return (Message(key=f"{key}:u{pk}", recipient_id=pk, **message) for pk in people)


def to_robots(key, robots, **message):
    return (Message(key=f"{key}:r{pk}", webhook_id=pk, **message) for pk in robots)


# --- Hazards -----------------------------------------------------------------


def _hazards(queryset):
    return queryset.values_list(
        "pk",
        "institution_id",
        "institution__township_id",
        "institution__name",
        "description",
        "deadline",
    ).iterator(chunk_size=ITERATOR_CHUNK)


def major_hazard_raised(rule, scan):
    from inspections.models import Hazard, Severity

    url = link("inspections:hazard")
    hazards = Hazard.objects.unresolved().filter(severity=Severity.MAJOR)
    for pk, _institution, township, name, description, deadline in _hazards(hazards):
        key = f"{rule.code}:{pk}"
        message = {
            "title": _("Major hazard at %(institution)s") % {"institution": name},
            "body": _("%(what)s Deadline: %(deadline)s.")
            % {"what": description[:200], "deadline": deadline},
            "url": url(pk),
        }
        yield from to_people(key, [*scan.township_staff[township], *scan.bureau], **message)
        yield from to_robots(key, [*scan.township_robots[township], *scan.bureau_robots], **message)


def hazard_deadline_near(rule, scan):
    from inspections.models import Hazard

    url = link("inspections:hazard")
    days = {
        scan.today + datetime.timedelta(days=rule.lead_days or 0): rule.lead_days,
        scan.today: 0,
    }
    hazards = Hazard.objects.unresolved().filter(deadline__in=list(days))
    for pk, institution, township, name, description, deadline in _hazards(hazards):
        step = days[deadline]
        title = (
            _("Hazard due today at %(institution)s")
            if step == 0
            else _("Hazard due in %(days)d days at %(institution)s")
        ) % {"institution": name, "days": step}
        people = [*scan.institution_staff[institution], *scan.township_staff[township]]
        yield from to_people(
            f"{rule.code}:{pk}:d{step}",
            people,
            title=title,
            body=description[:200],
            url=url(pk),
        )


def hazard_overdue(rule, scan):
    from inspections.models import Hazard

    url = link("inspections:hazard")
    for pk, _institution, township, name, description, deadline in _hazards(
        Hazard.objects.overdue(scan.today)
    ):
        days = (scan.today - deadline).days
        yield from to_people(
            f"{rule.code}:{pk}:{scan.today:%Y%m%d}",
            scan.township_staff[township],
            title=_("Hazard %(days)d days overdue at %(institution)s")
            % {"days": days, "institution": name},
            body=description[:200],
            url=url(pk),
        )


# --- Inspections -------------------------------------------------------------


def _inspectors(scan, level, institution, township):
    from inspections.models import Level

    if level == Level.SELF:
        return scan.institution_staff[institution]
    if level == Level.TOWNSHIP:
        return scan.township_staff[township]
    return scan.bureau


def _inspections(queryset):
    return queryset.values_list(
        "pk",
        "level",
        "institution_id",
        "institution__township_id",
        "institution__name",
        "version__template__name",
        "due_on",
    ).iterator(chunk_size=ITERATOR_CHUNK)


def inspection_due_soon(rule, scan):
    from inspections.models import Inspection

    url = link("inspections:fill")
    days = {
        scan.today + datetime.timedelta(days=rule.lead_days or 0): rule.lead_days,
        scan.today: 0,
    }
    rows = Inspection.objects.due().filter(due_on__in=list(days))
    for pk, level, institution, township, name, checklist, due_on in _inspections(rows):
        step = days[due_on]
        title = (
            _("%(checklist)s at %(institution)s is due today")
            if step == 0
            else _("%(checklist)s at %(institution)s is due in %(days)d days")
        ) % {"checklist": checklist, "institution": name, "days": step}
        yield from to_people(
            f"{rule.code}:{pk}:d{step}",
            _inspectors(scan, level, institution, township),
            title=title,
            url=url(pk),
        )


def inspection_overdue(rule, scan):
    from inspections.models import Inspection

    url = link("inspections:fill")
    rows = Inspection.objects.due().filter(due_on__lt=scan.today)
    for pk, level, institution, township, name, checklist, due_on in _inspections(rows):
        people = set(_inspectors(scan, level, institution, township))
        people.update(scan.township_staff[township])
        yield from to_people(
            f"{rule.code}:{pk}:{scan.today:%Y%m%d}",
            sorted(people),
            title=_("%(checklist)s at %(institution)s was due on %(date)s")
            % {"checklist": checklist, "institution": name, "date": due_on},
            url=url(pk),
        )


# --- Relief ------------------------------------------------------------------


def application_waiting(rule, scan):
    """Applications waiting at the township review longer than the rule allows.

    Counts per township only: no name of a person in difficulty leaves the system.
    """
    from relief.models import Application, ApplicationStatus

    since = scan.now - datetime.timedelta(days=rule.lead_days or 0)
    waiting = (
        Application.objects.filter(status=ApplicationStatus.SUBMITTED, filed_at__lt=since)
        .values("person__township_id")
        .annotate(n=Count("pk"))
    )
    url = reverse("relief:applications") + "?status=submitted"
    for row in waiting:
        township = row["person__township_id"]
        yield from to_people(
            f"{rule.code}:t{township}:{scan.today:%Y%m%d}",
            scan.township_staff[township],
            title=_("%(count)d relief applications have waited more than %(days)d days for review")
            % {"count": row["n"], "days": rule.lead_days or 0},
            url=url,
        )


# --- The table ---------------------------------------------------------------

RULES = [
    RuleSpec(
        "major-hazard-raised",
        gettext_lazy("Major hazard raised"),
        major_hazard_raised,
        urgent=True,
        description=gettext_lazy(
            "The township and every bureau officer, at once, and the group robots."
        ),
    ),
    RuleSpec(
        "hazard-deadline-near",
        gettext_lazy("Hazard deadline near"),
        hazard_deadline_near,
        lead_days=3,
        description=gettext_lazy("Days ahead and on the day: the institution and the township."),
    ),
    RuleSpec(
        "hazard-overdue",
        gettext_lazy("Hazard overdue"),
        hazard_overdue,
        description=gettext_lazy("Every day while overdue: the township."),
    ),
    RuleSpec(
        "inspection-due-soon",
        gettext_lazy("Inspection due soon"),
        inspection_due_soon,
        lead_days=3,
        description=gettext_lazy("Days ahead and on the day: whoever must inspect."),
    ),
    RuleSpec(
        "inspection-overdue",
        gettext_lazy("Inspection overdue"),
        inspection_overdue,
        description=gettext_lazy(
            "Every day while overdue: whoever must inspect, and the township."
        ),
    ),
    RuleSpec(
        "relief-application-waiting",
        gettext_lazy("Relief application waiting"),
        application_waiting,
        lead_days=3,
        description=gettext_lazy(
            "Waiting longer than the days set: the township's reviewers, daily."
        ),
    ),
]
SPECS = {spec.code: spec for spec in RULES}


def ensure_rules():
    """The Rule rows, with the defaults above for any an admin has not seen yet.

    Names and descriptions are stored in Chinese, as the admin reads and edits them.
    """
    with override("zh-hans"):
        defaults = [
            Rule(
                code=spec.code,
                name=str(spec.name),
                description=str(spec.description),
                is_urgent=spec.urgent,
                lead_days=spec.lead_days,
                after_minutes=spec.after_minutes,
                repeat_minutes=spec.repeat_minutes,
            )
            for spec in RULES
        ]
    Rule.objects.bulk_create(defaults, ignore_conflicts=True)
    return {rule.code: rule for rule in Rule.objects.filter(code__in=SPECS)}


def run(*, urgent=None, now=None, codes=None):
    """Run the enabled rules (the urgent ones, the routine ones, or all); new messages per rule."""
    now = now or timezone.now()
    rules = ensure_rules()
    scan = Scan.load(now)
    created = {}
    with override("zh-hans"):  # messages leave the system in Chinese
        for spec in RULES:
            rule = rules[spec.code]
            if not rule.is_enabled or (codes and spec.code not in codes):
                continue
            if urgent is not None and rule.is_urgent != urgent:
                continue
            created[spec.code] = notify(rule, spec.due(rule, scan), now=now)
    return created


# --- The morning digest ------------------------------------------------------

DIGEST_NAME = gettext_lazy("Morning digest")
DIGEST_DESCRIPTION = gettext_lazy(
    "At 07:30, one message a person with the counts of what is theirs."
)


def send_digests(*, now=None):
    """One message a person: counts of yesterday's unread non-urgent notifications by rule."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with override("zh-hans"):
        rule, _created = Rule.objects.get_or_create(
            code="digest",
            defaults={"name": str(DIGEST_NAME), "description": str(DIGEST_DESCRIPTION)},
        )
    if not rule.is_enabled:
        return 0
    names = dict(Rule.objects.values_list("code", "name"))
    counts = defaultdict(dict)
    rows = (
        Notification.objects.unread()
        .filter(
            recipient__isnull=False,
            is_urgent=False,
            created_at__gte=now - datetime.timedelta(days=1),
        )
        .exclude(rule="digest")
        .values("recipient_id", "rule")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[row["recipient_id"]][row["rule"]] = row["n"]
    with override("zh-hans"):
        messages = [
            Message(
                key=f"digest:u{user}:{today:%Y%m%d}",
                recipient_id=user,
                title=_("Your list for %(date)s") % {"date": today},
                body="\n".join(
                    f"{names.get(code, code)}: {n}" for code, n in sorted(by_rule.items())
                ),
                url=reverse("notifications:inbox"),
            )
            for user, by_rule in counts.items()
        ]
    # The digest goes out at once, through the channels each person chose for it.
    return notify(rule, messages, now=now, send_out=True)
