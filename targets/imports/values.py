"""import_values: measures' figures for periods, as drafts, or published for a backfill.

Columns `measure,period,value[,numerator,denominator,commentary,corrective_action,dq_flag,
forecast,reason]`. An optional column that is absent leaves that field of an existing value as it
is; a column that is present sets it (an empty cell clears it). Drafts are updated; a published
value is restated only when importing with `publish` (revision + 1, with the row's reason or
"Imported restatement"); a submitted or approved value is refused. Corrective action is not
required here: a draft is asked for it when it is submitted, and history is history.

Validating a row (`_parse`) and writing (`_Writer`) are kept apart. The file is worked through a
chunk of rows at a time, each validated, planned and written before the next is read, all in one
transaction: a bad row anywhere stops the writing and rolls back what was written, so nothing
is. New values go in as tuples, not model instances: on PostgreSQL by COPY into a temporary
staging table and one INSERT … SELECT per chunk, elsewhere by executemany; their audit records
through `audit.write_records`, the same records a value saved one at a time would have.
"""

from __future__ import annotations

import enum
import functools
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO, Any, TypeVar

from django.db import connections, models, router, transaction
from django.utils import timezone

from targets import audit, bulk, periods, permissions, questions, rules, services
from targets.imports.cells import RowCells
from targets.imports.common import (
    FirstYears,
    bulk_update,
    chunked,
    gc_paused,
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
# Rows validated, planned and written at a time: the memory an import takes is that of one
# chunk's rows, whatever the size of the file.
CHUNK_ROWS = 10_000
# PostgreSQL: the temporary table each chunk of new values is copied into (dropped at commit).
STAGING_TABLE = "goldthread_import_values"
T = TypeVar("T")


@dataclass(slots=True)
class _Row:
    number: int
    measure: Measure
    period: str
    fields: dict[str, Any]
    reason: str


@dataclass(slots=True)
class _Change:
    """What the import does to one value: `value`, the existing one, changed in memory; or for a
    new one (`value` None) all its `fields` by attribute name."""

    measure: Measure
    period: str
    action: str
    changes: audit.Changes
    reason: str
    value: Value | None = None
    fields: dict[str, Any] | None = None


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
    with gc_paused():
        return _import_values(
            stream, user=user, dry_run=dry_run, publish=publish, question=question
        )


def _import_values(
    stream: IO[bytes], *, user: User | None, dry_run: bool, publish: bool, question: bool
) -> ImportReport:
    report = ImportReport(kind="values", dry_run=dry_run)
    if publish and user is not None and not permissions.can_publish(user):
        report.add(None, None, "Only the performance team can import values as published")
        return report
    table = open_table(stream, report, required=REQUIRED, optional=OPTIONAL)
    if table is None or not require_one_of(table, report, ("value",), ("numerator", "denominator")):
        return report
    with transaction.atomic():
        first_years = FirstYears(user=user)
        writer = None if dry_run else _Writer(user=user)
        for rows in _parse(table, report, user, first_years):
            existing = _existing(rows, lock=not dry_run)
            if question:
                _question(rows, existing, report)
            changes = _plan(rows, existing, report, user=user, publish=publish)
            # After a bad row nothing more is written, and what was is rolled back below; the
            # rest of the file is still checked, so that every bad row is reported.
            if report.ok and writer is not None:
                writer.write(changes)
        del table
        if report.ok:
            first_years.note(report)
        if report.ok and writer is not None:
            report.batch = first_years.write(user=user, batch=writer.batch)
            questions.record_imported(report.questioned, user=user)
        if not report.ok:
            transaction.set_rollback(True)
    report.sort_errors()
    return report


def _consume(items: list[T]) -> Iterator[T]:
    """Each item in order, let go of as it is taken (a large file's cells take room)."""
    items.reverse()
    while items:
        yield items.pop()


def _parse(
    table: Table, report: ImportReport, user: User | None, first_years: FirstYears
) -> Iterator[list[_Row]]:
    """The valid rows, a chunk at a time; each problem is recorded in the report."""
    codes = {str(v["measure"]).strip() for _, v in table.rows if v.get("measure") is not None}
    measures = measures_by_code(codes)
    allowed: dict[int, bool] = {}
    parsed_periods: dict[str, periods.Period | str] = {}
    seen: dict[tuple[int, str], int] = {}
    settable = [(name, empty) for name, empty in _SETTABLE.items() if name in table.columns]
    rows: list[_Row] = []
    for number, values in _consume(table.rows):
        if len(rows) >= CHUNK_ROWS:
            yield rows
            rows = []
        cells = RowCells(number, values, table.columns, report)
        code = cells.text("measure", required=True)
        measure = measures.get(code)
        if code and measure is None:
            cells.error("measure", f"Unknown measure {code}")
        if measure is not None and user is not None:
            if measure.id not in allowed:
                allowed[measure.id] = permissions.can_edit_value(user, measure)
            if not allowed[measure.id]:
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
        key = (measure.id, period.code)
        if key in seen:
            cells.error("period", f"{measure.code} {key[1]} is already on row {seen[key]}")
        seen.setdefault(key, number)
        if cells.ok:
            given = {"actual": fields["actual"]}
            for name, empty in settable:
                given[name] = empty if fields[name] is None else fields[name]
            rows.append(_Row(number, measure, key[1], given, reason))
    if rows:
        yield rows


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
    measure_ids = sorted({row.measure.id for row in rows})
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
    new = _new_fields(user, publish, now)
    changes = []
    for row in rows:
        value = existing.get((row.measure.id, row.period))
        if value is None:
            fields = {**new, "measure_id": row.measure.id, "period": row.period, **row.fields}
            reason = row.reason or ("Imported as published" if publish else "")
            diff = audit.created(fields, TRACKED)
            changes.append(
                _Change(row.measure, row.period, Action.CREATE, diff, reason, fields=fields)
            )
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
        changes.append(_Change(row.measure, row.period, action, diff, reason, value=value))
        report.updated += 1
    return changes


def _new_fields(user: User | None, publish: bool, now: datetime) -> dict[str, Any]:
    """A new value's fields by attribute name, before its row's: the model's defaults, who
    entered it and when, and whether it is published (as a Value created and saved would be)."""
    fields = {
        field.attname: _plain(field.get_default())
        for field in Value._meta.concrete_fields
        if not field.primary_key
    }
    user_id = user.pk if user is not None else None
    fields |= {"entered_by_id": user_id, "created_at": now, "updated_at": now}
    if publish:
        fields |= {
            "status": ValueStatus.PUBLISHED.value,
            "published_by_id": user_id,
            "published_at": now,
        }
    return fields


def _plain(default: Any) -> Any:
    """A choice's value as the plain str or int the drivers take (a default may be the enum)."""
    return default.value if isinstance(default, enum.Enum) else default


def _apply(value: Value, fields: dict[str, Any]) -> None:
    for name, figure in fields.items():
        setattr(value, name, figure)


def _publish(value: Value, user: User | None, now: datetime) -> None:
    value.status = ValueStatus.PUBLISHED
    value.published_by = user
    value.published_at = now


class _Writer:
    """Writes each chunk's changes: the new values in bulk, the changed ones by executemany, and
    all their audit records (one batch for the whole import) through `audit.write_records`."""

    def __init__(self, *, user: User | None) -> None:
        self.user = user
        self.batch = ""
        self.connection = connections[router.db_for_write(Value)]
        fields = [field for field in Value._meta.concrete_fields if not field.primary_key]
        self.columns = [str(field.column) for field in fields]
        self.row_of = operator.itemgetter(*(field.attname for field in fields))
        self.datetimes = [
            i for i, field in enumerate(fields) if isinstance(field, models.DateTimeField)
        ]
        # A chunk's new values share a few datetimes (now, or none): each adapted once.
        self.adapt = functools.lru_cache(maxsize=16)(self.connection.ops.adapt_datetimefield_value)

    def write(self, changes: list[_Change]) -> None:
        if not changes:
            return
        self.batch = self.batch or new_batch()
        keys = self._insert([c.fields for c in changes if c.fields is not None])
        bulk_update(Value, [c.value for c in changes if c.value is not None], UPDATED_FIELDS)
        audit.write_records(
            (
                audit.Entry(
                    action=c.action,
                    object_id=c.value.pk if c.value is not None else keys[(c.measure.id, c.period)],
                    measure_id=c.measure.id,
                    measure_code=c.measure.code,
                    period=c.period,
                    changes=c.changes,
                    reason=c.reason,
                )
                for c in changes
            ),
            model=Value,
            user=self.user,
            source=ChangeRecord.Source.IMPORT,
            batch=self.batch,
        )

    def _rows(self, created: list[dict[str, Any]]) -> Iterator[list[Any]]:
        for fields in created:
            row = list(self.row_of(fields))
            for i in self.datetimes:
                row[i] = self.adapt(row[i])
            yield row

    def _insert(self, created: list[dict[str, Any]]) -> dict[tuple[int, str], int]:
        """Insert the new values; return their keys by measure and period."""
        if not created:
            return {}
        if self.connection.vendor == "postgresql":
            return self._insert_staged(created)
        bulk.insert_rows(Value._meta.db_table, self.columns, self._rows(created))
        # Read back by measure and period, a chunk of measures per query.
        wanted = {(fields["measure_id"], fields["period"]) for fields in created}
        period_codes = sorted({period for _, period in wanted})
        keys = {}
        for ids in chunked(sorted({measure_id for measure_id, _ in wanted})):
            found = Value.objects.filter(measure_id__in=ids, period__in=period_codes)
            for measure_id, period, pk in found.values_list("measure_id", "period", "pk"):
                if (measure_id, period) in wanted:
                    keys[(measure_id, period)] = pk
        return keys

    def _insert_staged(self, created: list[dict[str, Any]]) -> dict[tuple[int, str], int]:
        """PostgreSQL: COPY into a temporary staging table, then one INSERT … SELECT returning
        the keys. A value someone else created meanwhile is a conflict: the import fails."""
        quote = self.connection.ops.quote_name
        table, staging = quote(Value._meta.db_table), quote(STAGING_TABLE)
        names = ", ".join(quote(column) for column in self.columns)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "
                f"SELECT {names} FROM {table} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {staging}")
            bulk.insert_rows(STAGING_TABLE, self.columns, self._rows(created))
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} "
                f"RETURNING {quote('measure_id')}, {quote('period')}, {quote('id')}"
            )
            return {(measure_id, period): pk for measure_id, period, pk in cursor.fetchall()}
