"""What the three imports share: opening the file into a report, batches, year checks."""

from __future__ import annotations

import contextlib
import gc
import uuid
from collections.abc import Collection, Iterator, Sequence
from typing import IO, TypeVar

from django.db import connections, models, router

from targets import audit, periods, permissions
from targets.imports.reader import Table, read_table
from targets.imports.report import FileRejected, ImportReport
from targets.models import ChangeRecord, Measure, User

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


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large import runs.

    An import makes hundreds of thousands of small objects (cells, rows, changes) that live
    until its chunk is written and hold no cycles; each of the collector's full passes walks
    all of them, which took a quarter of the time of an import of 100,000 values. Reference
    counting still frees them as they go.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


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


class FirstYears:
    """Years before a measure's first year in an import of its history.

    A council moving from another system imports its measures (each reported from the current
    year unless the file says otherwise), then years of their targets and values. When the
    performance team (or the system, from the command line) imports figures of earlier years,
    the import moves each measure's first year (`active_from`) back to the earliest year in the
    file, says so in its report and records it in the audit trail, in the import's transaction.
    Anyone else's rows for those years are refused, as for any year a measure is not reported.
    """

    def __init__(self, *, user: User | None) -> None:
        self.may_extend = user is None or permissions.is_performance_team(user)
        self._earliest: dict[int, tuple[Measure, int]] = {}

    def check(self, measure: Measure, year: int) -> str | None:
        """Why the row's year is refused, or None (remembering a year to move back to)."""
        if year < measure.active_from and self.may_extend:
            found = self._earliest.get(measure.pk)
            if found is None or year < found[1]:
                self._earliest[measure.pk] = (measure, year)
            return None
        reason = inactive_year(measure, year)
        if reason and year < measure.active_from:
            reason += "; the performance team can import its earlier history"
        return reason

    def note(self, report: ImportReport) -> None:
        """Tell the report each measure whose first year moves (or would move) back."""
        verb = "would move" if report.dry_run else "moved"
        for measure, year in sorted(self._earliest.values(), key=lambda found: found[0].code):
            report.notes.append(
                f"{measure.code}: first year {verb} back from "
                f"{periods.fy_label(measure.active_from)} to {periods.fy_label(year)}"
            )

    def write(self, *, user: User | None, batch: str) -> str:
        """Move the first years back, each audited in the batch (a new one if it is ""); return
        the batch."""
        if not self._earliest:
            return batch
        batch = batch or new_batch()
        ids = sorted(self._earliest)
        locked = list(Measure.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        moved, records = [], []
        for measure in locked:
            year = self._earliest[measure.pk][1]
            if year >= measure.active_from:
                continue
            before = audit.snapshot(measure, ["active_from"])
            measure.active_from = year
            moved.append(measure)
            records.append(
                audit.change_record(
                    user=user,
                    action=ChangeRecord.Action.UPDATE,
                    source=ChangeRecord.Source.IMPORT,
                    obj=measure,
                    measure=measure,
                    period=periods.fy_label(year),
                    changes=audit.diff(before, audit.snapshot(measure, ["active_from"])),
                    reason=f"The import of its history from {periods.fy_label(year)}",
                    batch=batch,
                )
            )
        bulk_update(Measure, moved, ["active_from"])
        ChangeRecord.objects.bulk_create(records, batch_size=BATCH_SIZE)
        return batch


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


# Fields whose Python value is already what the database drivers take: no conversion per row.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)
