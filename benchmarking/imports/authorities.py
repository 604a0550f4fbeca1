"""import_authorities: the UK register of local authorities (mySociety's format), by ONS code.

Columns used: `gss-code`, `nice-name` (else `official-name`), `local-authority-type`, and
optionally `local-authority-type-name`, `region`, `nation`, `pop-2020`, `current-authority`;
the others are ignored. Rows without an ONS code (councils abolished before codes were given)
are skipped and counted. Any other bad row means nothing is written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from django.db import transaction

from benchmarking.imports.report import BenchmarkImportReport
from benchmarking.models import GSS_PATTERN, Authority
from targets.imports.cells import RowCells
from targets.imports.common import bulk_update, open_table

REQUIRED = ("gss-code", "nice-name", "local-authority-type")
OPTIONAL = (
    "official-name",
    "local-authority-type-name",
    "region",
    "nation",
    "pop-2020",
    "current-authority",
)
FIELDS = ("name", "type", "type_name", "region", "nation", "population", "is_current")


def import_authorities(stream: IO[bytes], *, dry_run: bool = False) -> BenchmarkImportReport:
    report = BenchmarkImportReport(kind="authorities", dry_run=dry_run)
    table = open_table(stream, report, required=REQUIRED, optional=OPTIONAL)
    if table is None:
        return report
    parsed: dict[str, dict[str, Any]] = {}
    rows_of: dict[str, int] = {}
    for number, values in table.rows:
        cells = RowCells(number, values, table.columns, report)
        code = cells.text("gss-code").upper()
        if not code:
            report.skip("no ONS code (a council abolished before codes were given)")
            continue
        if not GSS_PATTERN.fullmatch(code):
            cells.error("gss-code", f"{code} is not an ONS (GSS) code such as E07000178")
        fields = {
            "name": cells.text("nice-name", max_length=200) or cells.text("official-name"),
            "type": cells.text("local-authority-type", required=True, max_length=10).upper(),
            "type_name": cells.text("local-authority-type-name", max_length=100),
            "region": cells.text("region", max_length=100),
            "nation": cells.text("nation", max_length=50),
            "population": _population(cells),
            "is_current": cells.boolean("current-authority") is not False,
        }
        if not fields["name"]:
            cells.error("nice-name", "The authority has no name")
        if code in rows_of:
            cells.error("gss-code", f"{code} is already on row {rows_of[code]}")
        rows_of.setdefault(code, number)
        if cells.ok:
            parsed[code] = fields
    if not report.ok:
        report.sort_errors()
        return report
    with transaction.atomic():
        _write(parsed, report, dry_run=dry_run)
    return report


def _population(cells: RowCells) -> int | None:
    number = cells.decimal("pop-2020", places=0, minimum=Decimal(0))
    return int(number) if number is not None else None


def _write(
    parsed: dict[str, dict[str, Any]], report: BenchmarkImportReport, *, dry_run: bool
) -> None:
    existing = {a.code: a for a in Authority.objects.select_for_update()}
    new, changed = [], []
    for code, fields in parsed.items():
        authority = existing.get(code)
        if authority is None:
            new.append(Authority(code=code, **fields))
        elif any(getattr(authority, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(authority, name, value)
            changed.append(authority)
        else:
            report.unchanged += 1
    report.created, report.updated = len(new), len(changed)
    if not dry_run:
        Authority.objects.bulk_create(new)
        bulk_update(Authority, changed, FIELDS)
