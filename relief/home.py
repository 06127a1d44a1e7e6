from config.counts import cached_figure
from relief.models import Application, ChildRecognition, FoundReport, Person


def overdue_visits_count(user):
    """How many people in the user's scope are overdue for a home visit: a cached figure
    (config.counts), shared by the home panel and the relief home page."""
    return cached_figure(
        "relief",
        "overdue_visits",
        user,
        lambda: Person.objects.visible_to(user).overdue_for_visit().count(),
    )


def _found_open(user):
    return cached_figure(
        "relief", "found_open", user, lambda: FoundReport.objects.visible_to(user).open().count()
    )


def _children_waiting(user):
    return cached_figure(
        "relief",
        "children_waiting",
        user,
        lambda: ChildRecognition.objects.visible_to(user).waiting().count(),
    )


def panels(user):
    if user.is_village_worker:
        return [
            {
                "template": "relief/_village_home_panel.html",
                "overdue_visits": overdue_visits_count(user),
                "found_open": _found_open(user),
                "children_waiting": _children_waiting(user),
            }
        ]
    if not (user.is_county_wide or user.is_township_staff):
        return []
    return [
        {
            "template": "relief/_home_panel.html",
            "overdue_visits": overdue_visits_count(user),
            "found_open": _found_open(user),
            "children_waiting": _children_waiting(user),
            # Township staff do not review what they filed themselves: a count of their own.
            "waiting": cached_figure(
                "relief",
                "applications_waiting",
                user,
                lambda: Application.objects.waiting_for(user).count(),
                per_user=not user.is_county_wide,
            ),
        }
    ]
