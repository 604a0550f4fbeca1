"""The OIM's changes in the audit trail (`ChangeRecord`), beside those of values and measures.

They concern no measure: `measure` is empty and `object_type` names the OIM object
(`oim-factor`, `oim-weight`, `oim-assessment`, `oim-budget`, `idea`, `spend-to-save`,
`key-process`, `accreditation`, `oim-cost-metric`).
"""

from __future__ import annotations

from django.db import models

from targets.audit import Snapshot, diff, snapshot
from targets.models import ChangeRecord, User


def fields_of(obj: models.Model) -> list[str]:
    return [
        f.attname if f.is_relation else f.name
        for f in obj._meta.concrete_fields
        if f.name not in {"id", "updated_at"}
    ]


def before(obj: models.Model) -> Snapshot:
    """The stored object's fields, or nothing for a new one."""
    if obj.pk is None:
        return {}
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return snapshot(stored, fields_of(obj)) if stored is not None else {}


def record(
    *,
    user: User | None,
    obj: models.Model,
    object_type: str,
    old: Snapshot,
    period: str = "",
    reason: str = "",
    source: str = ChangeRecord.Source.FORM,
) -> ChangeRecord | None:
    """Record what changed between `old` and the object as it is now; nothing if nothing did."""
    changes = diff(old, snapshot(obj, fields_of(obj)))
    if not changes:
        return None
    return ChangeRecord.objects.create(
        user=user,
        action=ChangeRecord.Action.UPDATE if old else ChangeRecord.Action.CREATE,
        source=source,
        object_type=object_type,
        object_id=obj.pk,
        measure=None,
        measure_code="",
        period=period,
        changes=changes,
        reason=reason,
    )


def record_delete(
    *, user: User | None, obj: models.Model, object_type: str, period: str = ""
) -> ChangeRecord:
    """Record that an object is about to be deleted, with what it held."""
    old = snapshot(obj, fields_of(obj))
    return ChangeRecord.objects.create(
        user=user,
        action=ChangeRecord.Action.DELETE,
        source=ChangeRecord.Source.FORM,
        object_type=object_type,
        object_id=obj.pk,
        measure=None,
        measure_code="",
        period=period,
        changes={field: [value, None] for field, value in old.items() if value is not None},
    )
