"""A campaign's 变更记录 with its townships and hand-picked institutions.

simple_history keeps the many-to-many fields of Campaign (`m2m_fields`): each change of
them writes a version of the campaign (with its user and client address, see
config.history) and, with it, the set of townships and of institutions at that moment;
config.history.recent_changes says what changed in those sets, by name
(Source.m2m_fields).

Saving the form writes the campaign's fields first and then its sets (Django's `set()`
removes, then adds): the versions a person's one save leaves, a few seconds apart, are
one line here, as they were one act (Source.one_save).
"""

import datetime

from config.history import LATEST_VERSIONS, Source, recent_changes

# Versions this close together, by the same person from the same address, are one save.
ONE_SAVE = datetime.timedelta(seconds=5)


def campaign_history(user, campaign, *, limit=LATEST_VERSIONS):
    """recent_changes of the campaign, with the changes of its townships and institutions;
    None for a user who may not see it."""
    return recent_changes(
        user,
        Source(
            campaign.history.all(),
            m2m_fields=("townships", "institutions"),
            one_save=ONE_SAVE,
        ),
        limit=limit,
    )
