"""The counts officers and clerks see on their pages, cached for a minute per scope.

Counting a county's hazards reads tens of thousands of index entries; every page view
of every officer would do it again. The counts are kept in the cache (Redis in
production) for COUNTS_SECONDS under a key naming the scope they were counted in
(the county, one township, one institution) and the day (what is overdue changes at
midnight), so a township's clerks share their township's counts and never see
another's. A change shows within a minute.
"""

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from inspections.models import Hazard, HazardStatus, Inspection, InspectionStatus

COUNTS_SECONDS = 60


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
    return _cached("hazards", user, _count_hazards)


def inspection_counts(user):
    """Draft inspections due (today or later) and overdue in the user's scope."""
    return _cached("inspections", user, _count_inspections)


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


def _cached(subject, user, count):
    today = timezone.localdate()
    scope = scope_key(user)
    if scope is None:
        return count(user, today)
    key = f"inspections:{subject}-counts:{scope}:{today.isoformat()}"
    return cache.get_or_set(key, lambda: count(user, today), COUNTS_SECONDS)


def scope_key(user):
    """The scope `visible_to(user)` filters by, as a cache key part (None: not cached)."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    if user.is_county_wide:
        return "county"
    if user.is_township_staff and user.township_id:
        return f"township-{user.township_id}"
    if user.is_institution_staff and user.institution_id:
        return f"institution-{user.institution_id}"
    return None
