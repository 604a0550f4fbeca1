"""The audit trail, written in one place: every app's services, imports and admin record here.

A record (`ChangeRecord`) says who changed what, when, by which route, from what to what and why.
Its `object_type` is never typed by a caller: `object_type_of` derives it from the object's
model, from the one vocabulary `ChangeRecord.ObjectType` (which names every audited model of every
app, with a label for people). A record of a value, target, procedure or audit also carries the
measure it concerns, so the measure's history shows it.

- `record(...)` writes one object's change: its fields' values before (`stored(obj)` or
  `snapshot(obj)`, taken before the change) against the object now. An update that changed
  nothing and gives no reason writes nothing.
- `save(obj, ...)` saves an object and records it (created, or what changed), in one transaction.
- `change_record(...)` builds an unsaved record, for imports that create records in bulk.
- `write_records(...)` writes many records at once from plain entries (no model instance per
  record: COPY on PostgreSQL, executemany elsewhere), for imports of tens of thousands of rows;
  `created(...)` gives the changes of a new row that exists only as field values.

Some tables are not audited, each for a reason (`NOT_AUDITED`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, router, transaction
from django.utils import timezone

from targets import bulk
from targets.models import ChangeRecord, Measure, User

Snapshot = dict[str, str | None]
Changes = dict[str, list[str | None]]

# Never in a snapshot: keys, bookkeeping and secrets.
UNRECORDED_FIELDS = frozenset({"id", "created_at", "updated_at", "password", "last_login"})

# Object types that are not their model's name: kept from the trail's first records.
KEPT_NAMES = {
    "targets.targetprofile": "profile",
    "targets.dataqualityprocedure": "dq_procedure",
    "targets.dataqualityaudit": "dq_audit",
}

# Tables written without a record of their own, and why.
NOT_AUDITED: dict[str, str] = {
    "targets.changerecord": "the audit trail itself",
    "targets.notice": "the log of notices raised and sent: one row per person, kind, object and "
    "occasion",
    "targets.digest": "the log of digest e-mails: one row per person and day, each attempt",
    "targets.ssoidentity": "who signed in through the provider, and when: the person's own record "
    "holds each change to them",
    "reporting.reportrun": "the log of report runs: who asked, when, each attempt and its result",
    "benchmarking.fetch": "the log of LG Inform fetches (each value a fetch writes is recorded)",
}


def object_type_of(obj: models.Model | type[models.Model]) -> str:
    """The model's object type in the vocabulary (`ChangeRecord.ObjectType`)."""
    return _object_type(obj if isinstance(obj, type) else type(obj))


@functools.cache
def _object_type(model: type[models.Model]) -> str:
    # Once per model: an import writes a record per row, and the vocabulary's values are built
    # afresh on each reading of `ObjectType.values`.
    label = model._meta.label_lower
    name = KEPT_NAMES.get(label, model._meta.model_name or "")
    if name not in ChangeRecord.ObjectType.values:
        raise LookupError(
            f"{label} is not in the audit trail's vocabulary: add it to ChangeRecord.ObjectType "
            "(or, with the reason, to audit.NOT_AUDITED)."
        )
    return name


def fields_of(obj: models.Model | type[models.Model], *, many: bool = False) -> list[str]:
    """The fields a record compares: every concrete field but keys, bookkeeping and secrets
    (and, with `many`, the many-to-many fields: reading those queries)."""
    meta = obj._meta
    names = [f.name for f in meta.concrete_fields if f.name not in UNRECORDED_FIELDS]
    if many:
        names += [f.name for f in meta.many_to_many if f.name not in UNRECORDED_FIELDS]
    return names


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if type(value) is str:  # the common case first: an import reads 100,000 rows' texts
        return value
    if isinstance(value, Decimal):
        # 12.500000 -> 12.5: the figure as a person would write it.
        return format(value.normalize(), "f")
    if isinstance(value, models.Model):
        return str(value.pk)
    if hasattr(value, "name") and not isinstance(value, str):  # a FieldFile
        return value.name or None
    return str(value)


def _read(obj: models.Model, name: str) -> Any:
    """A field's value; a relation's by its id, so a snapshot never queries."""
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return getattr(obj, name)
    if field.many_to_many:
        if obj.pk is None:
            return None
        ids = sorted(getattr(obj, name).values_list("pk", flat=True))
        return ", ".join(str(pk) for pk in ids)
    if field.is_relation and field.concrete:
        return getattr(obj, field.attname)
    return getattr(obj, name)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> Snapshot:
    """The object's fields (all of `fields_of` unless named) as text."""
    return {name: _text(_read(obj, name)) for name in (fields or fields_of(obj))}


def created(values: Mapping[str, Any], fields: Iterable[str]) -> Changes:
    """The changes recorded for a new object that is not (yet) a model instance, from its
    `fields`' values by name: what `diff({}, snapshot(obj, fields))` gives for the object
    (each field with a value, from None to its text)."""
    changes: Changes = {}
    for name in fields:
        value = values[name]
        if value is None or value == "":
            continue
        changes[name] = [None, value if type(value) is str else _text(value)]
    return changes


def stored(obj: models.Model, fields: Iterable[str] | None = None) -> Snapshot:
    """The snapshot of the object as it is stored now; nothing for a new object."""
    if obj.pk is None:
        return {}
    row = type(obj)._default_manager.filter(pk=obj.pk).first()
    return snapshot(row, fields) if row is not None else {}


def diff(before: Snapshot, after: Snapshot) -> Changes:
    """{field: [old, new]} for the fields that differ."""
    return {
        field: [before.get(field), after[field]]
        for field in after
        if before.get(field) != after[field]
    }


def _who(user: Any) -> User | None:
    return user if user is not None and user.is_authenticated else None


def change_record(
    *,
    user: Any,
    action: str,
    source: str,
    obj: models.Model,
    measure: Measure | None = None,
    period: str = "",
    changes: Changes | None = None,
    reason: str = "",
    batch: str = "",
) -> ChangeRecord:
    """An unsaved record of `obj`'s change, for `record()` or for bulk creation by imports."""
    return ChangeRecord(
        user=_who(user),
        action=action,
        source=source,
        object_type=object_type_of(obj),
        object_id=obj.pk,
        measure=measure,
        measure_code=measure.code if measure is not None else "",
        period=period,
        changes=changes or {},
        reason=reason,
        batch=batch,
    )


class Entry(NamedTuple):
    """One record for `write_records`: what happened to which object of the model."""

    action: str
    object_id: int
    measure_id: int | None
    measure_code: str
    period: str
    changes: Changes
    reason: str


# A record's columns as `write_records` fills them, in order.
_RECORD_FIELDS = (
    "at",
    "user",
    "action",
    "source",
    "object_type",
    "batch",
    "object_id",
    "measure",
    "measure_code",
    "period",
    "changes",
    "reason",
)


def write_records(
    entries: Iterable[Entry],
    *,
    model: type[models.Model],
    user: Any,
    source: str,
    batch: str = "",
) -> int:
    """Write one record per entry, all of objects of `model`, by `user` through `source`, at one
    time; return how many. Each record holds what `change_record` would give it (`changes` as
    the JSON the ORM would store), but no model instance is built: an import of 100,000 values
    writes 100,000 records in a second or two."""
    meta = ChangeRecord._meta
    connection = connections[router.db_for_write(ChangeRecord)]
    who = _who(user)
    common = (
        connection.ops.adapt_datetimefield_value(timezone.now()),
        who.pk if who is not None else None,
    )
    object_type = object_type_of(model)
    written = 0

    def rows() -> Iterable[tuple[Any, ...]]:
        nonlocal written
        for entry in entries:
            written += 1
            yield (
                *common,
                entry.action,
                source,
                object_type,
                batch,
                entry.object_id,
                entry.measure_id,
                entry.measure_code,
                entry.period,
                json.dumps(entry.changes),
                entry.reason,
            )

    by_name = {field.name: str(field.column) for field in meta.concrete_fields}
    columns = [by_name[name] for name in _RECORD_FIELDS]
    bulk.insert_rows(meta.db_table, columns, rows(), using=connection.alias)
    return written


def record(
    *,
    user: Any,
    action: str,
    source: str,
    obj: models.Model,
    before: Snapshot | None = None,
    fields: Iterable[str] | None = None,
    changes: Changes | None = None,
    measure: Measure | None = None,
    period: str = "",
    reason: str = "",
) -> ChangeRecord | None:
    """Record `obj`'s change: `changes` as given, or its `fields` now against `before` (a
    deletion records the values it held). An update with no change and no reason is not
    recorded (None)."""
    if changes is None:
        names = list(fields) if fields is not None else None
        if action == ChangeRecord.Action.DELETE:
            held = before if before else snapshot(obj, names)
            changes = {name: [old, None] for name, old in held.items() if old is not None}
        else:
            changes = diff(before or {}, snapshot(obj, names))
    if action == ChangeRecord.Action.UPDATE and not changes and not reason:
        return None
    entry = change_record(
        user=user,
        action=action,
        source=source,
        obj=obj,
        measure=measure,
        period=period,
        changes=changes,
        reason=reason,
    )
    entry.save()
    return entry


def save(
    obj: models.Model,
    *,
    user: Any,
    source: str = ChangeRecord.Source.FORM,
    period: str = "",
    reason: str = "",
    clean: bool = False,
) -> None:
    """Save `obj` (validated first with `clean`) and record it, in one transaction: its creation,
    or what changed since it was stored."""
    with transaction.atomic():
        before = stored(obj)
        if clean:
            obj.full_clean()
        obj.save()
        record(
            user=user,
            action=ChangeRecord.Action.UPDATE if before else ChangeRecord.Action.CREATE,
            source=source,
            obj=obj,
            before=before,
            period=period,
            reason=reason,
        )
