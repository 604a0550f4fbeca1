"""import_benchmarks: one metric's published values, in the long format of LG Inform and DEFRA
extracts: `area_code,period,value` (`area_name` and any other column ignored).

Re-importing a file is an upsert that changes nothing: each row is compared with what is stored
(one query per file), so only new and changed values are written (`writing.py`: one INSERT from
a JSON text on SQLite, COPY and one set-based upsert on PostgreSQL). A national table is 1.5 M
values in 500 files: the file is read row by row into tuples (`rows.py`) and a plain row is
read without building its cells; any other row is read by the full rules. The garbage
collector is paused meanwhile.

`import_benchmark_table` applies the same rules to rows that did not come from a file (the LG
Inform Plus fetch builds its table from the API's answer): there is one write path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, NamedTuple

from django.db import transaction

from benchmarking import periods as benchmark_periods
from benchmarking.imports import writing
from benchmarking.imports.report import BenchmarkImportReport
from benchmarking.imports.rows import Row, Rows, from_table, read_rows
from benchmarking.models import GSS_PATTERN, Authority, BenchmarkValue, Metric
from benchmarking.periods import CalendarYearError
from targets.imports.cells import MAX_CELL_CHARS, RowCells
from targets.imports.common import gc_paused
from targets.imports.reader import Table
from targets.imports.report import FileRejected
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
    report = _report(spec, dry_run)
    where = [column.lower() for column in spec.where]
    # A metric's rows are thousands of small objects in no cycle: the collector's passes over
    # them (and everything loaded before) were a third of reading and checking them.
    with gc_paused():
        try:
            rows = read_rows(stream, required=REQUIRED, optional=(*OPTIONAL, *where), extra=where)
        except FileRejected as exc:
            report.errors.extend(exc.errors)
            return report
        return _import(rows, spec, report, dry_run=dry_run)


def import_benchmark_table(
    table: Table, spec: MetricSpec, *, dry_run: bool = False, keep_changes: bool = False
) -> BenchmarkImportReport:
    """Import rows already read (columns area_code, period, value) by the rules of a file.

    With `keep_changes`, the report lists every value written (`report.changes`), so that the
    caller can record them in the audit trail.
    """
    report = _report(spec, dry_run)
    report.rows = len(table.rows)
    missing = [column for column in REQUIRED if column not in table.columns]
    if missing:
        report.add(None, None, f"Required columns are missing: {', '.join(missing)}")
        return report
    where = [column.lower() for column in spec.where]
    with gc_paused():
        return _import(
            from_table(table, where), spec, report, dry_run=dry_run, keep_changes=keep_changes
        )


def _report(spec: MetricSpec, dry_run: bool) -> BenchmarkImportReport:
    return BenchmarkImportReport(kind=f"benchmark values of {spec.code}", dry_run=dry_run)


def _import(
    rows: Rows,
    spec: MetricSpec,
    report: BenchmarkImportReport,
    *,
    dry_run: bool,
    keep_changes: bool = False,
) -> BenchmarkImportReport:
    where = {column.lower(): value for column, value in spec.where.items()}
    for column in where:
        if column not in rows.columns:
            report.add(1, column, f"The file has no column {column} to select rows by")
    if not report.ok:
        return report
    with transaction.atomic():
        metric = _metric(spec, report)
        writing.hold_parents(metric.pk if metric is not None else None)
        areas = dict(Authority.objects.values_list("code", "pk"))
        try:
            found = _parse(rows.rows, rows.columns, where, areas, report)
        except FileRejected as exc:
            # Found while reading on (a line too long…): the file is refused as a whole, as
            # the reader would have refused it before any row.
            transaction.set_rollback(True)
            refused = _report(spec, report.dry_run)
            refused.errors.extend(exc.errors)
            return refused
        if not found and report.ok:
            report.add(None, None, "Nothing to import: no row has a value that can be read")
        if not report.ok:
            report.sort_errors()
            transaction.set_rollback(True)
            return report
        _write(metric, found, report, dry_run=dry_run, keep_changes=keep_changes)
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


# A figure as statistical releases write most: read exactly as `RowCells.decimal` reads it (at
# most 14 digits before the point and 6 after, so neither rounded nor too large).
_PLAIN_FIGURE = re.compile(r"-?\d{1,14}(?:\.\d{1,6})?")


class _Parser:
    """The rows' values by (authority, period), every problem in the report.

    Most rows of an extract are plain: a register code, a known period, a plain figure. Those
    are read here without building a row's cells; any other row is read by `_row`, the full
    rules, so that each problem is found and said as the full rules say it.
    """

    def __init__(
        self,
        columns: frozenset[str],
        where: dict[str, str],
        areas: dict[str, int],
        report: BenchmarkImportReport,
    ) -> None:
        self.columns, self.where, self.areas, self.report = columns, where, areas, report
        self.found: dict[Key, Decimal] = {}
        self.first_row: dict[Key, int] = {}
        # An extract has a handful of periods and a few hundred areas over thousands of rows.
        self.periods: dict[str, str | PeriodError] = {}
        self.plain_areas = {code: pk for code, pk in areas.items() if GSS_PATTERN.fullmatch(code)}
        self.plain_periods: dict[str, str | None] = {}

    def parse(self, rows: Iterable[Row]) -> dict[Key, Decimal]:
        found, first_row, areas = self.found, self.first_row, self.plain_areas
        periods, plain_period, figure = self.plain_periods, self._plain_period, _PLAIN_FIGURE
        count = 0
        for row in rows:
            count += 1
            number, area_text, period_text, raw, _ = row
            if (
                self.where
                or type(raw) is not str
                or type(area_text) is not str
                or type(period_text) is not str
                or not figure.fullmatch(raw)
            ):
                self._row(row)
                continue
            area = areas.get(area_text)
            period = periods[period_text] if period_text in periods else plain_period(period_text)
            if area is None or period is None or (area, period) in found:
                self._row(row)
                continue
            found[area, period] = Decimal(raw)
            first_row[area, period] = number
        self.report.rows = count
        return found

    def _plain_period(self, text: str) -> str | None:
        """The period's code if the full rules read the text as one without a problem."""
        period = self._period(text)
        plain = text[:1] != "=" and len(text) <= MAX_CELL_CHARS and isinstance(period, str)
        self.plain_periods[text] = period if plain and isinstance(period, str) else None
        return self.plain_periods[text]

    def _period(self, text: str) -> str | PeriodError:
        found = self.periods.get(text)
        return found if found is not None else self.periods.setdefault(text, _period(text))

    def _row(self, row: Row) -> None:
        """One row by the full rules."""
        number, area_text, period_text, raw_value, extra = row
        report = self.report
        values = {"area_code": area_text, "period": period_text, "value": raw_value, **extra}
        cells = RowCells(number, values, self.columns, report)
        if any(cells.text(column).lower() != value.lower() for column, value in self.where.items()):
            report.skip("not selected by --where")
            return
        raw = cells.text("value")
        if not raw or raw.lower() in MISSING:
            report.skip(NO_VALUE)
            return
        value = cells.decimal("value")
        written = cells.text("area_code", required=True)
        code = written.upper()
        if code and not GSS_PATTERN.fullmatch(code):
            cells.error("area_code", f"{written} is not an ONS (GSS) code such as E07000178")
        if value is None or not cells.ok:
            return
        text = cells.text("period", required=True)
        if not text:
            return
        period = self._period(text)
        if isinstance(period, PeriodError):
            reason = CALENDAR_YEAR if isinstance(period, CalendarYearError) else BAD_PERIOD
            report.leave_out(reason, number, "period", str(period))
            return
        area = self.areas.get(code)
        if area is None:
            report.leave_out(UNKNOWN_AREA, number, "area_code", f"{code} is not in the register")
            return
        key = (area, period)
        if key in self.found:
            if self.found[key] != value:
                cells.error(
                    "value",
                    f"{code} {period} is already on row {self.first_row[key]} with another "
                    "value: the file may hold more than one series (choose one with --where)",
                )
            else:
                report.skip("repeated row")
            return
        self.found[key] = value
        self.first_row[key] = number


def _parse(
    rows: Iterable[Row],
    columns: frozenset[str],
    where: dict[str, str],
    areas: dict[str, int],
    report: BenchmarkImportReport,
) -> dict[Key, Decimal]:
    return _Parser(columns, where, areas, report).parse(rows)


def _write(
    metric: Metric | None,
    rows: dict[Key, Decimal],
    report: BenchmarkImportReport,
    *,
    dry_run: bool,
    keep_changes: bool = False,
) -> None:
    """Compare the rows with what is stored (one query) and write what is new or changed."""
    assert metric is not None  # a missing metric is an error, reported before
    stored = (
        BenchmarkValue.objects.filter(metric=metric, period__in={period for _, period in rows})
        .order_by()
        .values_list("authority_id", "period", "value")
    )
    existing = {(area, period): value for area, period, value in stored}
    new: list[tuple[int, str, Decimal]] = []
    changed: list[tuple[int, str, Decimal]] = []
    if existing:
        for (area, period), value in rows.items():
            before = existing.get((area, period))
            if before is None:
                new.append((area, period, value))
            elif before != value:
                changed.append((area, period, value))
                if keep_changes:
                    report.changes.append(ValueChange(area, period, before, value))
    else:
        new = [(area, period, value) for (area, period), value in rows.items()]
    report.created, report.updated = len(new), len(changed)
    report.unchanged = len(rows) - len(new) - len(changed)
    if keep_changes:
        report.changes[:0] = [ValueChange(area, period, None, value) for area, period, value in new]
    if dry_run or not (new or changed):
        return
    writing.write_values(metric.pk, new, changed)
