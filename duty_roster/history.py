"""A shift's 变更记录 with its duty officers (Shift.history keeps them: m2m_fields).

config.history.recent_changes says the officers' changes too (Source.m2m_fields). A
shift's officers are known from the first version that has officers on: shifts rostered
before the officers were kept got their officers as of the migration on their latest
version (0019), and a new shift's first version is written before its officers are set
(create, then officers.set), so its "created" line is not followed by a line saying they
were added.
"""

from config.history import Source, recent_changes
from duty_roster.models import SwapRequest


def shift_history(user, shift):
    """The shift's changes (with its officers') and its swap requests', newest first."""
    return recent_changes(
        user,
        Source(shift.history.all(), m2m_fields=("officers",)),
        Source(
            SwapRequest.history.filter(shift_id=shift.pk).select_related(
                "requested_by", "replacement"
            ),
            describe=lambda row: f"{row.requested_by} → {row.replacement}",
        ),
    )
