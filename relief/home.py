from relief.models import Application, Person


def panels(user):
    if not (user.is_county_wide or user.is_township_staff):
        return []
    return [
        {
            "template": "relief/_home_panel.html",
            "overdue_visits": Person.objects.visible_to(user).overdue_for_visit().count(),
            "waiting": Application.objects.waiting_for(user).count(),
        }
    ]
