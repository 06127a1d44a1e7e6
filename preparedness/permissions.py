"""Who may write an institution's preparedness records: its own staff, the staff of its
township, and the county's officers and admins. The 三员 see and write nothing (they see
no institution at all). These read only objects already loaded."""

from institutions.scoping import can_see_institution


def can_write(user, institution):
    return can_see_institution(user, institution) and (
        user.is_county_wide or user.is_township_staff or user.is_institution_staff
    )


def can_view_county_lists(user):
    """The matrices and lists across institutions (an institution's staff see one row)."""
    return user.is_active and (
        user.is_county_wide or user.is_township_staff or user.is_institution_staff
    )
