"""import_targets: annual targets (or ranges) per financial year, and profiled period targets.

Columns `measure,year,target[,lower,upper,period,note]`. A row without a period sets the annual
target of the measure for the year (`2025/26`); a row with one sets that period's profiled target,
and the year must then have an annual target, already or earlier in the same import. Targets are
versioned by year: a row only ever touches its own year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from targets import audit, periods, permissions
from targets.imports.cells import RowCells
from targets.imports.common import (
    BATCH_SIZE,
    FirstYears,
    bulk_update,
    chunked,
    measures_by_code,
    new_batch,
    open_table,
    require_one_of,
)
from targets.imports.reader import Table
from targets.imports.report import ImportReport
from targets.models import ChangeRecord, Measure, Target, TargetProfile, User

REQUIRED = ("measure", "year")
OPTIONAL = ("target", "lower", "upper", "period", "note")
TARGET_FIELDS = ("value", "lower", "upper", "note")
PROFILE_FIELDS = ("value", "lower", "upper")
Action = ChangeRecord.Action


@dataclass
class _Row:
    number: int
    measure: Measure
    year: int
    period: str  # "" for the annual target
    fields: dict[str, Any]


@dataclass
class _Change:
    obj: Target | TargetProfile
    measure: Measure
    action: str
    changes: dict[str, list[str | None]]
    period: str


def import_targets(
    stream: IO[bytes], *, user: User | None = None, dry_run: bool = False
) -> ImportReport:
    """Validate every row; write them all only if all are good. With a `user`, each row's
    measure must belong to a service whose targets they manage."""
    report = ImportReport(kind="targets", dry_run=dry_run)
    table = open_table(stream, report, required=REQUIRED, optional=OPTIONAL)
    if table is None or not require_one_of(table, report, ("target",), ("lower", "upper")):
        return report
    with transaction.atomic():
        first_years = FirstYears(user=user)
        rows = _parse(table, report, user, first_years)
        targets, profiles = _existing(rows, lock=not dry_run)
        changes = _plan(rows, targets, profiles, report)
        if report.ok:
            first_years.note(report)
        if report.ok and not dry_run:
            report.batch = first_years.write(user=user, batch=_write(changes, user=user))
    report.sort_errors()
    return report


def _parse(
    table: Table, report: ImportReport, user: User | None, first_years: FirstYears
) -> list[_Row]:
    codes = {str(v["measure"]).strip() for _, v in table.rows if v.get("measure") is not None}
    measures = measures_by_code(codes)
    seen: dict[tuple[int, int, str], int] = {}
    rows = []
    for number, values in table.rows:
        cells = RowCells(number, values, table.columns, report)
        code = cells.text("measure", required=True)
        measure = measures.get(code)
        if code and measure is None:
            cells.error("measure", f"Unknown measure {code}")
        if measure and user and not permissions.can_manage_service(user, measure.service):
            cells.error("measure", f"You cannot set the targets of {measure.code}")
        year = _year(cells)
        period = cells.text("period")
        fields: dict[str, Any] = {
            "value": cells.decimal("target"),
            "lower": cells.decimal("lower"),
            "upper": cells.decimal("upper"),
        }
        if not period:
            fields["note"] = cells.text("note")
        if measure is None or year is None or not cells.ok:
            continue
        if reason := first_years.check(measure, year):
            cells.error("year", reason)
        if period:
            period = _check_period(cells, measure, year, period)
        _check_figures(cells, measure, fields)
        key = (measure.pk, year, period)
        if key in seen:
            what = f"{measure.code} {period or periods.fy_label(year)}"
            cells.error("period" if period else "year", f"{what} is already on row {seen[key]}")
        seen.setdefault(key, number)
        if cells.ok:
            if not period and not cells.has("note"):
                del fields["note"]
            rows.append(_Row(number, measure, year, period, fields))
    return rows


def _year(cells: RowCells) -> int | None:
    text = cells.text("year", required=True)
    if not text:
        return None
    try:
        return periods.parse_financial_year(text)
    except periods.PeriodError:
        cells.error("year", f"Year {text} is not a financial year such as 2025/26")
        return None


def _check_period(cells: RowCells, measure: Measure, year: int, code: str) -> str:
    try:
        period = periods.parse_period(code)
    except periods.PeriodError as exc:
        cells.error("period", str(exc))
        return code
    if period.frequency != measure.frequency:
        cells.error(
            "period",
            f"{measure.code} is {measure.frequency}: {period.code} is not one of its periods",
        )
    elif period.year != year:
        cells.error("period", f"{period.code} is not in {periods.fy_label(year)}")
    return period.code


def _check_figures(cells: RowCells, measure: Measure, fields: dict[str, Any]) -> None:
    lower, upper = fields["lower"], fields["upper"]
    if measure.polarity != Measure.Polarity.RANGE:
        if fields["value"] is None:
            cells.error("target", "Target is required")
        if lower is not None or upper is not None:
            column = "lower" if lower is not None else "upper"
            message = f"{measure.code} has no target range: leave lower and upper empty"
            cells.error(column, message)
    elif lower is None or upper is None:
        column = "lower" if lower is None else "upper"
        cells.error(column, f"{measure.code} has a target range: give its lower and upper bounds")
    elif lower > upper:
        cells.error("upper", "The upper bound is below the lower bound")


def _existing(
    rows: list[_Row], *, lock: bool, with_profiles: bool = False
) -> tuple[dict[tuple[int, int], Target], dict[tuple[int, str], TargetProfile]]:
    measure_ids = sorted({row.measure.pk for row in rows})
    targets: dict[tuple[int, int], Target] = {}
    profiles: dict[tuple[int, str], TargetProfile] = {}
    target_query = Target.objects.select_for_update() if lock else Target.objects.all()
    profile_query = TargetProfile.objects.select_for_update() if lock else TargetProfile.objects
    for ids in chunked(measure_ids):
        for target in target_query.filter(measure_id__in=ids):
            targets[(target.measure_id, target.year)] = target
        if with_profiles or any(row.period for row in rows):
            for profile in profile_query.filter(target__measure_id__in=ids):
                profiles[(profile.target_id, profile.period)] = profile
    return targets, profiles


def _plan(
    rows: list[_Row],
    targets: dict[tuple[int, int], Target],
    profiles: dict[tuple[int, str], TargetProfile],
    report: ImportReport,
) -> list[_Change]:
    """Annual targets first, so that a profile row may follow the row that creates its year."""
    now = timezone.now()
    changes = []
    for row in sorted(rows, key=lambda r: bool(r.period)):
        target = targets.get((row.measure.pk, row.year))
        label = periods.fy_label(row.year)
        obj: Target | TargetProfile
        if not row.period:
            obj = target or Target(measure=row.measure, year=row.year)
            targets[(row.measure.pk, row.year)] = obj
        elif target is None:
            report.add(
                row.number,
                "period",
                f"{row.measure.code} has no target for {label}: add a row for the year "
                "without a period first",
            )
            continue
        else:
            obj = profiles.get((target.pk, row.period)) or TargetProfile(
                target=target, period=row.period
            )
        fields = TARGET_FIELDS if isinstance(obj, Target) else PROFILE_FIELDS
        is_new = obj.pk is None
        before = {} if is_new else audit.snapshot(obj, fields)
        for name, figure in row.fields.items():
            setattr(obj, name, figure)
        diff = audit.diff(before, audit.snapshot(obj, fields))
        if not (is_new or diff):
            report.unchanged += 1
            continue
        if is_new:
            report.created += 1
        else:
            report.updated += 1
        if isinstance(obj, Target):
            obj.updated_at = now
        action = Action.CREATE if is_new else Action.UPDATE
        changes.append(_Change(obj, row.measure, action, diff, row.period or label))
    return changes


def set_year_target(
    measure: Measure,
    year: int,
    *,
    figures: dict[str, Any],
    profile: dict[str, Any],
    user: User | None,
    source: str = ChangeRecord.Source.FORM,
) -> str:
    """Make `figures` (value, lower, upper, note) the measure's target for the year and `profile`
    ({period code: figure}) its whole profile, through the same plan and audited writes as an
    import; periods profiled before but not in `profile` are removed, each recorded. The caller
    has validated the figures and checked the user's right. Returns the batch."""
    rows = [_Row(0, measure, year, "", dict(figures))]
    rows += [_Row(0, measure, year, code, {"value": figure}) for code, figure in profile.items()]
    report = ImportReport(kind="targets")
    with transaction.atomic():
        targets, profiles = _existing(rows, lock=True, with_profiles=True)
        changes = _plan(rows, targets, profiles, report)
        if not report.ok:
            raise ValueError("; ".join(report.lines()))
        batch = _write(changes, user=user, source=source)
        target = targets[(measure.pk, year)]
        stale = [
            p for (tid, code), p in profiles.items() if tid == target.pk and code not in profile
        ]
        for old in stale:
            audit.record(
                user=user,
                action=Action.DELETE,
                source=source,
                obj=old,
                fields=PROFILE_FIELDS,
                measure=measure,
                period=old.period,
            )
            old.delete()
    return batch


def _write(
    changes: list[_Change], *, user: User | None, source: str = ChangeRecord.Source.IMPORT
) -> str:
    if not changes:
        return ""
    batch = new_batch()
    targets = [c.obj for c in changes if isinstance(c.obj, Target)]
    profiles = [c.obj for c in changes if isinstance(c.obj, TargetProfile)]
    # Targets first: a new profile takes the id of the new target it belongs to.
    bulk_update(Target, [t for t in targets if t.pk is not None], [*TARGET_FIELDS, "updated_at"])
    Target.objects.bulk_create([t for t in targets if t.pk is None], batch_size=BATCH_SIZE)
    bulk_update(TargetProfile, [p for p in profiles if p.pk is not None], PROFILE_FIELDS)
    TargetProfile.objects.bulk_create([p for p in profiles if p.pk is None], batch_size=BATCH_SIZE)
    ChangeRecord.objects.bulk_create(
        [
            audit.change_record(
                user=user,
                action=c.action,
                source=source,
                obj=c.obj,
                measure=c.measure,
                period=c.period,
                changes=c.changes,
                batch=batch,
            )
            for c in changes
        ],
        batch_size=BATCH_SIZE,
    )
    return batch
