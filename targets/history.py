"""The change history as people read it: field labels instead of field names, people's names
instead of their ids, choices in words.

The audit trail (`ChangeRecord.changes`) stores what changed as `{field name: [old, new]}`, with
a related object as its id (an auditor as "1"). This module only reads it, for display: every
person and object named in a page of records is loaded in one query per model, never one per
record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

from targets import periods
from targets.models import (
    Action,
    ChangeRecord,
    DataQualityAudit,
    DataQualityProcedure,
    Measure,
    Target,
    TargetProfile,
    Value,
)

# The object types the services write; the admin writes the model's name (`targetprofile`).
MODELS: dict[str, type[models.Model]] = {
    "value": Value,
    "target": Target,
    "profile": TargetProfile,
    "measure": Measure,
    "dq_procedure": DataQualityProcedure,
    "dq_audit": DataQualityAudit,
    "dq_action": Action,
}
# Where the model's own name would mislead: an audit's action is one of the plans' actions.
NOUNS = {"dq_action": "data-quality action", "profile": "target profile"}
EMPTY = "(empty)"
# Fields that hold a period code (2025-12, 2025/26-Q2), shown as the period's name.
PERIOD_FIELDS = {"period", "month", "sample_from", "sample_to"}


@dataclass(frozen=True)
class Change:
    label: str  # the field's label, e.g. "Data quality"
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    record: ChangeRecord
    what: str  # e.g. "Changed value"
    changes: list[Change]

    @property
    def period(self) -> str:
        """The record's period by name ("Dec 2025"), or as recorded (a year label)."""
        return period_label(self.record.period)


def period_label(code: str) -> str:
    try:
        return periods.parse_period(code).label
    except periods.PeriodError:
        return code


def model_for(object_type: str) -> type[models.Model] | None:
    """The model a record's `object_type` names, if any."""
    if object_type in MODELS:
        return MODELS[object_type]
    name = object_type.replace("-", "").replace("_", "").lower()
    return next((m for m in apps.get_models() if m._meta.model_name == name), None)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:  # type: ignore[type-arg]
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _order(model: type[models.Model] | None, name: str) -> tuple[int, str]:
    """The field's place in its model (PostgreSQL's jsonb keeps no order of its own)."""
    fields = [f.name for f in model._meta.concrete_fields] if model is not None else []
    field = _field(model, name)
    return (fields.index(field.name) if field is not None and field.name in fields else 999, name)


def _label(field: models.Field | None, name: str) -> str:  # type: ignore[type-arg]
    if field is not None:
        return str(capfirst(field.verbose_name))
    return capfirst(name.removesuffix("_id").replace("_", " "))


def _key(raw: str | None) -> int | None:
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def _names(records: Sequence[ChangeRecord]) -> dict[type[models.Model], dict[int, str]]:
    """The objects that related fields point to, by model and id: one query per model."""
    wanted: dict[type[models.Model], set[int]] = defaultdict(set)
    for record in records:
        model = model_for(record.object_type)
        for name, pair in record.changes.items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.related_model is not None:
                target = field.related_model
                assert isinstance(target, type)
                wanted[target].update(k for raw in pair if (k := _key(raw)) is not None)
    return {
        model: {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
    }


def _text(
    raw: str | None,
    field: models.Field | None,  # type: ignore[type-arg]
    names: dict[type[models.Model], dict[int, str]],
) -> str:
    if raw is None or raw == "":
        return EMPTY
    if field is None:
        return raw
    if field.name in PERIOD_FIELDS:
        return period_label(raw)
    if field.is_relation and field.related_model is not None:
        key = _key(raw)
        found = names.get(field.related_model, {}).get(key) if key is not None else None  # type: ignore[call-overload]
        # A person or object deleted since: say so rather than show a bare id.
        return found or f"(no longer on record: {field.verbose_name})"
    if field.choices:
        return str(dict(field.flatchoices).get(raw, raw))
    if isinstance(field, models.BooleanField):
        return {"True": "Yes", "False": "No"}.get(raw, raw)
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            return raw
        return f"{day.day} {day:%b %Y}"
    return raw


def entries(records: Iterable[ChangeRecord]) -> list[HistoryEntry]:
    """Each record with its changes in words, in the order given."""
    records = list(records)
    names = _names(records)
    result = []
    for record in records:
        model = model_for(record.object_type)
        noun = NOUNS.get(record.object_type) or (
            str(model._meta.verbose_name) if model is not None else record.object_type
        )
        changes = []
        for name, pair in sorted(record.changes.items(), key=lambda item: _order(model, item[0])):
            field = _field(model, name)
            old, new = (list(pair) + [None, None])[:2]
            changes.append(
                Change(_label(field, name), _text(old, field, names), _text(new, field, names))
            )
        result.append(HistoryEntry(record, f"{record.get_action_display()} {noun}", changes))
    return result
