"""Campaigns fan out into the inspections that are due."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from inspections.models import Campaign, Inspection

LOOKAHEAD_DAYS = 7


def fan_out_campaign(campaign, *, today=None):
    """Create the inspections due up to a week ahead; safe to run again. Returns how many."""
    today = today or timezone.localdate()
    version = campaign.template.current_version()
    if version is None or not campaign.is_active:
        return 0
    horizon = today + timezone.timedelta(days=LOOKAHEAD_DAYS)
    due_dates = [d for d in campaign.due_dates(horizon) if d >= campaign.starts_on]
    institutions = list(campaign.target_institutions())
    existing = set(
        Inspection.objects.filter(campaign=campaign).values_list("institution_id", "due_on")
    )
    created = 0
    for due_on in due_dates:
        for institution in institutions:
            if (institution.pk, due_on) in existing:
                continue
            try:
                with transaction.atomic():
                    Inspection.objects.create(
                        institution=institution,
                        version=version,
                        campaign=campaign,
                        level=campaign.level,
                        due_on=due_on,
                    )
                created += 1
            except IntegrityError:
                continue  # another run created it in the meantime
    return created


def fan_out_active_campaigns(*, today=None):
    today = today or timezone.localdate()
    campaigns = Campaign.objects.filter(is_active=True, starts_on__lte=today, ends_on__gte=today)
    return sum(fan_out_campaign(campaign, today=today) for campaign in campaigns)
