"""What several duty models share: bounded times, the create-form token, request states."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from duty_roster.validators import validate_service_years

BOUNDED = {"validators": [validate_service_years]}


def submission_token_field():
    """The create form's hidden one-time token: the database refuses a second row from
    the same form (the back button and send again), and the second send lands on the first."""
    return models.UUIDField(_("form token"), null=True, blank=True, unique=True, editable=False)


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted by colleague")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
