"""Who may do what to an inspection or a hazard: scope first, then role.

These read only objects already loaded, so templates may ask them per button.
"""

from inspections.models import Level
from institutions.scoping import can_see_institution


def can_fill(user, inspection):
    if not can_see_institution(user, inspection.institution):
        return False
    if user.is_county_wide:
        return True
    if user.is_township_staff:
        return inspection.level != Level.SUPERVISORY
    return user.is_institution_staff and inspection.level == Level.SELF


def can_rectify(user, hazard):
    """The institution fixes its hazards; township staff may record it for them."""
    return can_see_institution(user, hazard.institution) and (
        user.is_institution_staff or user.is_township_staff
    )


def can_verify(user, hazard):
    return can_see_institution(user, hazard.institution) and (
        user.is_county_wide or user.is_township_staff
    )


def can_raise(user, institution):
    return can_see_institution(user, institution) and (
        user.is_county_wide or user.is_township_staff
    )
