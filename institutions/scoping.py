"""The one rule of who may see what, shared by every app's `visible_to(user)`.

Bureau officers and admins see the whole county; township staff see their
township; institution staff see their own institution; a village worker sees the
people of their village, and only in the models that name a village (relief's
people, their visits and the children found). Anyone else, and any inactive
account, sees nothing.
"""

import hashlib

from django.db.models import Q


def scope_q(user, *, township_path, institution_path, village_path=None):
    """A Q object that keeps the rows `user` may see, or None for "everything".

    `township_path` and `institution_path` name the lookups from the model being
    filtered to its Township and Institution, e.g. "institution__township" and
    "institution"; institution_path may be None when rows belong to no institution
    (then institution staff see none of them). `village_path` names the lookup to the
    row's village (a Person's `village`): only models that give it are seen by a village
    worker, the rows of their township and village.
    """
    if not (user and user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.is_county_wide:
        return None
    if user.is_township_staff and user.township_id:
        return Q(**{_id_lookup(township_path): user.township_id})
    if user.is_institution_staff and user.institution_id and institution_path:
        return Q(**{_id_lookup(institution_path): user.institution_id})
    if user.is_village_worker and user.township_id and user.village and village_path:
        return Q(**{_id_lookup(township_path): user.township_id, village_path: user.village})
    return Q(pk__in=[])


def filter_visible(queryset, user, *, township_path, institution_path, village_path=None):
    condition = scope_q(
        user,
        township_path=township_path,
        institution_path=institution_path,
        village_path=village_path,
    )
    return queryset if condition is None else queryset.filter(condition)


def _id_lookup(path):
    # "institution__township" -> "institution__township_id"; "pk" stays "pk".
    return path if path == "pk" else f"{path}_id"


def can_see_institution(user, institution):
    """The same rule as scope_q, for one institution already in memory (no query)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_county_wide:
        return True
    if user.is_township_staff:
        return bool(user.township_id) and institution.township_id == user.township_id
    if user.is_institution_staff:
        return bool(user.institution_id) and institution.pk == user.institution_id
    return False


def scope_key(user):
    """A short name for what `user` may see, the same for everyone who sees the same rows:
    the part of a cache key that keeps one township's figures from another's."""
    if not (user and user.is_authenticated and user.is_active):
        return "none"
    if user.is_county_wide:
        return "county"
    if user.is_township_staff and user.township_id:
        return f"t{user.township_id}"
    if user.is_institution_staff and user.institution_id:
        return f"i{user.institution_id}"
    if user.is_village_worker and user.township_id and user.village:
        village = hashlib.sha256(user.village.encode()).hexdigest()[:16]
        return f"v{user.township_id}-{village}"
    return "none"
