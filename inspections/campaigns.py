"""Campaigns fan out into the inspections that are due.

One statement per campaign does the work in the database: every target institution
crossed with every due date, less the inspections that exist already, is inserted,
and the same statement writes the history row (django-simple-history's "created")
of each inspection it inserted. A run that finds nothing new costs the same few
statements however many institutions the campaign covers.
"""

import hashlib

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from config.counts import cached_figure, invalidate
from inspections.home import TOPIC
from inspections.models import Campaign, Inspection, InspectionStatus

LOOKAHEAD_DAYS = 7

# The columns an inspection is created with; the rest are empty (null) until it is filled in.
_CREATED_COLUMNS = (
    "institution_id",
    "version_id",
    "campaign_id",
    "level",
    "due_on",
    "status",
    "inspector_name",
    "person_present",
    "created_at",
)
# Every column of the inspection, copied into its history row.
_HISTORY_COLUMNS = (*_CREATED_COLUMNS, "id", "inspector_id", "submitted_at", "score")


def fan_out_campaign(campaign, *, today=None):
    """Create the inspections due up to a week ahead; safe to run again. Returns how many."""
    today = today or timezone.localdate()
    version = campaign.template.current_version()
    if version is None or not campaign.is_active:
        return 0
    horizon = today + timezone.timedelta(days=LOOKAHEAD_DAYS)
    due_dates = [d for d in campaign.due_dates(horizon) if d >= campaign.starts_on]
    if not due_dates:
        return 0
    if connection.vendor != "postgresql":
        return _fan_out_in_python(campaign, version, due_dates)
    targets_sql, targets_params = (
        campaign.target_institutions().order_by().values("pk").query.sql_with_params()
    )
    now = timezone.now()
    inspection = Inspection._meta.db_table
    history = Inspection.history.model._meta.db_table
    created = ", ".join(_CREATED_COLUMNS)
    copied = ", ".join(_HISTORY_COLUMNS)
    # NOT EXISTS skips what is there already (through the unique index on campaign,
    # institution and due date); ON CONFLICT skips what a concurrent run has just made.
    sql = f"""
        WITH created AS (
            INSERT INTO {inspection} ({created})
            SELECT target.id, %s, %s, %s, due.on_date, %s, '', '', %s
            FROM ({targets_sql}) AS target (id)
            CROSS JOIN unnest(%s::date[]) AS due (on_date)
            WHERE NOT EXISTS (
                SELECT 1 FROM {inspection} existing
                WHERE existing.campaign_id = %s
                  AND existing.institution_id = target.id
                  AND existing.due_on = due.on_date
            )
            ON CONFLICT DO NOTHING
            RETURNING *
        )
        INSERT INTO {history}
            ({copied}, history_date, history_change_reason, history_type, history_user_id)
        SELECT {copied}, %s, NULL, '+', NULL FROM created
    """  # noqa: S608 - tables and columns are ours; every value is a parameter
    params = [
        version.pk,
        campaign.pk,
        campaign.level,
        InspectionStatus.DRAFT,
        now,
        *targets_params,
        due_dates,
        campaign.pk,
        now,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _fan_out_in_python(campaign, version, due_dates):
    """The same, for SQLite (a first `make run`): no INSERT inside WITH there."""
    existing = set(
        Inspection.objects.filter(campaign=campaign, due_on__in=due_dates).values_list(
            "institution_id", "due_on"
        )
    )
    now = timezone.now()
    missing = [
        Inspection(
            institution_id=institution,
            version=version,
            campaign=campaign,
            level=campaign.level,
            due_on=due_on,
            status=InspectionStatus.DRAFT,
            created_at=now,
        )
        for institution in campaign.target_institutions().order_by().values_list("pk", flat=True)
        for due_on in due_dates
        if (institution, due_on) not in existing
    ]
    with transaction.atomic():
        return len(bulk_create_with_history(missing, Inspection, batch_size=500))


def fan_out_active_campaigns(*, today=None):
    today = today or timezone.localdate()
    campaigns = Campaign.objects.filter(
        is_active=True, starts_on__lte=today, ends_on__gte=today
    ).select_related("template")
    return sum(fan_out_campaign(campaign, today=today) for campaign in campaigns)


def launch_campaign(campaign, *, today=None):
    """Fan a campaign out now, as beat would tomorrow morning; the dashboard counts are
    recounted (the set-based insert sends no signal). Returns how many were created."""
    created = fan_out_campaign(campaign, today=today)
    if created:
        invalidate(TOPIC)
    return created


def campaigns_visible_to(user):
    """The campaigns a user may list: the county's for officers and admins; for township
    staff those that reach their township (picked institutions there, or, with none
    picked, their township chosen or no township chosen at all: the whole county)."""
    campaigns = Campaign.objects.all()
    if not (user.is_authenticated and user.is_active):
        return campaigns.none()
    if user.is_county_wide:
        return campaigns
    if not (user.is_township_staff and user.township_id):
        return campaigns.none()
    picked = Campaign.institutions.through.objects.filter(campaign_id=OuterRef("pk"))
    chosen = Campaign.townships.through.objects.filter(campaign_id=OuterRef("pk"))
    township = user.township_id
    return campaigns.filter(
        Exists(picked.filter(institution__township_id=township))
        | (~Exists(picked) & (~Exists(chosen) | Exists(chosen.filter(township_id=township))))
    )


def campaign_progress(user, campaign_ids, *, today=None):
    """{campaign id: {"done", "due", "overdue"}} over the inspections the user may see,
    for a page of campaigns: one grouped query, kept a minute per scope like the other
    dashboard figures (an inspection saved starts them afresh)."""
    today = today or timezone.localdate()
    ids = sorted(campaign_ids)
    if not ids:
        return {}
    draft = Q(status=InspectionStatus.DRAFT)

    def count():
        rows = (
            Inspection.objects.visible_to(user)
            .filter(campaign_id__in=ids)
            .order_by()
            .values("campaign_id")
            .annotate(
                done=Count("pk", filter=Q(status=InspectionStatus.SUBMITTED)),
                due=Count("pk", filter=draft & Q(due_on__gte=today)),
                overdue=Count("pk", filter=draft & Q(due_on__lt=today)),
            )
        )
        return {row["campaign_id"]: {k: row[k] for k in ("done", "due", "overdue")} for row in rows}

    page = hashlib.sha256(f"{today}:{ids}".encode()).hexdigest()[:16]
    return cached_figure(TOPIC, f"campaign_progress:{page}", user, count)


def start_adhoc_inspection(*, institution, version, level, today=None):
    """An inspection outside any campaign, due today. Asking again the same day for the
    same institution, checklist and level finds the draft already started (a double tap
    on a phone makes one inspection, not two)."""
    today = today or timezone.localdate()
    fields = {
        "institution": institution,
        "version": version,
        "level": level,
        "due_on": today,
        "campaign": None,
        "status": InspectionStatus.DRAFT,
    }
    existing = Inspection.objects.filter(**fields).order_by("pk").first()
    if existing is not None:
        return existing, False
    return Inspection.objects.create(**fields), True
