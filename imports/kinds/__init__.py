"""The kinds of import, by the slug in their URLs."""

from imports.kinds.holidays import HolidayImport
from imports.kinds.institutions import InstitutionImport
from imports.kinds.people import PersonImport
from imports.kinds.rosters import RosterImport

KINDS = {
    kind.slug: kind
    for kind in (InstitutionImport(), PersonImport(), RosterImport(), HolidayImport())
}


def kinds_for(user):
    return [kind for kind in KINDS.values() if kind.may_import(user)]
