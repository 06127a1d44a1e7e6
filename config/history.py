"""Change history (django-simple-history): the client address on every historical row,
and the latest changes of an object as its page shows them to the county.

Every model's `HistoricalRecords(bases=[ClientAddressRecord])` gives its history an
`ip_address`, filled here from the request that simple_history's HistoryRequestMiddleware
keeps, read as django-axes reads it (settings.TRUSTED_PROXY_COUNT says whether a proxy's
X-Forwarded-For counts). A change made outside a request (a Celery task, a command) has
no address, as it has no user.

bulk_create and update() write no history at all, and simple_history's own bulk path
(`bulk_create_with_history`) sends no signal, so its rows have no address: code that
bulk-creates tracked rows calls `record_bulk_created` below (one INSERT ... SELECT).
"""

import datetime
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.models import OuterRef, Q, Subquery
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_m2m_records, pre_create_historical_record

# Versions an object's page shows; older ones are in the admin's history.
LATEST_VERSIONS = 20
# Never on a page, whatever a model's history keeps: a full ID number is shown only where
# its display is audited (relief.services.may_see_full_id), and models exclude it anyway.
NEVER_SHOWN = frozenset({"id_number"})


class ClientAddressRecord(models.Model):
    """The base of every historical model: where the change came from."""

    ip_address = models.GenericIPAddressField(
        pgettext_lazy("change history", "client address"), null=True, blank=True
    )

    class Meta:
        abstract = True


def current_request():
    return getattr(HistoricalRecords.context, "request", None)


def client_address(request):
    """The request's client address as django-axes reads it, or None when there is no
    request or what it names is not an address (a forged header must not stop a save)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address  # axes' settings need Django set up

    address = get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


@receiver(pre_create_historical_record, dispatch_uid="config.history.client_address")
def record_client_address(sender, history_instance, **kwargs):
    if isinstance(history_instance, ClientAddressRecord) and history_instance.ip_address is None:
        history_instance.ip_address = client_address(current_request())


@receiver(pre_create_historical_m2m_records, dispatch_uid="config.history.m2m_client_address")
def record_m2m_client_address(sender, rows, history_instance, **kwargs):
    """The members of a many-to-many set, as a version saw them, come from where the
    version did."""
    address = getattr(history_instance, "ip_address", None)
    for row in rows:
        if isinstance(row, ClientAddressRecord) and row.ip_address is None:
            row.ip_address = address


def record_bulk_created(rows, *, user=None, date=None):
    """Write the first version ("+") of every row of `rows`, just made with bulk_create,
    in one INSERT ... SELECT: a 10,000-line roster's history costs one statement, not the
    10,000 model instances simple_history's bulk path builds. Measured on a 10,000-line
    batch, its bulk path took generating from 1.3 s to 2.0 s and approving from 0.7 s to
    2.2 s; this statement adds about 0.2 s to each."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history_model = getattr(rows.model, rows.model._meta.simple_history_manager_attribute).model
    tracked = list(history_model.tracked_fields)
    connection = connections[rows.db]
    quote = connection.ops.quote_name
    meta = history_model._meta
    constants = {
        "history_date": date or timezone.now(),
        "history_change_reason": None,
        "history_type": "+",
        "history_user": user.pk if user is not None else None,
        "ip_address": client_address(current_request()),
    }
    columns = [meta.get_field(f.name).column for f in tracked]
    constant_fields = [meta.get_field(name) for name in constants]
    written = {*columns, *(f.column for f in constant_fields), meta.pk.column}
    unwritten = {f.column for f in meta.concrete_fields} - written
    if unwritten:  # a newer simple_history (or base) with a column this does not fill
        raise NotImplementedError(f"{history_model.__name__}: {sorted(unwritten)}")
    select, params = (
        rows.order_by().values_list(*[f.attname for f in tracked]).query.sql_with_params()
    )
    # Names from the models, quoted; every value a parameter, cast to its column's type
    # (a NULL user or address has no type of its own).
    sql = "INSERT INTO {table} ({columns}) SELECT made.*, {constants} FROM ({select}) made".format(  # noqa: S608
        table=quote(meta.db_table),
        columns=", ".join(quote(c) for c in [*columns, *(f.column for f in constant_fields)]),
        # CAST, not PostgreSQL's ::, so that make run's SQLite takes it too.
        constants=", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in constant_fields),
        select=select,
    )
    with connection.cursor() as cursor:
        # The constants stand before the subquery in the statement, so their values first.
        cursor.execute(sql, [*constants.values(), *params])


# --- What a page shows -------------------------------------------------------------


@dataclass
class Source:
    """Historical rows a page shows: the object's own (`describe` None), or its children's,
    each said in a few words by `describe(row)` (e.g. which photo). `changes_only` leaves
    out the creation of rows the page lists anyway (a roster's thousands of lines).
    `show_value(row, name, value)` says a value as the page says it where its field alone
    cannot (an answer's code is read through its question).

    `m2m_fields` names many-to-many fields whose history the model keeps (simple_history's
    own `m2m_fields`): what changed in those sets is said too, by the members' names, on
    the version that changed them. `one_save` joins the versions that one act leaves a few
    seconds apart (a form saves its fields, then each set) into one line: versions after
    the first, by the same person from the same address within `one_save` of the one
    before. See `_m2m_changes` for when a version's sets are known."""

    rows: models.QuerySet
    describe: Callable[[Any], str] | None = None
    changes_only: bool = False
    show_value: Callable[[Any, str, Any], Any] | None = None
    m2m_fields: tuple = ()
    one_save: datetime.timedelta | None = None


@dataclass
class FieldChange:
    label: str
    old: Any
    new: Any


@dataclass
class Version:
    when: Any
    who: Any
    address: str | None
    kind: str  # "+" created, "~" changed, "-" deleted
    model_label: str = ""  # for a child's row: which kind of record
    subject: str = ""  # for a child's row: which one
    changes: list = field(default_factory=list)
    # A change with no earlier version to compare with: the record is older than its
    # history, or was created in bulk before its bulk path kept history.
    no_earlier_version: bool = False


@dataclass
class History:
    versions: list
    has_more: bool


def recent_changes(user, *sources, limit=LATEST_VERSIONS):
    """The latest `limit` versions of the sources, newest first, each with what changed
    since the version before it; None for a user who may not see them (only county-wide
    roles do). A query a source (its rows with their users), one a model for the versions
    they are compared with that were not among them, and one a kind of record a changed
    reference points at: the same whatever the number of versions. A source with
    `m2m_fields` adds a query a field for the sets its versions saw, and one for their
    members' names."""
    if not getattr(user, "is_county_wide", False):
        return None
    fetched = []
    m2m_changes = {}
    for source in sources:
        rows = _latest_rows(source, limit + 1)
        fetched.extend(rows)
        if source.m2m_fields:
            m2m_changes.update(_m2m_changes(source, [row for _source, row in rows], limit))
    fetched.sort(key=lambda pair: (pair[1].history_date, pair[1].history_id), reverse=True)
    shown = fetched[:limit]
    versions = []
    for source, row, previous in _with_previous(shown, fetched):
        version = _version(source, row, previous)
        version.changes.extend(m2m_changes.get((type(row), row.history_id), ()))
        versions.append(version)
    _resolve_references(versions)
    # A save that changed nothing shown here (a total recounted to the same sum, the date
    # of the last visit) is not a line of its own.
    versions = [v for v in versions if v.kind != "~" or v.changes or v.no_earlier_version]
    return History(versions=versions, has_more=len(fetched) > limit)


def _latest_rows(source, count):
    rows = source.rows
    history_model = rows.model
    pk_name = history_model.instance_type._meta.pk.attname
    earlier = (
        history_model._default_manager.filter(**{pk_name: OuterRef(pk_name)})
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    if source.changes_only:
        rows = rows.exclude(history_type="+")
    rows = (
        rows.select_related("history_user")
        .annotate(previous_history_id=Subquery(earlier))
        .order_by("-history_date", "-history_id")[:count]
    )
    return [(source, row) for row in rows]


def _with_previous(shown, fetched):
    """Each shown row with the version it is compared with: most often one fetched
    already (an object's own versions follow one another), else read in one query per
    model."""
    found = {(type(row), row.history_id): row for _source, row in fetched}
    wanted = {}
    for _source, row in shown:
        key = (type(row), row.previous_history_id)
        if row.history_type == "~" and row.previous_history_id is not None and key not in found:
            wanted.setdefault(type(row), set()).add(row.previous_history_id)
    for history_model, ids in wanted.items():
        for row in history_model._default_manager.filter(history_id__in=ids):
            found[(history_model, row.history_id)] = row
    for source, row in shown:
        yield source, row, found.get((type(row), row.previous_history_id))


def _version(source, row, previous):
    version = Version(
        when=row.history_date,
        who=row.history_user,
        address=row.ip_address,
        kind=row.history_type,
    )
    if source.describe is not None:
        version.model_label = row.instance_type._meta.verbose_name
        version.subject = source.describe(row)
    if row.history_type == "~":
        if previous is None:
            version.no_earlier_version = True
        else:
            version.changes = _field_changes(source, row, previous)
    return version


def _field_changes(source, row, previous):
    model = row.instance_type
    tracked = {f.name for f in type(row).tracked_fields}
    shown = [
        f.name
        for f in model._meta.concrete_fields
        if f.editable and f.name not in NEVER_SHOWN and f.name in tracked
    ]
    order = {name: index for index, name in enumerate(shown)}
    delta = row.diff_against(previous, included_fields=shown)
    changes = sorted(delta.changes, key=lambda change: order[change.field])
    show = source.show_value or (lambda row, name, value: value)
    return [
        FieldChange(
            label=model._meta.get_field(change.field).verbose_name,
            old=_shown_value(model, change.field, show(row, change.field, change.old)),
            new=_shown_value(model, change.field, show(row, change.field, change.new)),
        )
        for change in changes
    ]


def _m2m_changes(source, rows, limit):
    """{(history model, history_id): [FieldChange]} for the source's many-to-many fields,
    on the first version of each save that changed a set; `rows` newest first.

    A record older than its sets' history got them on a later version (a data migration
    snapshots them), so before the oldest fetched version with members its sets are
    unknown, not empty, and the sets a record is first seen with are a baseline, not a
    change: a new record's creation is written before its sets are given (create, then
    set), so without `one_save` giving them is not a line of its own. With `one_save`,
    the sets given with the creation are said on the creation's line: the creation's
    sets are empty, and every later version is compared with the one before. With more
    versions than are shown, the oldest fetched is only what the next is compared with."""
    rows = rows[::-1]
    if not rows:
        return {}
    model = source.rows.model.instance_type
    fields = [model._meta.get_field(name) for name in source.m2m_fields]
    members = {
        m2m_field.name: _m2m_members(source.rows.model, m2m_field, rows) for m2m_field in fields
    }
    names = {m2m_field.name: _m2m_names(m2m_field, members[m2m_field.name]) for m2m_field in fields}
    has_members = {history_id for sets in members.values() for history_id in sets}
    index = {row.history_id: position for position, row in enumerate(rows)}
    if source.one_save is not None and rows[0].history_type == "+":
        first_known = 0
    else:
        first_known = next(
            (position for position, row in enumerate(rows) if row.history_id in has_members),
            None,
        )
    if first_known is None:
        return {}
    base = rows[0] if len(rows) > limit else None
    found = {}
    for group in _saves(rows, source.one_save):
        head, last = group[0], group[-1]
        if head is base or index[last.history_id] < first_known:
            continue
        before = index[head.history_id] - 1
        if before >= 0:
            if before < first_known:
                continue
            before_id = rows[before].history_id
        elif head.history_type == "+":
            before_id = None  # nothing was in the sets of a record just created
        else:
            continue
        changes = []
        for m2m_field in fields:
            old = members[m2m_field.name].get(before_id, frozenset())
            new = members[m2m_field.name].get(last.history_id, frozenset())
            if old != new:
                changes.append(
                    FieldChange(
                        label=m2m_field.verbose_name,
                        old=_members_said(old, names[m2m_field.name]),
                        new=_members_said(new, names[m2m_field.name]),
                    )
                )
        if changes:
            found[(type(head), head.history_id)] = changes
    return found


def _m2m_members(history_model, m2m_field, rows):
    """{history_id: frozenset of member ids} of `m2m_field`, for the versions `rows`."""
    through = getattr(history_model, m2m_field.name).model
    column = through._meta.get_field(m2m_field.m2m_reverse_field_name()).attname
    sets = {}
    for history_id, member in through._default_manager.filter(
        history_id__in=[row.history_id for row in rows]
    ).values_list("history", column):
        sets.setdefault(history_id, set()).add(member)
    return {history_id: frozenset(ids) for history_id, ids in sets.items()}


def _m2m_names(m2m_field, members):
    wanted = set().union(*members.values())
    if not wanted:
        return {}
    found = m2m_field.related_model._base_manager.select_related().in_bulk(wanted)
    return {pk: str(record) for pk, record in found.items()}


def _members_said(ids, names):
    if not ids:
        return None
    return "、".join(sorted(names.get(pk, f"#{pk}") for pk in ids))


def _saves(rows, one_save):
    """The versions (oldest first) in groups that were one save: each its own when
    `one_save` is None."""
    groups = []
    for row in rows:
        last = groups[-1][-1] if groups else None
        if (
            one_save is not None
            and last is not None
            and row.history_type == "~"
            and row.history_user_id == last.history_user_id
            and row.ip_address == last.ip_address
            and row.history_date - last.history_date <= one_save
        ):
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


@dataclass
class Reference:
    """A changed foreign key, said by the referenced record's name once it is read."""

    model: Any
    pk: Any
    text: str = ""

    def __str__(self):
        return self.text or f"#{self.pk}"


def _shown_value(model, name, value):
    model_field = model._meta.get_field(name)
    if value is None or value == "" or value == []:
        return None
    if model_field.is_relation:
        return Reference(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    labels = getattr(model, "HISTORY_VALUE_LABELS", {}).get(name)
    if labels is not None and isinstance(value, list):
        names = dict(labels)
        return "、".join(str(names.get(item, item)) for item in value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name.rsplit("/", 1)[-1]
    return value


def _resolve_references(versions):
    """Read each referenced model's records once (and what their names need)."""
    wanted = {}
    for version in versions:
        for change in version.changes:
            for value in (change.old, change.new):
                if isinstance(value, Reference):
                    wanted.setdefault(value.model, []).append(value)
    for model, references in wanted.items():
        found = model._base_manager.select_related().in_bulk({ref.pk for ref in references})
        for ref in references:
            if ref.pk in found:
                ref.text = str(found[ref.pk])
