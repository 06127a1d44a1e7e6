"""The home page's daily-report panel: one's own unit filed or not (with the 零报告 button),
and the day's completion in one's scope, while a reporting period covers today.

The panel is a dashboard figure (config.counts): built at most once a minute per person,
and afresh after any report or period is saved, so the home page pays no query for it
while warm.
"""

from django.utils import timezone

from config.counts import cached_figure
from daily_reports import services

TOPIC = "daily_reports"


def panels(user):
    today = timezone.localdate()
    panel = cached_figure(
        TOPIC, f"panel:{today.isoformat()}", user, lambda: _panel(user, today), per_user=True
    )
    return [panel] if panel else []


def _panel(user, today):
    period = services.period_for(today)
    if period is None:
        return {}
    own = [
        {
            "name": institution.name if institution else township.name,
            "kind": "i" if institution else "t",
            "pk": institution.pk if institution else township.pk,
            "filed": services.current_report(today, township=township, institution=institution)
            is not None,
        }
        for township, institution in services.own_units(user)
    ]
    totals = None
    if not user.is_institution_staff:
        totals = services.completion_totals(services.completion(today, user, period=period))
    return {
        "template": "daily_reports/_home_panel.html",
        "day": today,
        "own": own,
        "totals": totals,
    }
