"""Writes that span rows: a new plan version superseding the last, a drill that raises a
hazard from the problems it found, and a supply movement that moves the line's stock."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from inspections.services import raise_hazard
from institutions.models import Institution
from preparedness.models import Drill, MovementKind, Plan, Supply, SupplyMovement
from preparedness.permissions import can_write


class AlreadySuperseded(Exception):
    """The form was made for a version that is no longer the latest: sent twice (back
    button, double tap), or someone saved a version meanwhile. `latest` is that version."""

    def __init__(self, latest):
        super().__init__(latest)
        self.latest = latest


@transaction.atomic
def add_plan_version(*, institution, user, kind, supersedes=None, **fields):
    """Record a new version of `kind` of plan; the current one (if any) is superseded.

    `supersedes` is the version number the form was made from (0 for none): when another
    version was saved since, nothing is recorded (AlreadySuperseded). The institution's
    row is locked so two versions sent at once are checked and numbered in turn.
    """
    if not can_write(user, institution):
        raise PermissionDenied
    Institution.objects.select_for_update().filter(pk=institution.pk).first()
    earlier = Plan.objects.filter(institution=institution, kind=kind).order_by("-version").first()
    if supersedes is not None and (earlier.version if earlier else 0) != supersedes:
        raise AlreadySuperseded(earlier)
    if earlier is not None:
        Plan.objects.filter(institution=institution, kind=kind, is_current=True).update(
            is_current=False
        )
    plan = Plan(
        institution=institution,
        kind=kind,
        version=(earlier.version + 1) if earlier else 1,
        is_current=True,
        created_by=user,
        **fields,
    )
    plan.full_clean()
    plan.save()
    return plan


class AlreadyRecorded(Exception):
    def __init__(self, existing):
        super().__init__(existing)
        self.existing = existing


def record_drill(*, institution, user, hazard=None, token=None, **fields):
    """Record a drill; with `hazard` (category, severity, deadline), raise a hazard from its
    problems through the inspections service, in the same transaction: no drill without
    its hazard, no hazard without its drill. The same form (token) sent again records
    nothing and raises AlreadyRecorded with the drill it recorded."""
    if not can_write(user, institution):
        raise PermissionDenied
    if token is not None and (earlier := _drill_recorded_with(token, institution, user)):
        raise AlreadyRecorded(earlier)
    drill = Drill(institution=institution, recorded_by=user, submission_token=token, **fields)
    drill.full_clean(exclude=["submission_token"])
    try:
        with transaction.atomic():
            if hazard is not None:
                if not drill.problems:
                    raise ValidationError(
                        {"problems": _("Describe the problems found to raise a hazard from them.")}
                    )
                drill.hazard = raise_hazard(
                    institution=institution,
                    user=user,
                    description=drill.problems,
                    token=token,
                    **hazard,
                )
            drill.save()
    except IntegrityError:
        # The same form, sent twice at once: the other request recorded it first.
        if token is not None and (earlier := _drill_recorded_with(token, institution, user)):
            raise AlreadyRecorded(earlier) from None
        raise
    return drill


def _drill_recorded_with(token, institution, user):
    drill = Drill.objects.filter(submission_token=token).first()
    if drill is None:
        return None
    if drill.institution_id != institution.pk or drill.recorded_by_id != user.pk:
        # Someone else's form: never reveal or reuse their record.
        raise ValidationError(
            _("This form had expired and has been renewed: check it and save again.")
        )
    return drill


def record_movement(*, supply, user, kind, quantity, moved_on, note="", token=None):
    """Record items received into (入库) or given out of (发放) a supply line, and move its
    quantity by as much, in one transaction. The line is locked (SELECT ... FOR UPDATE)
    so that two movements at once are checked against the stock in turn: giving out more
    than is in stock is refused beside the quantity, and nothing is saved. The same form
    (token) sent again records nothing and raises AlreadyRecorded with its movement."""
    if not can_write(user, supply.institution):
        raise PermissionDenied
    if token is not None and (earlier := _movement_recorded_with(token, supply, user)):
        raise AlreadyRecorded(earlier)
    movement = SupplyMovement(
        supply=supply,
        kind=kind,
        quantity=quantity,
        moved_on=moved_on,
        note=note,
        recorded_by=user,
        submission_token=token,
    )
    movement.full_clean(exclude=["supply", "submission_token"])
    try:
        with transaction.atomic():
            locked = Supply.objects.select_for_update().get(pk=supply.pk)
            if kind == MovementKind.GIVEN and quantity > locked.quantity:
                raise ValidationError(
                    {
                        "quantity": _("Only %(stock)d %(unit)s in stock: you cannot give out more.")
                        % {"stock": locked.quantity, "unit": locked.unit}
                    }
                )
            movement.supply = locked
            movement.save()
            locked.quantity += movement.signed_quantity
            locked.updated_by = user
            locked.save(update_fields=["quantity", "updated_by", "updated_at"])
    except IntegrityError:
        # The same form, sent twice at once: the other request recorded it first.
        if token is not None and (earlier := _movement_recorded_with(token, supply, user)):
            raise AlreadyRecorded(earlier) from None
        raise
    supply.quantity = locked.quantity
    return movement


def _movement_recorded_with(token, supply, user):
    movement = SupplyMovement.objects.filter(submission_token=token).first()
    if movement is None:
        return None
    if movement.supply_id != supply.pk or movement.recorded_by_id != user.pk:
        # Someone else's form: never reveal or reuse their record.
        raise ValidationError(
            _("This form had expired and has been renewed: check it and save again.")
        )
    return movement
