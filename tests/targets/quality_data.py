"""Helpers of the data-quality tests: audits and procedures made directly, as history."""

from __future__ import annotations

from datetime import date

from targets import periods
from targets.models import (
    DIMENSIONS,
    Action,
    AuditResult,
    DataQualityAudit,
    DataQualityProcedure,
    Measure,
    User,
)


def done_audit(
    measure: Measure,
    month: str,
    *,
    result: str = AuditResult.PASS,
    sample: tuple[str, str] | None = None,
    auditor: User | None = None,
    actions: list[Action] | None = None,
) -> DataQualityAudit:
    """A completed audit of `month` (done on the 15th), every dimension `result`."""
    period = periods.parse_period(month)
    audit = DataQualityAudit.objects.create(
        measure=measure,
        month=month,
        status=DataQualityAudit.Status.DONE,
        auditor=auditor,
        sample_from=sample[0] if sample else "",
        sample_to=sample[1] if sample else "",
        result=result,
        completed_on=period.start.replace(day=15),
        **{name: result for name, _, _ in DIMENSIONS},
    )
    if actions:
        audit.actions.add(*actions)
    return audit


def action(measure: Measure, *, owner: User | None = None, status: str = "not_started") -> Action:
    return Action.objects.create(
        service=measure.service,
        title=f"Fix the {measure.code} spreadsheet",
        owner=owner,
        due=date(2026, 12, 31),
        status=status,
        source=Action.Source.DATA_QUALITY,
    )


def procedure(measure: Measure, reviewed: date) -> DataQualityProcedure:
    return DataQualityProcedure.objects.create(
        measure=measure,
        collection="Weighbridge tickets, entered weekly.",
        calculation="Tonnes recycled / tonnes collected x 100.",
        source_system="Weighbridge system",
        controls="Monthly reconciliation with the contractor's invoice.",
        last_reviewed=reviewed,
        next_review_due=DataQualityProcedure.due_after(reviewed),
    )
