"""What the three imports share: opening the file into a report, batches, year checks."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator, Sequence
from typing import IO, TypeVar

from django.db import connections, models, router

from targets import periods
from targets.imports.reader import Table, read_table
from targets.imports.report import FileRejected, ImportReport
from targets.models import Measure

# Rows per INSERT/UPDATE: well under SQLite's 32,766 variables for the widest model.
BATCH_SIZE = 500
T = TypeVar("T")
M = TypeVar("M", bound=models.Model)


def open_table(
    stream: IO[bytes],
    report: ImportReport,
    *,
    required: Collection[str],
    optional: Collection[str] = (),
    dates_as_months: bool = True,
) -> Table | None:
    """Read the file, or record why it cannot be read and return None."""
    try:
        table = read_table(
            stream, required=required, optional=optional, dates_as_months=dates_as_months
        )
    except FileRejected as exc:
        report.errors.extend(exc.errors)
        return None
    report.rows = len(table.rows)
    return table


def require_one_of(table: Table, report: ImportReport, *options: Sequence[str]) -> bool:
    """The header has all the columns of at least one option: ("value",) or (num, den)."""
    if any(set(option) <= table.columns for option in options):
        return True
    wanted = " or ".join(" and ".join(option) for option in options)
    report.add(1, options[0][0], f"Required column is missing: give {wanted}")
    return False


def new_batch() -> str:
    """The id shared by every audit record of one import."""
    return f"import-{uuid.uuid4().hex}"


def chunked(items: Sequence[T], size: int = BATCH_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def inactive_year(measure: Measure, year: int) -> str | None:
    """Why `measure` has no figures in financial year `year`, or None when it does."""
    if year >= measure.active_from and (measure.active_to is None or year <= measure.active_to):
        return None
    span = f"from {periods.fy_label(measure.active_from)}"
    if measure.active_to is not None:
        span += f" to {periods.fy_label(measure.active_to)}"
    return f"{measure.code} is not reported in {periods.fy_label(year)} (it is reported {span})"


def measures_by_code(codes: Collection[str], *, lock: bool = False) -> dict[str, Measure]:
    """The measures named in a file, found by code as written or in upper case."""
    wanted = sorted({*codes, *(code.upper() for code in codes)})
    query = Measure.objects.select_related("service")
    if lock:
        query = query.select_for_update(of=("self",))
    found: dict[str, Measure] = {}
    for chunk in chunked(wanted, 5000):
        found.update((m.code, m) for m in query.filter(code__in=chunk))
    result = {}
    for code in codes:
        measure = found.get(code) or found.get(code.upper())
        if measure is not None:
            result[code] = measure
    return result


def bulk_update(model: type[M], objs: Sequence[M], fields: Sequence[str]) -> None:
    """Save `fields` of existing objects: one UPDATE statement, executed for each object.

    Django's QuerySet.bulk_update builds a CASE WHEN per field and object, which for 100,000
    values takes minutes and gigabytes; executemany sends the same statement with each object's
    parameters, converted for the database exactly as the ORM converts them.
    """
    if not objs:
        return
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    by_name = {field.name: field for field in meta.concrete_fields}
    columns = [by_name[name] for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in columns)
    table, pk = quote(meta.db_table), quote(str(meta.pk.column if meta.pk else "id"))
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"
    with connection.cursor() as cursor:
        for chunk in chunked(objs):
            cursor.executemany(
                sql,
                [
                    [
                        field.get_db_prep_save(getattr(obj, field.attname), connection)
                        for field in columns
                    ]
                    + [obj.pk]
                    for obj in chunk
                ],
            )
