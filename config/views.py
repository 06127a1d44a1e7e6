"""Project-wide pages: the role-aware home page and the health check."""

import importlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config import health
from config.counts import cached_figure
from institutions.models import Institution, InstitutionKind, Township


@login_required
def home(request):
    """Each role sees its own work: its institution, its township, or the county.

    The county-wide figures (totals, kinds, townships, the attention list) are counted once
    a minute per scope, or after an institution changes (config.counts), not on every
    view of every officer's home page.
    """
    user = request.user
    if user.is_village_worker:
        # No institution is theirs: their village's people and reports only.
        return render(request, "home.html", {"panels": home_panels(user), "village_home": True})
    institutions = Institution.objects.visible_to(user).active()

    def figure(name, compute):
        return cached_figure("institutions", name, user, compute)

    context = {
        "attention": figure(
            "home:attention",
            lambda: list(institutions.needing_attention().select_related("township")[:20]),
        ),
        "totals": figure(
            "home:totals",
            lambda: institutions.aggregate(
                count=Count("pk"),
                residents=Sum("residents"),
                residents_80_plus=Sum("residents_aged_80_plus"),
            ),
        ),
    }
    if user.is_institution_staff:
        context["own_institution"] = institutions.select_related("township").first()
    else:
        context["by_kind"] = [
            {"kind": row["kind"], "kind_label": InstitutionKind(row["kind"]).label, "n": row["n"]}
            for row in figure(
                "home:by_kind",
                lambda: list(institutions.values("kind").annotate(n=Count("pk")).order_by("kind")),
            )
        ]
    if user.is_county_wide:
        context["townships"] = figure(
            "townships", lambda: list(Township.objects.with_institution_totals())
        )
    context["panels"] = home_panels(user)
    return render(request, "home.html", context)


# Apps that put their own work on the home page through `<app>.home.panels(user)`.
HOME_PANEL_APPS = [
    "inspections",
    "duty_roster",
    "relief",
    "daily_reports",
    "preparedness",
    "epidemic",
    "accountability",
]


def home_panels(user):
    """Each panel is {"template": ..., plus that template's context}, in app order."""
    panels = []
    # A village worker's work is their village's people (relief's panel); the other panels
    # count what they may not open.
    apps = ["relief"] if user.is_village_worker else HOME_PANEL_APPS
    for app in apps:
        try:
            module = importlib.import_module(f"{app}.home")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.home":
                raise
            continue
        panels.extend(module.panels(user))
    return panels


@never_cache
@require_GET
@transaction.non_atomic_requests
def healthz(request):
    """For monitoring: 200 when the database and the broker answer, 503 otherwise."""
    database_ok = health.database_is_up()
    broker_ok = health.broker_is_up()
    heartbeat_age = health.worker_heartbeat_age_seconds()
    body = {
        "status": "ok" if database_ok and broker_ok else "error",
        "database": "ok" if database_ok else "error",
        "broker": "ok" if broker_ok else "error",
        # Informational: a worker that stopped running beat's heartbeat is worth a look.
        "worker_heartbeat_age_seconds": heartbeat_age,
        "worker": (
            "ok"
            if heartbeat_age is not None
            and heartbeat_age <= settings.CELERY_HEARTBEAT_STALE_SECONDS
            else "unknown"
        ),
    }
    return JsonResponse(body, status=200 if database_ok and broker_ok else 503)
