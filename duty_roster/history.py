"""A shift's 变更记录 with its duty officers (Shift.history keeps them: m2m_fields).

config.history.recent_changes compares a version's own columns; the officers live in
rows of their own (HistoricalShift_officers), one set per version. This adds their
changes to the shift's versions: two queries (the latest versions, their officers with
names), whatever the number of versions or officers.

A version's officers are known from the first version that has officer rows on: shifts
rostered before the officers were kept got their officers as of the migration on their
latest version (0019), and a new shift's first version is written before its officers are
set (create, then officers.set), so its "created" line is not followed by a line saying
they were added.
"""

from config.history import LATEST_VERSIONS, FieldChange, Source, Version, recent_changes
from duty_roster.models import Shift, SwapRequest


def shift_history(user, shift):
    """The shift's changes, its officers' and its swap requests', newest first."""
    history = recent_changes(
        user,
        Source(shift.history.all()),
        Source(
            SwapRequest.history.filter(shift_id=shift.pk).select_related(
                "requested_by", "replacement"
            ),
            describe=lambda row: f"{row.requested_by} → {row.replacement}",
        ),
    )
    if history is None:
        return None
    rows = list(
        shift.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : LATEST_VERSIONS + 1
        ]
    )
    changes = officer_changes(rows)
    if not changes:
        return history
    own = {v.when: v for v in history.versions if not v.model_label}
    for row, change in changes:
        version = own.get(row.history_date)
        if version is None:
            version = Version(
                when=row.history_date,
                who=row.history_user,
                address=row.ip_address,
                kind=row.history_type,
            )
            history.versions.append(version)
        version.changes.append(change)
    history.versions.sort(key=lambda v: v.when, reverse=True)
    if len(history.versions) > LATEST_VERSIONS:
        history.versions = history.versions[:LATEST_VERSIONS]
        history.has_more = True
    return history


def officer_changes(rows):
    """(row, FieldChange) for each of `rows` (newest first) whose officers differ from the
    version before it's."""
    officers_model = Shift.history.model.officers.model
    names = {}
    for link in officers_model.objects.filter(
        history_id__in=[row.history_id for row in rows]
    ).select_related("user"):
        names.setdefault(link.history_id, {})[link.user_id] = str(link.user)
    oldest_known = max(
        (index for index, row in enumerate(rows) if row.history_id in names), default=None
    )
    if oldest_known is None:
        return []
    label = Shift._meta.get_field("officers").verbose_name
    found = []
    for index in range(oldest_known):
        newer, older = rows[index], rows[index + 1]
        before, after = names.get(older.history_id, {}), names.get(newer.history_id, {})
        if set(before) != set(after):
            found.append((newer, FieldChange(label=label, old=_said(before), new=_said(after))))
    return found


def _said(people):
    return "、".join(sorted(people.values())) or None
