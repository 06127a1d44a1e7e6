"""The home page's daily-report panel: one's own unit filed or not (with the 零报告 button),
and the day's completion in one's scope, while a reporting period covers today."""

from django.utils import timezone

from config.counts import cached_figure
from daily_reports import services

TOPIC = "daily_reports"


def panels(user):
    today = timezone.localdate()
    period = services.period_for(today)
    if period is None:
        return []
    own = []
    for township, institution in services.own_units(user):
        own.append(
            {
                "name": institution.name if institution else township.name,
                "kind": "i" if institution else "t",
                "pk": institution.pk if institution else township.pk,
                "report": services.current_report(
                    today, township=township, institution=institution
                ),
            }
        )
    totals = None
    if not user.is_institution_staff:
        totals = cached_figure(
            TOPIC,
            f"completion:{today.isoformat()}",
            user,
            lambda: services.completion_totals(services.completion(today, user)),
        )
    return [
        {"template": "daily_reports/_home_panel.html", "day": today, "own": own, "totals": totals}
    ]
