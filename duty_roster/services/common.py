"""What the duty services share: the local zone, one-time form tokens, row locks."""

import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction

from institutions.models import User


def local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class AlreadySubmitted(Exception):  # not an error: the form was sent before
    """A create form was sent again (back button, double tap): `existing` is what the
    first sending created; the caller shows it instead of creating another."""

    def __init__(self, existing):
        super().__init__(existing)
        self.existing = existing


def check_not_submitted(model, token):
    if token is not None:
        existing = model.objects.filter(submission_token=token).first()
        if existing is not None:
            raise AlreadySubmitted(existing)


def create_once(model, token, **fields):
    """Create the row of a create form; a second sending of the same form (even at the
    same moment: the unique token waits for the first) raises AlreadySubmitted."""
    check_not_submitted(model, token)
    try:
        with transaction.atomic():
            return model.objects.create(submission_token=token, **fields)
    except IntegrityError:
        check_not_submitted(model, token)
        raise


def lock_people(people):
    """Serialise rostering and leave approval for these people: each side checks the
    other's rows after taking the lock, so neither can slip in between (ids in order,
    so two writers never wait for each other in a circle)."""
    ids = sorted({person.pk for person in people})
    list(User.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk"))


def violates(error, constraint):
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == constraint or constraint in str(error)
