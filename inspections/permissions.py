"""Who may do what to an inspection or a hazard: scope first, then role.

These read only objects already loaded, so templates may ask them per button.
Once the bureau supervises a hazard (挂牌督办), closing it, sending it back and
giving it more time are the bureau's alone; rectifying it stays with the
institution and the township.
"""

from inspections.models import Level
from institutions.models import Role
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
    """Verify and close (销号) or send back: the township, or only the bureau once supervised."""
    if not can_see_institution(user, hazard.institution):
        return False
    if hazard.is_supervised:
        return user.is_county_wide
    return user.is_county_wide or user.is_township_staff


def can_decide_extension(user, extension):
    """Approve or refuse more time: whoever may verify, never the one who asked."""
    return can_verify(user, extension.hazard) and extension.requested_by_id != user.pk


def can_raise(user, institution):
    return can_see_institution(user, institution) and (
        user.is_county_wide or user.is_township_staff
    )


def is_admin(user):
    return user.is_active and (user.is_superuser or user.role == Role.ADMIN)


def can_take_over_supervision(user, hazard):
    """由我督办: a bureau officer takes a supervised hazard nobody supervises yet
    (or already theirs); an admin may take over any supervised hazard."""
    if not (hazard.is_supervised and user.is_county_wide and user.is_active):
        return False
    if is_admin(user):
        return True
    return hazard.supervised_by_id in (None, user.pk)


def can_assign_supervisor(user, hazard):
    return hazard.is_supervised and is_admin(user)


def can_supervise(officer):
    """Who may be a hazard's supervising officer: an active bureau officer or admin."""
    return officer.is_active and officer.is_county_wide


# --- Campaigns and ad-hoc inspections ----------------------------------------
# Organising campaigns (检查任务) is the county's work: the bureau's officers and its
# admins. Township staff see the campaigns that reach their township and fill them in,
# but do not create or change them: a campaign has no owner, so a clerk allowed to edit
# "their township's" campaigns could rewrite a county campaign that only covers them.
# For one institution of their own they start an ad-hoc inspection instead.


def can_manage_campaigns(user):
    return user.is_active and user.is_county_wide


def can_view_campaigns(user):
    return user.is_active and (user.is_county_wide or bool(user.is_township_staff))


def can_start_adhoc(user):
    """Start an ad-hoc inspection (or a drill record) at all: officers, admins, township staff."""
    return user.is_active and (user.is_county_wide or bool(user.is_township_staff))


def can_start_adhoc_at(user, institution):
    return can_start_adhoc(user) and can_see_institution(user, institution)


def adhoc_level(user):
    """An officer's visit is a supervisory inspection (督导检查); a clerk's, a township one."""
    return Level.SUPERVISORY if user.is_county_wide else Level.TOWNSHIP


def can_compare_levels(user):
    """The three levels compared (inspections.levels): the business roles, each in their
    scope; the 三员 see no institution's inspections."""
    return user.is_active and bool(
        user.is_county_wide or user.is_township_staff or user.is_institution_staff
    )
