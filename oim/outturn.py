"""Spending per head from DLUHC's revenue outturn: a service line's net current expenditure
(£000) × 1,000 ÷ the authority's population (the register's mid-2020 figure), as a benchmark
metric the value-for-money analysis can compare with the nearest neighbours.

The outturn file is wide (one column per service line, `490: Housing services (GFRA only)`);
this turns one line into the long `area_code,period,value` file that `import_benchmarks` reads,
then imports it through benchmarking's own import, so the usual checks and report apply.
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO

from benchmarking.imports import BenchmarkImportReport, MetricSpec, import_benchmarks
from benchmarking.models import Authority, Metric

CODE_COLUMN = "ONS Code"


class OutturnError(ValueError):
    pass


def line_column(header: list[str], line: str) -> str:
    """The column of a service line given by its number ("490") or its full heading."""
    wanted = line.strip()
    for column in header:
        if column.strip() == wanted or column.split(":", 1)[0].strip() == wanted:
            return column
    numbers = ", ".join(c.split(":", 1)[0] for c in header if ":" in c)
    raise OutturnError(f"No service line {wanted} in the file (lines: {numbers}).")


def per_head_file(stream: IO[bytes], line: str, period: str) -> tuple[bytes, str, dict[str, int]]:
    """The long file of £ per head for one line, the line's heading, and rows left out by reason."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    header = list(reader.fieldnames or [])
    if CODE_COLUMN not in header:
        raise OutturnError(f"The file has no {CODE_COLUMN!r} column: is it a revenue outturn?")
    column = line_column(header, line)
    population = dict(Authority.objects.filter(population__gt=0).values_list("code", "population"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["area_code", "period", "value"])
    left_out = {"no population in the register": 0, "no figure": 0}
    for row in reader:
        people = population.get((row.get(CODE_COLUMN) or "").strip())
        try:
            spend = Decimal((row.get(column) or "").strip())
        except InvalidOperation:
            left_out["no figure"] += 1
            continue
        if not people:
            left_out["no population in the register"] += 1
            continue
        per_head = (spend * 1000 / people).quantize(Decimal("0.01"), ROUND_HALF_UP)
        writer.writerow([row[CODE_COLUMN].strip(), period, per_head])
    return out.getvalue().encode(), column, left_out


def import_per_head(
    stream: IO[bytes],
    *,
    line: str,
    code: str | None = None,
    period: str = "2017/18",
    dry_run: bool = False,
) -> tuple[BenchmarkImportReport, dict[str, int]]:
    content, column, left_out = per_head_file(stream, line, period)
    number, _, name = column.partition(":")
    name = name.strip()
    code = code or f"RO{number.strip()}-HEAD"
    spec = MetricSpec(
        code,
        title=f"Net spending on {name[:1].lower()}{name[1:]} per head",
        polarity="down",
        decimals=2,
        unit="currency",
        source="government",
    )
    report = import_benchmarks(io.BytesIO(content), spec, dry_run=dry_run)
    if report.ok and not dry_run:
        Metric.objects.filter(code=code).update(
            description=f"Revenue outturn {period}, line {number.strip()} (net current "
            "expenditure, £000) × 1,000 ÷ population (mid-2020, from the register). Lower is "
            "treated as better: read it beside the service's performance.",
            source_detail="DLUHC Revenue Outturn via BBC-Data-Unit/council-cuts-charts (OGL v3); "
            "population from mySociety's register (CC-BY-4.0)",
        )
    return report, left_out
