"""Measures derived from complaints and compliments: their monthly values, entered as drafts.

For each active `DerivedMeasure` and each complete month asked for, the figure is computed
(`figures.monthly_figures`) and entered as a draft value through the value workflow's import
(`targets.imports.import_values`), which records every change in the audit trail as one batch.
The value's commentary and the audit record's reason say where it came from.

Rules:
- A month that has not ended yet gets no value (its figure would be partial).
- A value already submitted, approved or published is never overwritten: it is reported as
  skipped (restating it is a person's decision). A draft is updated; anything a person added to
  its commentary after our first paragraph is kept.
- A percentage with no complaint due and settled in the month has no figure: skipped.
- The import path of the workflow is used rather than `value_save` because a computed draft has
  no corrective action yet: `value_save` asks for one whenever the value would be Red, while the
  workflow's import leaves it to be given when the draft is submitted, as for any imported draft.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from feedback.figures import MonthFigures, monthly_figures
from feedback.models import ComplaintImport, DerivedMeasure
from targets import periods, permissions
from targets.imports import import_values
from targets.models import Measure, User, Value, ValueStatus
from targets.periods import Period

PROVENANCE = "Computed from the complaints import of"
Figure = DerivedMeasure.Figure


@dataclass
class DeriveResult:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    batch: str = ""

    def lines(self) -> list[str]:
        lines = []
        if self.written:
            lines.append(f"Derived measures: {len(self.written)} draft value(s) entered.")
            lines += [f"  {line}" for line in self.written]
        if self.unchanged:
            lines.append(f"Derived measures: {self.unchanged} value(s) already up to date.")
        if self.skipped:
            lines.append(f"Derived measures: {len(self.skipped)} value(s) not entered.")
            lines += [f"  {line}" for line in self.skipped]
        lines += [f"Derived measures not entered: {error}" for error in self.errors]
        return lines


def provenance(run: ComplaintImport | None) -> str:
    if run is None:
        return "Computed from the complaints and compliments held (no import yet)"
    when = timezone.localtime(run.imported_at).strftime("%d %b %Y %H:%M")
    return f"{PROVENANCE} {when} ({run.file_name})"


def figure_of(link: DerivedMeasure, figures: MonthFigures) -> tuple[int, int] | int | None:
    """(on time, settled) for the percentage, or the count; None when there is no figure."""
    if link.figure == Figure.ON_TIME:
        return (figures.on_time, figures.settled) if figures.settled else None
    return {
        Figure.COMPLAINTS: figures.complaints,
        Figure.COMPLIMENTS: figures.compliments,
        Figure.STAGE_2: figures.stage_2,
        Figure.OMBUDSMAN: figures.ombudsman,
    }[Figure(link.figure)]


def explain(link: DerivedMeasure, figures: MonthFigures) -> str:
    scope = f"for {link.scope_label}"
    if link.figure == Figure.ON_TIME:
        pending = f"; {figures.pending} not yet due and unanswered" if figures.pending else ""
        return (
            f"{figures.settled} complaint{'s' if figures.settled != 1 else ''} due in the month "
            f"{scope}, {figures.on_time} answered by the due date and {figures.late} late "
            f"(unanswered after the due date counts as late){pending}."
        )
    count = figure_of(link, figures)
    label = Figure(link.figure).label.lower()
    return f"{count} {label} in the month {scope}."


def _commentary(first: str, existing: str) -> str:
    """Our paragraph first; what a person wrote after it is kept."""
    rest = existing.split("\n\n", 1)
    kept = rest[1] if existing.startswith(PROVENANCE) and len(rest) > 1 else ""
    if existing and not existing.startswith(PROVENANCE):
        kept = existing
    return f"{first}\n\n{kept}".strip()


def derive_measures(
    *,
    months: Iterable[Period],
    user: User | None,
    today: date | None = None,
    run: ComplaintImport | None = None,
) -> DeriveResult:
    """Compute every active derived measure for each complete month and enter it as a draft."""
    today = today or timezone.localdate()
    result = DeriveResult()
    complete = sorted({m for m in months if m.end < today})
    links = list(DerivedMeasure.objects.filter(is_active=True).select_related("measure", "service"))
    if not complete or not links:
        return result
    run = run or ComplaintImport.objects.first()
    source = provenance(run)
    found = monthly_figures(complete[0], complete[-1], today=today)
    existing = {
        (v.measure_id, v.period): v
        for v in Value.objects.filter(
            measure__in=[link.measure for link in links], period__in=[m.code for m in complete]
        )
    }
    lines: list[list[str]] = []
    for link in links:
        measure = link.measure
        if user is not None and not permissions.can_edit_value(user, measure):
            result.skipped.append(f"{measure.code}: you cannot enter its values")
            continue
        for month in complete:
            label = f"{measure.code} {month.label}"
            if not measure.is_active_in(month.year):
                continue
            figures = found.get((link.service_id, month.code), MonthFigures())
            figure = figure_of(link, figures)
            if figure is None:
                result.skipped.append(f"{label}: no complaints due and settled, so no figure")
                continue
            value = existing.get((measure.pk, month.code))
            if value is not None and value.status != ValueStatus.DRAFT:
                result.skipped.append(
                    f"{label} is {value.get_status_display().lower()}: not overwritten "
                    "(restating it is for a person to decide)"
                )
                continue
            row = _row(link, month, figure, figures, source, value)
            if row is None:
                result.unchanged += 1
                continue
            lines.append(row)
            result.written.append(f"{label}: {_shown(measure, figure)}")
    if lines:
        _enter(lines, user, result)
    return result


def _shown(measure: Measure, figure: tuple[int, int] | int) -> str:
    if isinstance(figure, tuple):
        on_time, settled = figure
        share = on_time * 100 / settled
        return f"{share:.1f}% ({on_time} of {settled})"
    return str(figure)


def _row(
    link: DerivedMeasure,
    month: Period,
    figure: tuple[int, int] | int,
    figures: MonthFigures,
    source: str,
    value: Value | None,
) -> list[str] | None:
    """The import row for the value, or None when the draft already holds this figure."""
    measure = link.measure
    ratio = measure.aggregation == Measure.Aggregation.RATIO
    numerator = denominator = ""
    if isinstance(figure, tuple):
        on_time, settled = figure
        numerator, denominator = str(on_time), str(settled)
        actual = "" if ratio else f"{on_time * 100 / settled:.6f}"
    else:
        actual = str(figure)
    if value is not None and _same(value, measure, actual, numerator, denominator):
        return None
    first = f"{source}: {explain(link, figures)}"
    commentary = _commentary(first, value.commentary if value else "")
    return [measure.code, month.code, actual, numerator, denominator, commentary, source]


def _same(value: Value, measure: Measure, actual: str, numerator: str, denominator: str) -> bool:
    def same(stored: Decimal | None, text: str) -> bool:
        if not text:
            return True
        return stored is not None and round(stored, 4) == round(Decimal(text), 4)

    if measure.aggregation == Measure.Aggregation.RATIO:
        return same(value.numerator, numerator) and same(value.denominator, denominator)
    return same(value.actual, actual) and same(value.numerator, numerator)


def _enter(lines: list[list[str]], user: User | None, result: DeriveResult) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["measure", "period", "value", "numerator", "denominator", "commentary", "reason"]
    )
    writer.writerows(lines)
    report = import_values(io.BytesIO(buffer.getvalue().encode()), user=user)
    if not report.ok:
        result.errors += report.lines()
        result.written = []
        return
    result.batch = report.batch


def months_of(first: Period, last: Period) -> list[Period]:
    """Every month from `first` to `last`."""
    found = []
    month = first
    while month <= last:
        found.append(month)
        month = month.next()
    return found


def month_arg(text: str) -> Period:
    period = periods.parse_period(text)
    if period.frequency != periods.Frequency.MONTHLY:
        raise periods.PeriodError(f"{text} is not a month: write it as 2025-04")
    return period
