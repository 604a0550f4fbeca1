"""import_measures: a council's indicator set, upserted by code.

Required columns `code,title,kind,service,priority,unit,decimals,polarity,frequency,aggregation,
tolerance_pct,tolerance_abs,public` (priority and the tolerances may be empty, public empty is
"no"); optional `definition,due_days,data_source,scrutiny,active_from,active_to,updater,approver`.
Service by code or name, priority by number or name, updater and approver by username, years as
`2024/25`. A new measure without `active_from` is active from the current financial year: give
`active_from` to import the history of earlier years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from targets import audit, periods, permissions
from targets.imports.cells import RowCells
from targets.imports.common import BATCH_SIZE, bulk_update, measures_by_code, new_batch, open_table
from targets.imports.reader import Table
from targets.imports.report import ImportReport
from targets.models import ChangeRecord, Measure, Priority, Service, User, Value

REQUIRED = (
    "code",
    "title",
    "kind",
    "service",
    "priority",
    "unit",
    "decimals",
    "polarity",
    "frequency",
    "aggregation",
    "tolerance_pct",
    "tolerance_abs",
    "public",
)
OPTIONAL = (
    "definition",
    "due_days",
    "data_source",
    "scrutiny",
    "active_from",
    "active_to",
    "updater",
    "approver",
)
FIELDS = (
    "title",
    "definition",
    "kind",
    "service",
    "priority",
    "unit",
    "decimals",
    "polarity",
    "frequency",
    "aggregation",
    "tolerance_pct",
    "tolerance_abs",
    "due_days",
    "updater",
    "approver",
    "data_source",
    "is_public",
    "is_scrutiny",
    "active_from",
    "active_to",
)
# Measure codes appear in URLs (/measures/CP01/): no slashes or spaces.
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,19}")
_SNAPSHOT = [
    f"{f}_id" if f in {"service", "priority", "updater", "approver"} else f for f in FIELDS
]
Action = ChangeRecord.Action
_Change = tuple[Measure, str, dict[str, list[str | None]]]


@dataclass
class _Lookups:
    services: dict[str, Service]
    priorities: dict[str, Priority]
    users: dict[str, User]
    existing: dict[str, Measure]


@dataclass
class _Row:
    number: int
    code: str
    existing: Measure | None
    fields: dict[str, Any]


def import_measures(
    stream: IO[bytes], *, user: User | None = None, dry_run: bool = False
) -> ImportReport:
    """Validate every row; create or update them all only if all are good."""
    report = ImportReport(kind="measures", dry_run=dry_run)
    if user is not None and not permissions.is_performance_team(user):
        report.add(None, None, "Only the performance team can import measures")
        return report
    table = open_table(stream, report, required=REQUIRED, optional=OPTIONAL)
    if table is None:
        return report
    with transaction.atomic():
        lookups = _lookups(table, lock=not dry_run)
        rows = _parse(table, report, lookups)
        _check_frequencies(rows, report)
        changes = _plan(rows, report)
        if report.ok and not dry_run:
            report.batch = _write(changes, user=user)
    report.sort_errors()
    return report


def _column(table: Table, column: str) -> set[str]:
    return {str(v[column]).strip() for _, v in table.rows if v.get(column) is not None}


def _lookups(table: Table, *, lock: bool) -> _Lookups:
    services: dict[str, Service] = {}
    for service in Service.objects.all():
        services[service.name.lower()] = service
        services[service.code.lower()] = service
    priorities: dict[str, Priority] = {}
    for priority in Priority.objects.all():
        priorities[priority.name.lower()] = priority
        priorities[str(priority.number)] = priority
    usernames = sorted(_column(table, "updater") | _column(table, "approver"))
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    existing = measures_by_code(_column(table, "code"), lock=lock)
    return _Lookups(services, priorities, users, existing)


def _parse(table: Table, report: ImportReport, lookups: _Lookups) -> list[_Row]:
    current_year = periods.financial_year_of(timezone.localdate())
    seen: dict[str, int] = {}
    rows = []
    for number, values in table.rows:
        cells = RowCells(number, values, table.columns, report)
        code = cells.text("code", required=True)
        if code and not _CODE.fullmatch(code):
            cells.error(
                "code",
                "Code must be at most 20 letters, digits, '-', '_' or '.', starting with a "
                "letter or digit",
            )
        fields: dict[str, Any] = {
            "title": cells.text("title", required=True, max_length=300),
            "kind": cells.choice("kind", Measure.Kind.values, required=True),
            "service": _lookup(cells, "service", lookups.services, required=True),
            "priority": _lookup(cells, "priority", lookups.priorities),
            "unit": cells.choice("unit", Measure.Unit.values, required=True),
            "decimals": cells.integer("decimals", required=True, minimum=0, maximum=6),
            "polarity": cells.choice("polarity", Measure.Polarity.values, required=True),
            "frequency": cells.choice("frequency", Measure.Frequency.values, required=True),
            "aggregation": cells.choice("aggregation", Measure.Aggregation.values, required=True),
            "tolerance_pct": cells.decimal(
                "tolerance_pct", places=2, minimum=Decimal(0), maximum=Decimal(10000)
            ),
            "tolerance_abs": cells.decimal("tolerance_abs", minimum=Decimal(0)),
            "is_public": bool(cells.boolean("public")),
        }
        existing = lookups.existing.get(code)
        optional = {
            "definition": cells.text("definition"),
            "due_days": cells.integer("due_days", minimum=0, maximum=365),
            "data_source": cells.text("data_source", max_length=300),
            "is_scrutiny": bool(cells.boolean("scrutiny")),
            "active_from": _year(cells, "active_from"),
            "active_to": _year(cells, "active_to"),
            "updater": _lookup(cells, "updater", lookups.users, case=False),
            "approver": _lookup(cells, "approver", lookups.users, case=False),
        }
        column_of = {"is_scrutiny": "scrutiny"}
        fields |= {k: v for k, v in optional.items() if cells.has(column_of.get(k, k))}
        if fields.get("due_days") is None and "due_days" in fields:
            fields["due_days"] = 10
        if fields.get("active_from") is None:
            fields["active_from"] = existing.active_from if existing else current_year
        if fields["kind"] == Measure.Kind.CORPORATE and fields["priority"] is None and cells.ok:
            cells.error("priority", "A corporate measure needs a priority")
        active_to = fields.get("active_to", existing.active_to if existing else None)
        if active_to is not None and active_to < fields["active_from"]:
            cells.error("active_to", "The last year cannot be before the first year")
        if code.upper() in seen:
            cells.error("code", f"{code} is already on row {seen[code.upper()]}")
        seen.setdefault(code.upper(), number)
        if cells.ok:
            rows.append(_Row(number, existing.code if existing else code, existing, fields))
    return rows


def _lookup(
    cells: RowCells,
    column: str,
    found: dict[str, Any],
    *,
    required: bool = False,
    case: bool = True,
) -> Any:
    text = cells.text(column, required=required)
    if not text:
        return None
    obj = found.get(text.lower() if case else text)
    if obj is None:
        cells.error(column, f"Unknown {column} {text}")
    return obj


def _year(cells: RowCells, column: str) -> int | None:
    text = cells.text(column)
    if not text:
        return None
    try:
        return periods.parse_financial_year(text)
    except periods.PeriodError:
        cells.error(column, f"{text} is not a financial year such as 2025/26")
        return None


def _check_frequencies(rows: list[_Row], report: ImportReport) -> None:
    """A measure's values are coded by its periods: its frequency cannot change under them."""
    changing = {
        row.existing.pk: (row, row.existing.frequency)
        for row in rows
        if row.existing is not None and row.existing.frequency != row.fields["frequency"]
    }
    with_values = set(
        Value.objects.filter(measure_id__in=list(changing))
        .values_list("measure_id", flat=True)
        .distinct()
    )
    for row, old in sorted((changing[pk] for pk in with_values), key=lambda c: c[0].number):
        new = row.fields["frequency"]
        message = f"{row.code} has {old} values: its frequency cannot change to {new}"
        report.add(row.number, "frequency", message)


def _snapshot(measure: Measure) -> audit.Snapshot:
    return {k.removesuffix("_id"): v for k, v in audit.snapshot(measure, _SNAPSHOT).items()}


def _plan(rows: list[_Row], report: ImportReport) -> list[_Change]:
    changes: list[_Change] = []
    for row in rows:
        measure = row.existing
        is_new = measure is None
        if measure is None:
            measure = Measure(code=row.code)
        before = {} if is_new else _snapshot(measure)
        for name, value in row.fields.items():
            setattr(measure, name, value)
        diff = audit.diff(before, _snapshot(measure))
        if is_new:
            report.created += 1
        elif diff:
            report.updated += 1
        else:
            report.unchanged += 1
            continue
        changes.append((measure, Action.CREATE if is_new else Action.UPDATE, diff))
    return changes


def _write(changes: list[_Change], *, user: User | None) -> str:
    if not changes:
        return ""
    batch = new_batch()
    updated = [m for m, action, _ in changes if action == Action.UPDATE]
    bulk_update(Measure, updated, FIELDS)
    created = [m for m, action, _ in changes if action == Action.CREATE]
    Measure.objects.bulk_create(created, batch_size=BATCH_SIZE)
    ChangeRecord.objects.bulk_create(
        [
            audit.change_record(
                user=user,
                action=action,
                source=ChangeRecord.Source.IMPORT,
                obj=measure,
                measure=measure,
                changes=diff,
                batch=batch,
            )
            for measure, action, diff in changes
        ],
        batch_size=BATCH_SIZE,
    )
    return batch
