"""import_complaints: the CRM's export of complaints and compliments, all or nothing.

Columns `reference,service,received,due,responded,stage,kind` (and optionally `outcome`), in any
order and case; other columns are ignored. One row per reference: a reference already held is
updated (an upsert), so importing the same export again changes nothing and a later export moves
complaints on (answered, escalated). A file with any bad row writes nothing and lists every
problem by row and column.

- `service`: the service's code or its name, in any case.
- `kind`: complaint or compliment.
- dates: ISO (2025-04-30) or day first as UK CRMs export them (30/04/2025), optionally followed
  by a time of day, which is dropped. Month-first dates are refused, never guessed.
- `stage` (complaints; ignored for compliments): see `rules.STAGE_SPELLINGS` — 1, Stage 1, 2,
  Stage 2, Ombudsman, LGSCO, Housing Ombudsman…
- A complaint needs its due date and stage. Nothing may be received or answered after today,
  nor due or answered before it was received. A reference twice in one file is an error on the
  later row.

After a successful import the corporate measures derived from these figures are recomputed for
every complete month the import changed (`derive.derive_measures`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from feedback import permissions, rules
from feedback.derive import DeriveResult, derive_measures
from feedback.models import Complaint, ComplaintImport
from targets import periods
from targets.imports.cells import RowCells
from targets.imports.common import BATCH_SIZE, bulk_update, chunked, open_table
from targets.imports.report import ImportReport
from targets.models import Service, User

REQUIRED = ("reference", "service", "received", "due", "responded", "stage", "kind")
OPTIONAL = ("outcome",)
FIELDS = ("kind", "service_id", "received", "due", "responded", "stage", "outcome")
# The same, as the model names them (for saving).
MODEL_FIELDS = ("kind", "service", "received", "due", "responded", "stage", "outcome")
KINDS = [Complaint.Kind.COMPLAINT.value, Complaint.Kind.COMPLIMENT.value]


@dataclass(slots=True)
class _Row:
    number: int
    reference: str
    kind: str
    service_id: int
    received: date
    due: date | None
    responded: date | None
    stage: str
    outcome: str

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in FIELDS)


@dataclass
class ComplaintReport(ImportReport):
    file_name: str = ""
    complaints: int = 0
    compliments: int = 0
    months: list[str] = field(default_factory=list)
    derived: DeriveResult | None = None
    run: ComplaintImport | None = None

    def details(self) -> list[str]:
        lines = []
        if self.ok:
            lines.append(
                f"{self.complaints:,} complaint{'s' if self.complaints != 1 else ''} and "
                f"{self.compliments:,} compliment{'s' if self.compliments != 1 else ''} in the "
                "file."
            )
        if self.derived is not None:
            lines += self.derived.lines()
        return lines


def import_complaints(
    stream: IO[bytes],
    *,
    file_name: str,
    user: User | None = None,
    dry_run: bool = False,
    today: date | None = None,
) -> ComplaintReport:
    """Check every row; write them all only if every row is good, then derive the measures.

    With a `user` (recorded as the importer), they must be in the performance team; without one
    (a command run by the system) nothing is checked."""
    today = today or timezone.localdate()
    report = ComplaintReport(kind="complaints and compliments", dry_run=dry_run)
    report.file_name = file_name
    if user is not None and not permissions.can_import_complaints(user):
        report.add(None, None, "Only the performance team imports complaints and compliments")
        return report
    table = open_table(stream, report, required=REQUIRED, optional=OPTIONAL, dates_as_months=False)
    if table is None:
        return report
    rows = _parse(table.rows, table.columns, report, today)
    del table  # a large file's cells take room
    if not report.ok:
        report.sort_errors()
        return report
    report.complaints = sum(1 for r in rows if r.kind == Complaint.Kind.COMPLAINT)
    report.compliments = len(rows) - report.complaints
    with transaction.atomic():
        months = _write(rows, report, user=user, dry_run=dry_run)
        if dry_run:
            transaction.set_rollback(True)
    report.months = [m.code for m in sorted(months)]
    if not dry_run and report.run is not None:
        report.derived = derive_measures(months=months, user=user, today=today, run=report.run)
    return report


def _services() -> dict[str, int]:
    """Services by code and by name, in lower case."""
    found: dict[str, int] = {}
    for pk, code, name in Service.objects.values_list("pk", "code", "name"):
        found[code.lower()] = pk
        found.setdefault(name.lower(), pk)
    return found


def _date(cells: RowCells, column: str, *, required: bool = False) -> date | None:
    text = cells.text(column, required=required)
    if not text:
        return None
    try:
        return rules.parse_date(text)
    except ValueError as exc:
        cells.error(column, str(exc))
        return None


def _parse(
    raw_rows: Iterable[tuple[int, dict[str, Any]]],
    columns: frozenset[str],
    report: ComplaintReport,
    today: date,
) -> list[_Row]:
    services = _services()
    seen: dict[str, int] = {}
    rows: list[_Row] = []
    for number, values in raw_rows:
        cells = RowCells(number, values, columns, report)
        reference = cells.text("reference", required=True, max_length=50)
        if reference:
            if reference in seen:
                cells.error("reference", f"{reference} is already on row {seen[reference]}")
            else:
                seen[reference] = number
        service_text = cells.text("service", required=True)
        service_id = services.get(service_text.lower()) if service_text else None
        if service_text and service_id is None:
            cells.error("service", f"Unknown service {service_text!r}: give its code or its name")
        kind = cells.choice("kind", KINDS, required=True)
        received = _date(cells, "received", required=True)
        due = _date(cells, "due")
        responded = _date(cells, "responded")
        outcome = cells.text("outcome", max_length=100)
        stage = ""
        if kind == Complaint.Kind.COMPLAINT:
            stage_text = cells.text("stage")
            if not stage_text:
                cells.error("stage", "A complaint needs its stage (1, 2 or Ombudsman)")
            else:
                try:
                    stage = rules.parse_stage(stage_text)
                except ValueError as exc:
                    cells.error("stage", str(exc))
            if due is None and not values.get("due"):
                cells.error("due", "A complaint needs its due date")
        _check_dates(cells, received, due, responded, today)
        if cells.ok and received is not None and kind and service_id is not None:
            rows.append(
                _Row(number, reference, kind, service_id, received, due, responded, stage, outcome)
            )
    return rows


def _check_dates(
    cells: RowCells, received: date | None, due: date | None, responded: date | None, today: date
) -> None:
    if received is None:
        return
    if received > today:
        cells.error("received", f"Received {rules.date_text(received)} is after today")
    if due is not None and due < received:
        cells.error("due", f"Due {rules.date_text(due)} is before it was received")
    if responded is not None:
        if responded < received:
            cells.error(
                "responded", f"Responded {rules.date_text(responded)} is before it was received"
            )
        elif responded > today:
            cells.error("responded", f"Responded {rules.date_text(responded)} is after today")


def _months(*days: date | None) -> set[periods.Period]:
    return {periods.period_containing(d, periods.Frequency.MONTHLY) for d in days if d}


def _write(
    rows: list[_Row], report: ComplaintReport, *, user: User | None, dry_run: bool
) -> set[periods.Period]:
    """Create the new references, update the changed ones; return the months they touch."""
    # Tuples, not model instances: on a re-import most rows are unchanged, and building 100,000
    # instances only to compare them costs more than the rest of the import.
    existing: dict[str, tuple[Any, ...]] = {}
    query = Complaint.objects.select_for_update().values_list("reference", "pk", *FIELDS)
    for chunk in chunked([r.reference for r in rows], BATCH_SIZE):
        existing.update((found[0], found[1:]) for found in query.filter(reference__in=chunk))
    run = ComplaintImport(file_name=report.file_name[:255], imported_by=user, rows=len(rows))
    if not dry_run:
        run.save()
    new: list[Complaint] = []
    changed: list[Complaint] = []
    months: set[periods.Period] = set()
    for row in rows:
        stored = existing.get(row.reference)
        if stored is None:
            new.append(Complaint(reference=row.reference, import_run=run, **_fields(row)))
            months |= _months(row.received, row.due)
            continue
        pk, before = stored[0], stored[1:]
        if before == row.values():
            report.unchanged += 1
            continue
        old = dict(zip(FIELDS, before, strict=True))
        months |= _months(old["received"], old["due"], row.received, row.due)
        changed.append(Complaint(pk=pk, reference=row.reference, import_run=run, **_fields(row)))
    report.created, report.updated = len(new), len(changed)
    run.created, run.updated, run.unchanged = report.created, report.updated, report.unchanged
    run.months = [m.code for m in sorted(months)]
    if not dry_run:
        Complaint.objects.bulk_create(new, batch_size=BATCH_SIZE)
        bulk_update(Complaint, changed, [*MODEL_FIELDS, "import_run"])
        run.save(update_fields=["created", "updated", "unchanged", "months"])
        report.run = run
    return months


def _fields(row: _Row) -> dict[str, Any]:
    return {name: getattr(row, name) for name in FIELDS}
