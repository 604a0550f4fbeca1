"""The demo council's data quality: a procedure for most measures (a few overdue for review, a few
never written), and a year of the rolling audit programme run by its own rule, with one failure
whose action is still open and one whose action is done.

Deterministic: which measures lack a procedure, which are overdue and how each audit scores follow
from the measure codes and the months. Added once: procedures only where a measure has none and
should have one; the audit history only into a council with no audits yet.
"""

from __future__ import annotations

import zlib
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from targets import periods
from targets.models import (
    DIMENSIONS,
    Action,
    AuditResult,
    ChangeRecord,
    ControlResult,
    DataQualityAudit,
    DataQualityProcedure,
    Measure,
    User,
)
from targets.models.quality import overall_result
from targets.periods import Frequency, Period
from targets.quality.services import (
    ActionInput,
    AuditInput,
    ControlInput,
    audit_controls,
    audit_controls_save,
    audit_record,
    audits_propose,
)

HISTORY_MONTHS = 12
# The audit that fails with its action still open: the first of last month's; the one whose
# action is done: the second of eight months ago.
OPEN_FAILURE = (1, 0)
CLOSED_FAILURE = (8, 1)

_CONTROLS = (
    "Figures reconciled each month with the system's own report before they are entered\n"
    "The head of service checks the commentary before the value is submitted",
    "A second officer re-counts a sample of ten cases each quarter\n"
    "Differences found by the re-count are logged and explained",
    "The extract is run by a saved query, never by hand\n"
    "The query is version controlled and changes to it are signed off",
    "Totals are compared with the same month last year; a change over 20% is queried\n"
    "The updater keeps the working papers with the return",
    "The contractor's return is checked against our own records before it is accepted\n"
    "Missing returns are chased within five working days",
)
_FINDINGS = {
    AuditResult.PASS: "The sample matched the source records; the procedure is followed.",
    AuditResult.CONCERN: "The figures were right, but two months were entered after the due "
    "date and the evidence was not kept with the return.",
    AuditResult.FAIL: "Three of the sampled cases were counted twice after a system upgrade, "
    "overstating the figure; the controls did not catch it.",
}


def _hash(*parts: str) -> int:
    return zlib.crc32("|".join(parts).encode())


def _collection(measure: Measure) -> str:
    source = measure.data_source or "the service's system"
    return (
        f"{measure.service.name} records each case in {source} as it happens. After the "
        f"{measure.get_frequency_display().lower()} period closes, the officer runs the standard "
        "extract and enters the figures in Goldthread."
    )


def _calculation(measure: Measure) -> str:
    how = measure.get_aggregation_display()
    unit = measure.get_unit_display().lower()
    return f"{measure.title}, in {unit}. Year to date: {how.lower()}. " + (
        measure.definition.split(".")[0] + "." if measure.definition else ""
    )


def load(*, measures: list[Measure], performance: User, today: date) -> Counter[str]:
    created: Counter[str] = Counter()
    created["data-quality procedures"] = _procedures(measures, performance, today)
    if not DataQualityAudit.objects.exists():
        created["data-quality audits"] = _history(performance, today)
    return created


def _procedures(measures: list[Measure], performance: User, today: date) -> int:
    have = set(DataQualityProcedure.objects.values_list("measure_id", flat=True))
    new = []
    for measure in sorted(measures, key=lambda m: m.code):
        bucket = _hash("procedure", measure.code) % 100
        if bucket < 10 or measure.pk in have:  # one in ten never written
            continue
        if bucket < 22:  # about one in eight overdue: reviewed 13 to 20 months ago
            reviewed = today - timedelta(days=395 + bucket * 10)
        else:
            reviewed = today - timedelta(days=bucket * 3)
        new.append(
            DataQualityProcedure(
                measure=measure,
                collection=_collection(measure),
                calculation=_calculation(measure),
                source_system=measure.data_source or measure.service.name,
                controls=_CONTROLS[_hash("controls", measure.code) % len(_CONTROLS)],
                last_reviewed=reviewed,
                next_review_due=DataQualityProcedure.due_after(reviewed),
                updated_by=measure.updater or performance,
            )
        )
    DataQualityProcedure.objects.bulk_create(new)
    return len(new)


def _sample(measure: Measure, month: Period) -> tuple[Period, Period]:
    """The periods an audit in `month` samples: the last three complete months, or the last
    complete quarter or year."""
    last = periods.latest_complete_period(month.start, measure.period_frequency)
    if measure.period_frequency == Frequency.MONTHLY:
        return last.previous().previous(), last
    return last, last


def _scores(measure: Measure, month: Period, failed: bool) -> dict[str, str]:
    """Every dimension a pass, but a failure's accuracy (and a concern on reliability), and a
    concern on timeliness for about one audit in four."""
    scores = {name: str(AuditResult.PASS) for name, _, _ in DIMENSIONS}
    if failed:
        scores |= {"accuracy": AuditResult.FAIL, "reliability": AuditResult.CONCERN}
    elif _hash("audit", measure.code, month.code) % 4 == 0:
        scores |= {"timeliness": AuditResult.CONCERN}
    return scores


def _checklist(row: DataQualityAudit, *, failed: bool, done_on: date, performance: User) -> None:
    controls = audit_controls(row)
    if not controls:
        return
    checks = [
        ControlInput(
            position=n,
            tested=True,
            result=ControlResult.NOT_WORKING if failed and n == 1 else ControlResult.WORKING,
            evidence=(
                "Three sampled cases were counted twice after the system upgrade; this check "
                "did not catch them."
                if failed and n == 1
                else f"Seen for each sampled period ({row.sample_label})."
            ),
            action_due=done_on + timedelta(days=75) if failed and n == 1 else None,
        )
        for n in range(1, len(controls) + 1)
    ]
    saved = audit_controls_save(audit_row=row, checks=checks, user=performance, today=done_on)
    ChangeRecord.objects.filter(
        object_type="controlcheck", object_id__in=[c.pk for c in saved]
    ).update(
        at=timezone.make_aware(datetime.combine(done_on, time(10))),
        source=ChangeRecord.Source.SYSTEM,
    )


def _history(performance: User, today: date) -> int:
    this_month = periods.period_containing(today, Frequency.MONTHLY)
    made = 0
    for back in range(HISTORY_MONTHS, 0, -1):
        month = periods.last_n(this_month, back + 1)[0]
        for place, row in enumerate(audits_propose(month=month)):
            made += 1
            measure = row.measure
            failed = (back, place) in (OPEN_FAILURE, CLOSED_FAILURE)
            scores = _scores(measure, month, failed)
            first, last = _sample(measure, month)
            done_on = min(month.start + timedelta(days=13 + 7 * place), today)
            result = overall_result(list(scores.values()))
            saved = audit_record(
                audit_row=row,
                data=AuditInput(
                    auditor=performance,
                    sample_from=first,
                    sample_to=last,
                    results=scores,
                    findings=_FINDINGS[AuditResult(result)],
                    completed_on=done_on,
                ),
                # Without a procedure to check, a failure's action is recorded by hand.
                actions=[
                    ActionInput(
                        title=f"Add a duplicate check to the {measure.code} extract",
                        owner=measure.updater,
                        due=done_on + timedelta(days=75),
                    )
                ]
                if failed and not audit_controls(row)
                else [],
                user=performance,
            )
            # The auditor tests each control of the procedure; a failure's first control did
            # not work, which raises its action.
            _checklist(saved, failed=failed, done_on=done_on, performance=performance)
            if (back, place) == CLOSED_FAILURE:
                saved.actions.update(
                    status=Action.Status.DONE,
                    completed_on=done_on + timedelta(days=40),
                    progress="Duplicate check added and tested on six months of data.",
                )
            elif (back, place) == OPEN_FAILURE:
                saved.actions.update(
                    status=Action.Status.IN_PROGRESS,
                    progress="Query rewritten; waiting for the supplier to fix the export.",
                )
            # The history's trail entries carry the dates the audits were chosen and done.
            trail = ChangeRecord.objects.filter(object_type="dq_audit", object_id=row.pk)
            trail.update(
                at=timezone.make_aware(datetime.combine(done_on, time(10))),
                source=ChangeRecord.Source.SYSTEM,
            )
    made += len(audits_propose(month=this_month))
    return made
