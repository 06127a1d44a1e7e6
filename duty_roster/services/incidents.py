"""Incidents: the first report to the county duty room, acknowledgement, follow-ups."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duty_roster.models import Incident, IncidentUpdate
from duty_roster.services.common import check_not_submitted, create_once
from duty_roster.validators import OUT_OF_SERVICE_YEARS, in_service_years
from institutions.scoping import can_see_institution

INCIDENT_MAX_AGE = datetime.timedelta(days=365)


@transaction.atomic
def report_incident(*, user, township, institution=None, submission_token=None, **fields):
    """File a first report; it lands in the county bureau duty room's queue at once."""
    if institution is not None:
        if not can_see_institution(user, institution):
            raise PermissionDenied
        township = institution.township
    elif not (user.is_county_wide or user.township_id == township.pk):
        raise PermissionDenied
    check_not_submitted(Incident, submission_token)
    now = timezone.now()
    occurred_at = fields["occurred_at"]
    if not in_service_years(occurred_at):
        raise ValidationError({"occurred_at": OUT_OF_SERVICE_YEARS})
    if occurred_at > now:
        raise ValidationError(
            {"occurred_at": _("An incident cannot be reported before it happened.")}
        )
    if occurred_at < now - INCIDENT_MAX_AGE:
        raise ValidationError(
            {"occurred_at": _("This is more than a year ago; check the date of the incident.")}
        )
    incident = create_once(
        Incident,
        submission_token,
        township=township,
        institution=institution,
        reported_by=user,
        reported_at=now,
        **fields,
    )
    IncidentUpdate.objects.create(
        incident=incident,
        kind=IncidentUpdate.Kind.FIRST,
        author=user,
        at=now,
        text=fields["summary"],
    )
    return incident


@transaction.atomic
def acknowledge_incident(*, incident, user):
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not user.is_county_wide:
        raise PermissionDenied  # acknowledgement is the county duty room's
    if incident.acknowledged_at is None:
        incident.acknowledged_at = timezone.now()
        incident.acknowledged_by = user
        incident.save(update_fields=["acknowledged_at", "acknowledged_by"])
        IncidentUpdate.objects.create(
            incident=incident,
            kind=IncidentUpdate.Kind.ACKNOWLEDGED,
            author=user,
            at=incident.acknowledged_at,
        )
    return incident


@transaction.atomic
def add_incident_report(*, incident, user, text, final=False):
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not Incident.objects.visible_to(user).filter(pk=incident.pk).exists():
        raise PermissionDenied
    if incident.closed_at:
        raise ValidationError(_("A final report has been filed; the incident is closed."))
    if not text.strip():
        raise ValidationError({"text": _("Write the report.")})
    kind = IncidentUpdate.Kind.FINAL if final else IncidentUpdate.Kind.FOLLOW_UP
    update = IncidentUpdate.objects.create(incident=incident, kind=kind, author=user, text=text)
    if final:
        incident.closed_at = update.at
        incident.save(update_fields=["closed_at"])
    return update
