from config.counts import cached_figure
from relief.models import Application, Person


def overdue_visits_count(user):
    """How many people in the user's scope are overdue for a home visit: a cached figure
    (config.counts), shared by the home panel and the relief home page."""
    return cached_figure(
        "relief",
        "overdue_visits",
        user,
        lambda: Person.objects.visible_to(user).overdue_for_visit().count(),
    )


def panels(user):
    if not (user.is_county_wide or user.is_township_staff):
        return []
    return [
        {
            "template": "relief/_home_panel.html",
            "overdue_visits": overdue_visits_count(user),
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
