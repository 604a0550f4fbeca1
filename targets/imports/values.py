"""import_values: measures' figures for periods, as drafts, or published for a backfill.

Columns `measure,period,value[,numerator,denominator,commentary,corrective_action,dq_flag,
forecast,reason]`. An optional column that is absent leaves that field of an existing value as it
is; a column that is present sets it (an empty cell clears it). Drafts are updated; a published
value is restated only when importing with `publish` (revision + 1, with the row's reason or
"Imported restatement"); a submitted or approved value is refused. Corrective action is not
required here: a draft is asked for it when it is submitted, and history is history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from targets import audit, periods, permissions, questions, rules, services
from targets.imports.cells import RowCells
from targets.imports.common import (
    FirstYears,
    bulk_insert,
    bulk_update,
    chunked,
    measures_by_code,
    new_batch,
    open_table,
    require_one_of,
)
from targets.imports.reader import Table
from targets.imports.report import ImportReport
from targets.models import ChangeRecord, DataQuality, Measure, User, Value, ValueStatus

REQUIRED = ("measure", "period")
OPTIONAL = (
    "value",
    "numerator",
    "denominator",
    "commentary",
    "corrective_action",
    "dq_flag",
    "forecast",
    "reason",
)
# Optional columns and the value each sets when its cell is empty.
_SETTABLE: dict[str, Any] = {
    "numerator": None,
    "denominator": None,
    "commentary": "",
    "corrective_action": "",
    "dq_flag": DataQuality.FINAL,
    "forecast": None,
}
DQ_FLAGS = DataQuality.values  # read once: an enum builds its list of values anew on each reading
UPDATED_FIELDS = [
    "actual",
    "numerator",
    "denominator",
    "commentary",
    "corrective_action",
    "dq_flag",
    "forecast",
    "status",
    "version",
    "revision",
    "entered_by",
    "published_by",
    "published_at",
    "updated_at",
]
# What the audit trail compares: the workflow's fields, but the evidence file, which an import
# never touches (and which is slow to read on 100,000 values).
TRACKED = tuple(field for field in services.TRACKED if field != "evidence")
Action = ChangeRecord.Action


@dataclass
class _Row:
    number: int
    measure: Measure
    period: str
    fields: dict[str, Any]
    reason: str


@dataclass
class _Change:
    value: Value
    measure: Measure
    action: str
    changes: dict[str, list[str | None]]
    reason: str


def import_values(
    stream: IO[bytes],
    *,
    user: User | None = None,
    dry_run: bool = False,
    publish: bool = False,
    question: bool = False,
) -> ImportReport:
    """Validate every row; write them all (one batch of audit records) only if all are good.

    With a `user`, each row's measure must be one whose values they may enter, and `publish`
    needs the performance team; without one (a command run by the system) nothing is checked.
    With `question` (the upload page's officers' values, never a history load), a figure the
    rule questions (`targets.questions`) needs an explanation in its commentary, and is then
    recorded as questioned.
    """
    report = ImportReport(kind="values", dry_run=dry_run)
    if publish and user is not None and not permissions.can_publish(user):
        report.add(None, None, "Only the performance team can import values as published")
        return report
    table = open_table(stream, report, required=REQUIRED, optional=OPTIONAL)
    if table is None or not require_one_of(table, report, ("value",), ("numerator", "denominator")):
        return report
    with transaction.atomic():
        first_years = FirstYears(user=user)
        rows = _parse(table, report, user, first_years)
        del table  # the cells, no longer needed: a large file's rows take room
        existing = _existing(rows, lock=not dry_run)
        if question:
            _question(rows, existing, report)
        changes = _plan(rows, existing, report, user=user, publish=publish)
        if report.ok:
            first_years.note(report)
        if report.ok and not dry_run:
            report.batch = first_years.write(user=user, batch=_write(changes, user=user))
            questions.record_imported(report.questioned, user=user)
    report.sort_errors()
    return report


def _parse(
    table: Table, report: ImportReport, user: User | None, first_years: FirstYears
) -> list[_Row]:
    codes = {str(v["measure"]).strip() for _, v in table.rows if v.get("measure") is not None}
    measures = measures_by_code(codes)
    allowed: dict[int, bool] = {}
    parsed_periods: dict[str, periods.Period | str] = {}
    seen: dict[tuple[int, str], int] = {}
    rows = []
    for number, values in table.rows:
        cells = RowCells(number, values, table.columns, report)
        code = cells.text("measure", required=True)
        measure = measures.get(code)
        if code and measure is None:
            cells.error("measure", f"Unknown measure {code}")
        if measure is not None and user is not None:
            if measure.pk not in allowed:
                allowed[measure.pk] = permissions.can_edit_value(user, measure)
            if not allowed[measure.pk]:
                cells.error("measure", f"You cannot enter values for {measure.code}")
        period = _period(cells, parsed_periods)
        if measure is not None and period is not None:
            _check_period(cells, measure, period, first_years)
        actual = cells.decimal("value")
        fields = {
            "numerator": cells.decimal("numerator"),
            "denominator": cells.decimal("denominator"),
            "commentary": cells.text("commentary"),
            "corrective_action": cells.text("corrective_action"),
            "dq_flag": cells.choice("dq_flag", DQ_FLAGS),
            "forecast": cells.decimal("forecast"),
        }
        reason = cells.text("reason", max_length=1000)
        if not (cells.ok and measure is not None and period is not None):
            continue
        fields["actual"] = _actual(cells, measure, actual, fields)
        key = (measure.pk, period.code)
        if key in seen:
            cells.error("period", f"{measure.code} {period.code} is already on row {seen[key]}")
        seen.setdefault(key, number)
        if cells.ok:
            given = {"actual": fields["actual"]}
            for name, empty in _SETTABLE.items():
                if cells.has(name):
                    given[name] = empty if fields[name] is None else fields[name]
            rows.append(_Row(number, measure, period.code, given, reason))
    return rows


def _question(
    rows: list[_Row], existing: dict[tuple[int, str], Value], report: ImportReport
) -> None:
    """Question every row's figure at once: one without an explanation in its commentary (the
    row's, else the draft's) is an error on its value; one with it is noted, to be recorded."""
    book = questions.Book.load([(r.measure, periods.parse_period(r.period)) for r in rows])
    for row in rows:
        fields = row.fields
        asked = book.ask(
            row.measure,
            periods.parse_period(row.period),
            fields.get("actual"),
            numerator=fields.get("numerator"),
            denominator=fields.get("denominator"),
        )
        if asked is None:
            continue
        stored = existing.get((row.measure.pk, row.period))
        commentary = fields.get("commentary", stored.commentary if stored else "") or ""
        if commentary.strip():
            report.questioned.append((row.measure, row.period, asked))
        else:
            report.add(
                row.number,
                "value",
                f"{row.measure.code} {row.period} is questioned: {asked.reason} "
                "Explain it in the commentary column to import it",
            )


def _period(cells: RowCells, cache: dict[str, periods.Period | str]) -> periods.Period | None:
    code = cells.text("period", required=True)
    if not code:
        return None
    if code not in cache:
        try:
            cache[code] = periods.parse_period(code)
        except periods.PeriodError as exc:
            cache[code] = str(exc)
    period = cache[code]
    if isinstance(period, str):
        cells.error("period", period)
        return None
    return period


def _check_period(
    cells: RowCells, measure: Measure, period: periods.Period, first_years: FirstYears
) -> None:
    if period.frequency != measure.frequency:
        cells.error(
            "period",
            f"{measure.code} is {measure.frequency}: {period.code} is not one of its periods",
        )
    elif reason := first_years.check(measure, period.year):
        cells.error("period", reason)


def _actual(
    cells: RowCells, measure: Measure, actual: Decimal | None, fields: dict[str, Any]
) -> Decimal | None:
    """The value as given, or for a ratio measure numerator / denominator (which must agree)."""
    if measure.aggregation != Measure.Aggregation.RATIO:
        if actual is None:
            cells.error("value", "Value is required")
        return actual
    data = services.ValueInput(numerator=fields["numerator"], denominator=fields["denominator"])
    try:
        derived = services.derived_actual(measure, data)
    except services.WorkflowError as exc:
        missing = "numerator" if data.numerator is None else "denominator"
        cells.error(exc.field if exc.field == "denominator" else missing, str(exc).rstrip("."))
        return None
    if derived is not None and actual is not None:
        given, computed = (
            rules.round_to(actual, measure.decimals),
            rules.round_to(derived, measure.decimals),
        )
        if given != computed:
            cells.error(
                "value",
                f"Value {given} does not match numerator / denominator ({computed}): "
                "leave it empty or correct it",
            )
    return derived


def _existing(rows: list[_Row], *, lock: bool) -> dict[tuple[int, str], Value]:
    """The values the rows name that already exist, locked until the import commits."""
    measure_ids = sorted({row.measure.pk for row in rows})
    period_codes = sorted({row.period for row in rows})
    found: dict[tuple[int, str], Value] = {}
    query = Value.objects.select_for_update() if lock else Value.objects.all()
    # Chunked by measure (one query per 500 measures, never per row) to stay under SQLite's
    # limit on query parameters.
    for ids in chunked(measure_ids):
        for value in query.filter(measure_id__in=ids, period__in=period_codes):
            found[(value.measure_id, value.period)] = value
    return found


def _plan(
    rows: Iterable[_Row],
    existing: dict[tuple[int, str], Value],
    report: ImportReport,
    *,
    user: User | None,
    publish: bool,
) -> list[_Change]:
    """Apply each row to its value in memory; count and describe what would change."""
    now = timezone.now()
    changes = []
    for row in rows:
        value = existing.get((row.measure.pk, row.period))
        if value is None:
            value = Value(measure=row.measure, period=row.period, entered_by=user, **row.fields)
            if publish:
                _publish(value, user, now)
            reason = row.reason or ("Imported as published" if publish else "")
            diff = audit.diff({}, audit.snapshot(value, TRACKED))
            changes.append(_Change(value, row.measure, Action.CREATE, diff, reason))
            report.created += 1
            continue
        label = f"{row.measure.code} {row.period}"
        if value.status in (ValueStatus.SUBMITTED, ValueStatus.APPROVED):
            report.add(row.number, "period", f"{label} is {value.status}: return it to draft first")
            continue
        if value.status == ValueStatus.PUBLISHED and not publish:
            report.add(
                row.number,
                "period",
                f"{label} is published: only the performance team can restate it, "
                "by importing with publish",
            )
            continue
        before = audit.snapshot(value, TRACKED)
        _apply(value, row.fields)
        if value.status == ValueStatus.PUBLISHED:
            action = Action.RESTATE
        elif publish:
            _publish(value, user, now)
            action = Action.PUBLISH
        else:
            action = Action.UPDATE
        diff = audit.diff(before, audit.snapshot(value, TRACKED))
        if not diff:
            report.unchanged += 1
            continue
        value.version += 1
        value.updated_at = now
        if action == Action.RESTATE:
            value.revision += 1
        if diff.keys() - {"status"}:
            value.entered_by = user
        reason = row.reason or ("Imported restatement" if action == Action.RESTATE else "")
        changes.append(_Change(value, row.measure, action, diff, reason))
        report.updated += 1
    return changes


def _apply(value: Value, fields: dict[str, Any]) -> None:
    for name, figure in fields.items():
        setattr(value, name, figure)


def _publish(value: Value, user: User | None, now: datetime) -> None:
    value.status = ValueStatus.PUBLISHED
    value.published_by = user
    value.published_at = now


def _write(changes: list[_Change], *, user: User | None) -> str:
    if not changes:
        return ""
    batch = new_batch()
    created = [c.value for c in changes if c.action == Action.CREATE]
    bulk_insert(Value, created)
    _read_keys(created)
    updated = [c.value for c in changes if c.action != Action.CREATE]
    bulk_update(Value, updated, UPDATED_FIELDS)
    # Records are built a chunk at a time: 100,000 of them at once would double the memory used.
    for chunk in chunked(changes, 5000):
        bulk_insert(
            ChangeRecord,
            [
                audit.change_record(
                    user=user,
                    action=c.action,
                    source=ChangeRecord.Source.IMPORT,
                    obj=c.value,
                    measure=c.measure,
                    period=c.value.period,
                    changes=c.changes,
                    reason=c.reason,
                    batch=batch,
                )
                for c in chunk
            ],
        )
    return batch


def _read_keys(created: list[Value]) -> None:
    """Give the inserted values their keys, read back by measure and period (a chunk of measures
    per query)."""
    by_key = {(v.measure_id, v.period): v for v in created}
    period_codes = sorted({v.period for v in created})
    for ids in chunked(sorted({v.measure_id for v in created})):
        rows = Value.objects.filter(measure_id__in=ids, period__in=period_codes)
        for measure_id, period, pk in rows.values_list("measure_id", "period", "pk"):
            value = by_key.get((measure_id, period))
            if value is not None:
                value.pk = pk
                value._state.adding = False
