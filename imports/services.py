"""The import pipeline: rows of a workbook → the app's form per row → one bulk write.

Checks: each row through the app's own form (imports.forms), keys repeated within the file,
and keys against the database in one query per key. Lookups are made once per import, never
per row, so an import's queries do not grow with its rows (beyond bulk_create's batches).

Idempotent on natural keys (an institution's credit code, a person's ID number): a row
whose key is already registered in the user's scope is counted as "already registered" and
left as it is: re-importing a file changes nothing, and an import never overwrites what
staff have edited since. Changing a record is done on its page. A key registered outside
the user's scope is an error that does not say where, and (as relief records a form's
attempt) confirming the import records the attempt for the bureau as a RegistrationConflict.

Never log an ID number: nothing here logs row values, and rejects go back only to the user
who uploaded the file (they need the number to correct it).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from config.counts import invalidate
from imports.kinds import KINDS, kinds_for  # noqa: F401 - the pipeline's entry points
from relief.models import RegistrationConflict


@dataclass
class Outcome:
    created: int
    existing: int
    rejected: int
    written: bool


def run_import(*, kind, user, rows, valid_only=False, progress=None):
    """Check `rows` and write them: all or nothing, or the valid rows only.

    `progress(n)`, when given, is called as each row has been checked."""
    if not kind.may_import(user):
        raise PermissionDenied
    checked = kind.check(user, rows, progress=progress)
    with transaction.atomic():
        for conflict in checked.conflicts:
            conflict.asked_by = user
        _record_conflicts(checked.conflicts)
        if checked.errors and not valid_only:
            return checked, Outcome(0, len(checked.existing), len(checked.bad_rows), False)
        created = kind.save(user, checked)
    return checked, Outcome(created, len(checked.existing), len(checked.bad_rows), True)


def _record_conflicts(conflicts):
    """Record each attempt once: importing the same file again adds no second record of
    an attempt the bureau has not resolved yet."""
    if not conflicts:
        return
    open_ones = set(
        RegistrationConflict.objects.open()
        .filter(person_id__in={conflict.person_id for conflict in conflicts})
        .values_list("person_id", "township_id")
    )
    new = [c for c in conflicts if (c.person_id, c.township.pk) not in open_ones]
    if new:
        RegistrationConflict.objects.bulk_create(new)
        invalidate("relief")


def rejects_sheet(kind, checked):
    """The rejected rows as they were read, with a reason column, for config.xlsx."""
    reasons = {}
    for error in checked.errors:
        text = f"{error.column}：{error.message}" if error.column else error.message
        reasons.setdefault(error.row, []).append(text)
    headers = [str(column.label) for column in kind.columns] + [_("Reason")]
    rows = ([*checked.rows[number], "；".join(reasons[number])] for number in sorted(reasons))
    return (_("Rejected rows"), headers, rows, None)
