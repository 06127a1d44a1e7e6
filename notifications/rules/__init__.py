"""The rules table: what is due, to whom, and in which words.

Domains say what is due through their own querysets (`Hazard.objects.overdue()`,
`Inspection.objects.due()`…); each rule here turns those rows into Messages for
`services.notify`, which lands each key once. Timings are read from the Rule rows
an admin edits (defaults below). A scan issues a fixed number of queries per rule
however many rows match: who works where is loaded once (`Scan`), rows are read
with `values_list().iterator()`, and messages are written in chunks.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from notifications.models import Notification, Rule
from notifications.rules import daily_reports, duty, epidemic, inspections, preparedness, relief
from notifications.rules.base import Scan
from notifications.services import Message, notify


@dataclass
class RuleSpec:
    code: str
    name: str
    due: object  # function(rule, scan) -> iterable of Message
    urgent: bool = False
    # Timely rules (a shift in an hour) are not urgent, but a digest tomorrow is too
    # late: they are scanned every minute and go out at once, robots excepted.
    timely: bool = False
    lead_days: int | None = None
    after_minutes: int | None = None
    repeat_minutes: int | None = None
    description: str = ""


REFRESH_STATISTICS_AFTER = 5000

# --- The table ---------------------------------------------------------------

RULES = [
    RuleSpec(
        "major-hazard-raised",
        gettext_lazy("Major hazard raised"),
        inspections.major_hazard_raised,
        urgent=True,
        description=gettext_lazy(
            "The township and every bureau officer, at once, and the group robots."
        ),
    ),
    RuleSpec(
        "hazard-deadline-near",
        gettext_lazy("Hazard deadline near"),
        inspections.hazard_deadline_near,
        lead_days=3,
        description=gettext_lazy("Days ahead and on the day: the institution and the township."),
    ),
    RuleSpec(
        "hazard-overdue",
        gettext_lazy("Hazard overdue"),
        inspections.hazard_overdue,
        description=gettext_lazy("Every day while overdue: the township."),
    ),
    RuleSpec(
        "hazard-supervised",
        gettext_lazy("Hazard under the bureau's supervision (挂牌督办)"),
        inspections.hazard_supervised,
        urgent=True,
        description=gettext_lazy(
            "Every day until it is closed: the supervising officer (the bureau while nobody "
            "has taken it), the township and the robots."
        ),
    ),
    RuleSpec(
        "inspection-due-soon",
        gettext_lazy("Inspection due soon"),
        inspections.inspection_due_soon,
        lead_days=3,
        description=gettext_lazy("Days ahead and on the day: whoever must inspect."),
    ),
    RuleSpec(
        "inspection-overdue",
        gettext_lazy("Inspection overdue"),
        inspections.inspection_overdue,
        description=gettext_lazy(
            "Every day while overdue: whoever must inspect, and the township."
        ),
    ),
    RuleSpec(
        "relief-application-waiting",
        gettext_lazy("Relief application waiting"),
        relief.application_waiting,
        lead_days=3,
        description=gettext_lazy(
            "Waiting longer than the days set: the township's reviewers, daily."
        ),
    ),
    RuleSpec(
        "person-found",
        gettext_lazy("Person in difficulty found in a village"),
        relief.person_found,
        timely=True,
        description=gettext_lazy(
            "At once, once a report: the township's staff (and its robots when the person "
            "needs help today). The village only, never the person's name."
        ),
    ),
    RuleSpec(
        "daily-report-missing",
        gettext_lazy("Daily report missing"),
        daily_reports.report_missing,
        timely=True,
        after_minutes=60,
        description=gettext_lazy(
            "At the cut-off: the township staff (and an institution's own staff) of each unit "
            "that has not filed; this many minutes later, the bureau, a count per township."
        ),
    ),
    RuleSpec(
        "shift-reminder",
        gettext_lazy("Shift reminder"),
        duty.shift_reminder,
        timely=True,
        after_minutes=60,
        description=gettext_lazy(
            "The day before (from 08:00) and this many minutes before: each person on the shift."
        ),
    ),
    RuleSpec(
        "missed-check-in",
        gettext_lazy("Not checked in (脱岗)"),
        duty.missed_check_in,
        urgent=True,
        after_minutes=15,
        repeat_minutes=15,
        description=gettext_lazy(
            "After the start: the person, the shift's leader, the county duty room and the "
            "robots; one step later, the bureau's leader on duty."
        ),
    ),
    RuleSpec(
        "roster-gap",
        gettext_lazy("Gap in a duty roster"),
        duty.roster_gaps,
        lead_days=7,
        description=gettext_lazy(
            "Nobody rostered in the coming days: admins and the township, daily."
        ),
    ),
    RuleSpec(
        "handover-unread",
        gettext_lazy("Handover not acknowledged"),
        duty.handover_unread,
        timely=True,
        after_minutes=30,
        description=gettext_lazy("This long into the next shift: the next shift's people."),
    ),
    RuleSpec(
        "incident-filed",
        gettext_lazy("Incident reported"),
        duty.incident_filed,
        urgent=True,
        description=gettext_lazy(
            "At once: the county duty room and the robots; the leader on duty for a serious one."
        ),
    ),
    RuleSpec(
        "incident-unacknowledged",
        gettext_lazy("Incident not acknowledged"),
        duty.incident_unacknowledged,
        urgent=True,
        after_minutes=10,
        repeat_minutes=10,
        description=gettext_lazy(
            "After this long: the bureau's leader on duty; then, at each step, the top of the "
            "chain, until someone acknowledges it."
        ),
    ),
    RuleSpec(
        "incident-reported-late",
        gettext_lazy("Incident reported late"),
        duty.incident_reported_late,
        urgent=True,
        description=gettext_lazy("First report later than the phone-report limit: the duty room."),
    ),
    RuleSpec(
        "epidemic-positive",
        gettext_lazy("Positive cases in a care home"),
        epidemic.follow_up_opened,
        urgent=True,
        description=gettext_lazy(
            "At once, and again whenever more positives are reported: the township, every "
            "bureau officer and the robots."
        ),
    ),
    RuleSpec(
        "epidemic-report-missing",
        gettext_lazy("Epidemic weekly report missing"),
        epidemic.report_missing,
        after_minutes=epidemic.DEFAULT_CUTOFF_MINUTES,
        description=gettext_lazy(
            "This many minutes into Monday (720: at 12:00), last week's care home reports not "
            "filed: once a week, each township's staff with its homes' names, and the bureau "
            "a count per township."
        ),
    ),
    RuleSpec(
        "spot-check-finding-unanswered",
        gettext_lazy("Spot check finding not followed up"),
        duty.spot_check_finding_unanswered,
        lead_days=2,
        description=gettext_lazy(
            "This many days after a failed spot check, daily until answered: the post's "
            "township (and an institution post's own staff); this many days after the answer, "
            "daily until closed: the officer who checked (the bureau once they have left)."
        ),
    ),
    RuleSpec(
        "plan-review-overdue",
        preparedness.RULE_NAME,
        preparedness.plan_review_overdue,
        description=preparedness.RULE_DESCRIPTION,
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


def run(*, frequent=None, now=None, codes=None):
    """Run the enabled rules: the frequent ones (urgent or timely), the routine ones, or all.

    Returns the number of new messages per rule.
    """
    now = now or timezone.now()
    rules = ensure_rules()
    scan = Scan.load(now)
    created = {}
    with override("zh-hans"):  # messages leave the system in Chinese
        for spec in RULES:
            rule = rules[spec.code]
            if not rule.is_enabled or (codes and spec.code not in codes):
                continue
            if frequent is not None and (rule.is_urgent or spec.timely) != frequent:
                continue
            # One transaction a rule: a subject's messages land all together or not at
            # all, which is what lets the rules skip, in SQL, the subjects already told.
            with transaction.atomic():
                created[spec.code] = notify(
                    rule, spec.due(rule, scan), now=now, send_out=rule.is_urgent or spec.timely
                )
    if sum(created.values()) >= REFRESH_STATISTICS_AFTER and connection.vendor == "postgresql":
        # After a large landing, the planner's row estimates for notifications are stale
        # until autovacuum's next ANALYZE, and a stale estimate turns the "already told?"
        # anti-join of the next scan into a nested loop over thousands of rows.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Notification._meta.db_table}")
    return created


# --- The morning digest ------------------------------------------------------

DIGEST_NAME = gettext_lazy("Morning digest")
DIGEST_DESCRIPTION = gettext_lazy(
    "At 07:30, one message a person with the counts of what is theirs."
)


def send_digests(*, now=None):
    """One message a person: counts of yesterday's unread non-urgent notifications by rule,
    and for township staff the people of their township overdue for a home visit."""
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
        visits = str(_("People overdue for a home visit"))
        scan = Scan.load(now)
        for township, n in relief.overdue_visits_by_township(today):
            for user in scan.township_staff[township]:
                counts[user][visits] = n
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
