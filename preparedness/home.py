from django.utils import timezone

from config.counts import cached_figure
from preparedness.models import Plan, Supply


def panels(user):
    """The home page's preparedness card: plans past their review date and flagged supply
    lines in the user's scope, counted at most once a minute per scope (see apps.py)."""
    if user.is_security_role:
        return []
    today = timezone.localdate()
    return [
        {
            "template": "preparedness/_home_panel.html",
            "plans_overdue": cached_figure(
                "preparedness",
                f"plans_overdue:{today:%Y%m%d}",
                user,
                lambda: Plan.objects.visible_to(user).overdue(today).count(),
            ),
            "supplies_flagged": cached_figure(
                "preparedness",
                f"supplies_flagged:{today:%Y%m%d}",
                user,
                lambda: Supply.objects.visible_to(user).active().flagged(today).count(),
            ),
        }
    ]
