from relief.models import Application, ApplicationStatus, Person


def panels(user):
    if not (user.is_county_wide or user.is_township_staff):
        return []
    waiting = ApplicationStatus.REVIEWED if user.is_county_wide else ApplicationStatus.SUBMITTED
    return [
        {
            "template": "relief/_home_panel.html",
            "overdue_visits": Person.objects.visible_to(user).overdue_for_visit().count(),
            "waiting": Application.objects.visible_to(user).filter(status=waiting).count(),
        }
    ]
