"""A campaign's 变更记录 with its townships and hand-picked institutions.

simple_history keeps the many-to-many fields of Campaign (`m2m_fields`): each change of
them writes a version of the campaign (with its user and client address, see
config.history) and, with it, the set of townships and of institutions at that moment.
config.history.recent_changes compares the campaign's own fields only; this adds what
changed in those sets, said by name.

Saving the form writes the campaign's fields first and then its sets (Django's `set()`
removes, then adds): the versions a person's one save leaves, a few seconds apart, are
one line here, as they were one act.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from config.history import LATEST_VERSIONS, FieldChange, History, Source, Version, recent_changes
from inspections.models import Campaign
from institutions.models import Institution, Township

# Versions this close together, by the same person from the same address, are one save.
ONE_SAVE = datetime.timedelta(seconds=5)


@dataclass(frozen=True)
class Tracked:
    name: str  # the m2m field of Campaign
    column: str  # its id in the historical through table
    model: type
    label: str


TRACKED = (
    Tracked("townships", "township_id", Township, _("townships")),
    Tracked("institutions", "institution_id", Institution, _("hand-picked institutions")),
)


def campaign_history(user, campaign, *, limit=LATEST_VERSIONS):
    """recent_changes of the campaign, with the changes of its townships and institutions;
    None for a user who may not see it. A fixed number of queries: the versions, one a set
    for their members, one a set for the names."""
    history = recent_changes(user, Source(campaign.history.all()), limit=limit)
    if history is None:
        return None
    rows = list(
        campaign.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )[::-1]
    if not rows:
        return history
    # More versions than are shown: the oldest fetched is only what the next is compared with.
    base = rows[0] if len(rows) > limit else None
    members = _members(rows)
    names = _names(members)
    shown = {(v.when, v.kind): v for v in history.versions}
    added = []
    for group in _saves(rows):
        if group[0] is base:
            continue
        before = _before(rows, group)
        changes = []
        for tracked in TRACKED:
            old = (
                members[tracked.name].get(before.history_id, frozenset()) if before else frozenset()
            )
            new = members[tracked.name].get(group[-1].history_id, frozenset())
            if old != new:
                changes.append(
                    FieldChange(
                        label=tracked.label,
                        old=_said(old, names[tracked.name]),
                        new=_said(new, names[tracked.name]),
                    )
                )
        if not changes:
            continue
        first = group[0]
        version = shown.get((first.history_date, first.history_type))
        if version is None:
            version = Version(
                when=group[-1].history_date,
                who=group[-1].history_user,
                address=group[-1].ip_address,
                kind="~",
            )
            added.append(version)
        version.changes.extend(changes)
    versions = sorted([*history.versions, *added], key=lambda version: version.when, reverse=True)
    return History(versions=versions[:limit], has_more=history.has_more or len(versions) > limit)


def _members(rows):
    """{field: {history_id: frozenset of ids}} for the versions `rows`."""
    ids = [row.history_id for row in rows]
    found = {}
    for tracked in TRACKED:
        through = getattr(Campaign.history.model, tracked.name).model
        sets = {}
        for history_id, member in through.objects.filter(history_id__in=ids).values_list(
            "history_id", tracked.column
        ):
            sets.setdefault(history_id, set()).add(member)
        found[tracked.name] = {key: frozenset(value) for key, value in sets.items()}
    return found


def _names(members):
    names = {}
    for tracked in TRACKED:
        wanted = set().union(*members[tracked.name].values()) if members[tracked.name] else set()
        names[tracked.name] = (
            dict(tracked.model._base_manager.filter(pk__in=wanted).values_list("pk", "name"))
            if wanted
            else {}
        )
    return names


def _said(ids, names):
    if not ids:
        return None
    return "、".join(sorted(names.get(pk, f"#{pk}") for pk in ids))


def _saves(rows):
    """The versions in order of time, in groups that were one save."""
    groups = []
    for row in rows:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and row.history_type == "~"
            and row.history_user_id == last.history_user_id
            and row.ip_address == last.ip_address
            and row.history_date - last.history_date <= ONE_SAVE
        ):
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def _before(rows, group):
    index = rows.index(group[0])
    return rows[index - 1] if index > 0 else None
