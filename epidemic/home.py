"""The home page's epidemic panel: one's own home's report of this week (filed or not), or,
for township and county staff, this week's homes filed and missing, positives and the open
follow-ups. Cached like the other dashboard figures (config.counts) and recounted after
any report or follow-up is saved."""

from config.counts import cached_figure
from epidemic import services
from epidemic.models import WeeklyReport, this_week, week_label

TOPIC = "epidemic"


def panels(user):
    if not (user.is_county_wide or user.is_township_staff or user.is_institution_staff):
        return []
    week = this_week()
    panel = cached_figure(
        TOPIC, f"panel:{week.isoformat()}", user, lambda: _panel(user, week), per_user=True
    )
    return [panel] if panel else []


def _panel(user, week):
    panel = {"template": "epidemic/_home_panel.html", "week": week_label(week)}
    if user.is_institution_staff:
        institution = user.institution
        if not services.reports_for(institution):
            return {}
        report = WeeklyReport.objects.filter(institution=institution, week=week).first()
        # Plain values: the panel is kept in the cache.
        panel["own"] = {
            "pk": institution.pk,
            "name": institution.name,
            "report_pk": report.pk if report else None,
            "positives": report.positives if report else 0,
        }
        return panel
    _rows, total = services.county_week(user, week)
    panel["total"] = total
    panel["open_follow_ups"] = services.open_follow_ups(user).count()
    return panel
