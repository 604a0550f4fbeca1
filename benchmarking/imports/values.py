"""import_benchmarks: one metric's published values, in the long format of LG Inform and DEFRA
extracts: `area_code,period,value` (`area_name` and any other column ignored).

Re-importing a file is an upsert that changes nothing: each row is compared with what is stored
(one query per file), so only new and changed values are written.

`import_benchmark_table` applies the same rules to rows that did not come from a file (the LG
Inform Plus fetch builds its table from the API's answer): there is one write path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, NamedTuple, cast

from django.db import connections, models, router, transaction

from benchmarking import periods as benchmark_periods
from benchmarking.imports.report import BenchmarkImportReport
from benchmarking.models import GSS_PATTERN, Authority, BenchmarkValue, Metric
from benchmarking.periods import CalendarYearError
from targets.imports.cells import RowCells
from targets.imports.common import BATCH_SIZE, bulk_update, chunked, open_table
from targets.imports.reader import Cell, Table
from targets.models import Measure
from targets.periods import PeriodError

REQUIRED = ("area_code", "period", "value")
OPTIONAL = ("area_name",)
# How statistical releases mark a figure that is missing, suppressed or not applicable.
MISSING = {"na", "n/a", "nan", "..", ":", "-", "x", "[x]", "[c]", "[z]", "[low]", "*"}
NO_VALUE = "no value (NA or empty)"
CALENDAR_YEAR = "calendar-year periods, which are not guessed as financial years"
BAD_PERIOD = "periods that are not a financial year (2023/24) or quarter (2025/26-Q3)"
UNKNOWN_AREA = "areas that are not in the register of authorities (run import_authorities)"


@dataclass
class MetricSpec:
    """What the command line says about the metric; None leaves a field as it is."""

    code: str
    title: str | None = None
    polarity: str | None = None
    decimals: int | None = None
    unit: str | None = None
    source: str | None = None
    measure: str | None = None
    where: dict[str, str] = field(default_factory=dict)


def import_benchmarks(
    stream: IO[bytes], spec: MetricSpec, *, dry_run: bool = False
) -> BenchmarkImportReport:
    """Import the file's values of one metric, creating the metric if a title is given."""
    report = BenchmarkImportReport(kind=f"benchmark values of {spec.code}", dry_run=dry_run)
    where = {column.lower(): value for column, value in spec.where.items()}
    table = open_table(stream, report, required=REQUIRED, optional=(*OPTIONAL, *where))
    if table is None:
        return report
    return _import(table, spec, report, dry_run=dry_run)


def import_benchmark_table(
    table: Table, spec: MetricSpec, *, dry_run: bool = False, keep_changes: bool = False
) -> BenchmarkImportReport:
    """Import rows already read (columns area_code, period, value) by the rules of a file.

    With `keep_changes`, the report lists every value written (`report.changes`), so that the
    caller can record them in the audit trail.
    """
    report = BenchmarkImportReport(kind=f"benchmark values of {spec.code}", dry_run=dry_run)
    report.rows = len(table.rows)
    missing = [column for column in REQUIRED if column not in table.columns]
    if missing:
        report.add(None, None, f"Required columns are missing: {', '.join(missing)}")
        return report
    return _import(table, spec, report, dry_run=dry_run, keep_changes=keep_changes)


def _import(
    table: Table,
    spec: MetricSpec,
    report: BenchmarkImportReport,
    *,
    dry_run: bool,
    keep_changes: bool = False,
) -> BenchmarkImportReport:
    where = {column.lower(): value for column, value in spec.where.items()}
    for column in where:
        if column not in table.columns:
            report.add(1, column, f"The file has no column {column} to select rows by")
    if not report.ok:
        return report
    with transaction.atomic():
        metric = _metric(spec, report)
        areas = dict(Authority.objects.values_list("code", "pk"))
        rows = _parse(table.rows, table.columns, where, areas, report)
        if not rows and report.ok:
            report.add(None, None, "Nothing to import: no row has a value that can be read")
        if not report.ok:
            report.sort_errors()
            transaction.set_rollback(True)
            return report
        _write(metric, rows, report, dry_run=dry_run, keep_changes=keep_changes)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _metric(spec: MetricSpec, report: BenchmarkImportReport) -> Metric | None:
    """The metric, created or updated as the command line says (None if it cannot be)."""
    metric = Metric.objects.filter(code=spec.code).first()
    if metric is None and not spec.title:
        report.add(None, None, f"Unknown metric {spec.code}: give --title to create it")
        return None
    wanted: dict[str, Any] = {
        "title": spec.title,
        "polarity": spec.polarity,
        "decimals": spec.decimals,
        "unit": spec.unit,
        "source": spec.source,
    }
    if spec.measure:
        measure = Measure.objects.filter(code=spec.measure).first()
        if measure is None:
            report.add(None, None, f"Unknown measure {spec.measure} to link the metric to")
            return None
        wanted["measure"] = measure
    wanted = {name: value for name, value in wanted.items() if value is not None}
    if metric is None:
        metric = Metric.objects.create(code=spec.code, **wanted)
        report.notes.append(f"Metric {metric.code} created: {metric.title}.")
        return metric
    changed = [name for name, value in wanted.items() if getattr(metric, name) != value]
    if changed:
        for name in changed:
            setattr(metric, name, wanted[name])
        metric.save(update_fields=changed)
        report.notes.append(f"Metric {metric.code} updated: {', '.join(changed)}.")
    return metric


Key = tuple[int, str]  # (authority id, period code)


class ValueChange(NamedTuple):
    """A value written: `before` is None for a new one."""

    authority_id: int
    period: str
    before: Decimal | None
    after: Decimal


def _period(text: str) -> str | PeriodError:
    try:
        return benchmark_periods.parse(text).code
    except PeriodError as exc:
        return exc


def _parse(
    rows: list[tuple[int, dict[str, Cell]]],
    columns: frozenset[str],
    where: dict[str, str],
    areas: dict[str, int],
    report: BenchmarkImportReport,
) -> dict[Key, Decimal]:
    found: dict[Key, Decimal] = {}
    first_row: dict[Key, int] = {}
    # An extract has a handful of periods and a few hundred areas over thousands of rows.
    periods: dict[str, str | PeriodError] = {}
    for number, cells_in in rows:
        cells = RowCells(number, cells_in, columns, report)
        if any(cells.text(column).lower() != value.lower() for column, value in where.items()):
            report.skip("not selected by --where")
            continue
        raw = cells.text("value")
        if not raw or raw.lower() in MISSING:
            report.skip(NO_VALUE)
            continue
        value = cells.decimal("value")
        written = cells.text("area_code", required=True)
        code = written.upper()
        if code and not GSS_PATTERN.fullmatch(code):
            cells.error("area_code", f"{written} is not an ONS (GSS) code such as E07000178")
        if value is None or not cells.ok:
            continue
        period_text = cells.text("period", required=True)
        if not period_text:
            continue
        period = periods.get(period_text) or periods.setdefault(period_text, _period(period_text))
        if isinstance(period, PeriodError):
            reason = CALENDAR_YEAR if isinstance(period, CalendarYearError) else BAD_PERIOD
            report.leave_out(reason, number, "period", str(period))
            continue
        area = areas.get(code)
        if area is None:
            report.leave_out(UNKNOWN_AREA, number, "area_code", f"{code} is not in the register")
            continue
        key = (area, period)
        if key in found:
            if found[key] != value:
                cells.error(
                    "value",
                    f"{code} {period} is already on row {first_row[key]} with another value: "
                    "the file may hold more than one series (choose one with --where)",
                )
            else:
                report.skip("repeated row")
            continue
        found[key] = value
        first_row[key] = number
    return found


def _write(
    metric: Metric | None,
    rows: dict[Key, Decimal],
    report: BenchmarkImportReport,
    *,
    dry_run: bool,
    keep_changes: bool = False,
) -> None:
    assert metric is not None  # a missing metric is an error, reported before
    stored = BenchmarkValue.objects.filter(
        metric=metric, period__in={period for _, period in rows}
    ).values_list("pk", "authority_id", "period", "value")
    existing = {(area, period): (pk, value) for pk, area, period, value in stored}
    new: list[tuple[int, str, Decimal]] = []
    changed: list[BenchmarkValue] = []
    for (area, period), value in rows.items():
        before = existing.get((area, period))
        if before is None:
            new.append((area, period, value))
        elif before[1] != value:
            changed.append(BenchmarkValue(pk=before[0], value=value))
            if keep_changes:
                report.changes.append(ValueChange(area, period, before[1], value))
        else:
            report.unchanged += 1
    report.created, report.updated = len(new), len(changed)
    if keep_changes:
        report.changes[:0] = [ValueChange(area, period, None, value) for area, period, value in new]
    if dry_run:
        return
    _insert(metric, new)
    bulk_update(BenchmarkValue, changed, ["value"])


def _insert(metric: Metric, rows: list[tuple[int, str, Decimal]]) -> None:
    """INSERT the new values: one statement executed for each row.

    A national table is millions of rows; bulk_create spends most of its time building and
    preparing model instances. executemany sends the same statement with each row's
    parameters, converted for the database exactly as the ORM converts them.
    """
    meta = BenchmarkValue._meta
    connection = connections[router.db_for_write(BenchmarkValue)]
    fields = [meta.get_field(name) for name in ("metric", "authority", "period", "value")]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(cast(models.Field, f).column)) for f in fields)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    )
    prepare = cast(models.Field, fields[-1]).get_db_prep_save
    with connection.cursor() as cursor:
        for chunk in chunked(rows, BATCH_SIZE * 10):
            cursor.executemany(
                sql,
                [
                    (metric.pk, area, period, prepare(value, connection))
                    for area, period, value in chunk
                ],
            )
