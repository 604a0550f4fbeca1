"""Writing the audit trail: snapshots of an object's fields, their differences, and records.

Every route that changes a value, target or measure (form, admin, API, import) goes through a
service that calls these, so bulk writes are recorded too.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

from targets.models import ChangeRecord, Measure, User

Snapshot = dict[str, str | None]


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        # 12.500000 -> 12.5: the figure as a person would write it.
        return format(value.normalize(), "f")
    if isinstance(value, models.Model):
        return str(value.pk)
    if hasattr(value, "name") and not isinstance(value, str):  # a FieldFile
        return value.name or None
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> Snapshot:
    return {field: _text(getattr(obj, field)) for field in fields}


def diff(before: Snapshot, after: Snapshot) -> dict[str, list[str | None]]:
    """{field: [old, new]} for the fields that differ."""
    return {
        field: [before.get(field), after[field]]
        for field in after
        if before.get(field) != after[field]
    }


def change_record(
    *,
    user: User | None,
    action: str,
    source: str,
    object_type: str,
    measure: Measure,
    obj: models.Model | None = None,
    period: str = "",
    changes: dict[str, list[str | None]] | None = None,
    reason: str = "",
    batch: str = "",
) -> ChangeRecord:
    """An unsaved record, for `record()` or for bulk creation by imports."""
    return ChangeRecord(
        user=user,
        action=action,
        source=source,
        object_type=object_type,
        object_id=obj.pk if obj is not None else None,
        measure=measure,
        measure_code=measure.code,
        period=period,
        changes=changes or {},
        reason=reason,
        batch=batch,
    )


def record(**kwargs: Any) -> ChangeRecord:
    entry = change_record(**kwargs)
    entry.save()
    return entry
