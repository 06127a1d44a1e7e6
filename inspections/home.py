"""The counts officers and clerks see on their pages, kept a minute per scope.

Counting a county's hazards reads tens of thousands of index entries, and every page view
of every officer would do it again. The counts are dashboard figures of the shared
`config.counts` (the cache, Redis in production): counted once per scope (the
county, one township, one institution) and kept at most a minute; a hazard or an
inspection saved starts them afresh (see apps.py), and the campaign fan-out's bulk
insert, which sends no signal, shows within the minute.
"""

from django.db.models import Count, Q
from django.utils import timezone

from config.counts import cached_figure
from inspections.models import Hazard, HazardStatus, Inspection, InspectionStatus

TOPIC = "inspections"


def panels(user):
    inspections, hazards = inspection_counts(user), hazard_counts(user)
    panel = {
        "template": "inspections/_home_panel.html",
        "due": inspections["due"],
        "overdue": inspections["overdue"],
        "overdue_hazards": hazards["overdue"],
        "awaiting": hazards["awaiting"],
    }
    if user.is_county_wide:
        panel["supervised"] = hazards["supervised"]  # the bureau's own work list
    return [panel]


def hazard_counts(user):
    """Unresolved, overdue, awaiting verification and supervised hazards in the user's scope."""
    return _cached("hazard_counts", user, _count_hazards)


def inspection_counts(user):
    """Draft inspections due (today or later) and overdue in the user's scope."""
    return _cached("inspection_counts", user, _count_inspections)


def _count_hazards(user, today):
    # Every count is of unresolved hazards: an index-only scan of the partial index
    # hazard_unresolved_deadline, which holds just those rows and the columns tested.
    return (
        Hazard.objects.visible_to(user)
        .unresolved()
        .aggregate(
            unresolved=Count("pk"),
            overdue=Count("pk", filter=Q(deadline__lt=today)),
            awaiting=Count("pk", filter=Q(status=HazardStatus.SUBMITTED)),
            supervised=Count("pk", filter=Q(supervised_at__isnull=False)),
        )
    )


def _count_inspections(user, today):
    return (
        Inspection.objects.visible_to(user)
        .filter(status=InspectionStatus.DRAFT)
        .aggregate(
            due=Count("pk", filter=Q(due_on__gte=today)),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
        )
    )


def _cached(name, user, count):
    today = timezone.localdate()
    # The day is part of the name: what is overdue changes at midnight.
    return cached_figure(TOPIC, f"{name}:{today.isoformat()}", user, lambda: count(user, today))
