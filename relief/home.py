from institutions.counts import cached_figure
from relief.models import Application, Person


def panels(user):
    if not (user.is_county_wide or user.is_township_staff):
        return []
    return [
        {
            "template": "relief/_home_panel.html",
            "overdue_visits": cached_figure(
                "relief",
                "overdue_visits",
                user,
                lambda: Person.objects.visible_to(user).overdue_for_visit().count(),
            ),
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
