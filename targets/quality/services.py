"""Data-quality workflows: saving procedures, proposing, adding, replacing, cancelling and recording
audits, and reporting progress on their actions.

Each checks permission on the server, writes in one transaction and records the change in the
audit trail against the measure (their actions' changes too), so the measure's history shows
them and the dashboard's cache, keyed on the trail, refreshes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from targets import audit, periods, permissions
from targets.models import (
    Action,
    AuditResult,
    ChangeRecord,
    ControlCheck,
    ControlResult,
    DataQualityAudit,
    DataQualityProcedure,
    Measure,
    User,
)
from targets.models.quality import DIMENSION_FIELDS, overall_result
from targets.periods import Period
from targets.plans.actions import Link, action_cancel, action_create, action_progress
from targets.quality.rules import (
    AUDITS_PER_MONTH,
    MeasureFacts,
    control_check_problem,
    procedure_controls,
    propose,
)

PROCEDURE_FIELDS = (
    "collection",
    "calculation",
    "source_system",
    "controls",
    "last_reviewed",
    "next_review_due",
)
AUDIT_FIELDS = (
    "status",
    "auditor",
    "sample_from",
    "sample_to",
    *DIMENSION_FIELDS,
    "result",
    "findings",
    "completed_on",
)


class AuditStateError(Exception):
    """The audit cannot do that in its present state (e.g. cancel one that is done)."""


class ChecklistError(AuditStateError):
    """Lines of a controls checklist that cannot be saved: {position: why}."""

    def __init__(self, problems: dict[int, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"control {n}: {why}" for n, why in sorted(problems.items())))


@dataclass(frozen=True)
class ProcedureInput:
    collection: str
    calculation: str
    source_system: str
    controls: str
    last_reviewed: date


def procedure_save(
    *, measure: Measure, data: ProcedureInput, user: User, source: str = ChangeRecord.Source.FORM
) -> DataQualityProcedure:
    """Create or update a measure's procedure; the next review falls due a year after this one."""
    if not permissions.can_edit_dq_procedure(user, measure):
        raise PermissionDenied(f"You cannot change the data-quality procedure of {measure.code}.")
    with transaction.atomic():
        procedure = DataQualityProcedure.objects.select_for_update().filter(measure=measure).first()
        created = procedure is None
        if procedure is None:
            procedure = DataQualityProcedure(measure=measure)
        before = {} if created else audit.snapshot(procedure, PROCEDURE_FIELDS)
        procedure.collection = data.collection
        procedure.calculation = data.calculation
        procedure.source_system = data.source_system
        procedure.controls = data.controls
        procedure.last_reviewed = data.last_reviewed
        procedure.next_review_due = DataQualityProcedure.due_after(data.last_reviewed)
        procedure.updated_by = user
        procedure.save()
        changes = audit.diff(before, audit.snapshot(procedure, PROCEDURE_FIELDS))
        if changes:
            audit.record(
                user=user,
                action=ChangeRecord.Action.CREATE if created else ChangeRecord.Action.UPDATE,
                source=source,
                obj=procedure,
                measure=measure,
                changes=changes,
            )
    return procedure


# The programme ------------------------------------------------------------------------------


def audit_facts(month: Period) -> list[MeasureFacts]:
    """What the selection rule needs about every measure, for `month`, in two queries."""
    measures = list(
        Measure.objects.filter(service__is_active=True)
        .only("id", "code", "kind", "active_from", "active_to")
        .order_by("code")
    )
    last: dict[int, tuple[Period, bool]] = {}
    pending: set[int] = set()
    rows = DataQualityAudit.objects.filter(
        Q(status=DataQualityAudit.Status.DONE) | Q(status__in=DataQualityAudit.PENDING)
    ).only("measure_id", "status", "result", "month", "completed_on")
    for row in rows:
        if row.is_pending:
            pending.add(row.measure_id)
            continue
        done = row.done_month
        if done > month:
            continue  # proposing for a past month: what was done later did not exist then
        known = last.get(row.measure_id)
        if known is None or done >= known[0]:
            last[row.measure_id] = (done, row.result == AuditResult.FAIL)
    return [
        MeasureFacts(
            id=m.pk,
            code=m.code,
            is_corporate=m.kind == Measure.Kind.CORPORATE,
            active=m.is_active_in(month.year),
            last_audited=last.get(m.pk, (None, False))[0],
            last_failed=last.get(m.pk, (None, False))[1],
            pending=m.pk in pending,
        )
        for m in measures
    ]


def _record_audit(
    audit_row: DataQualityAudit,
    *,
    user: User | None,
    action: str,
    before: dict[str, str | None],
    reason: str = "",
    source: str = ChangeRecord.Source.FORM,
) -> None:
    audit.record(
        user=user,
        action=action,
        source=source,
        obj=audit_row,
        measure=audit_row.measure,
        period=audit_row.month,
        changes=audit.diff(before, audit.snapshot(audit_row, AUDIT_FIELDS)),
        reason=reason,
    )


def _propose(
    month: Period, *, count: int, exclude: Sequence[int], user: User | None, source: str
) -> list[DataQualityAudit]:
    chosen = propose(audit_facts(month), month, count=count, exclude=exclude)
    measures = Measure.objects.in_bulk([f.id for f in chosen])
    made = []
    for facts in chosen:
        row = DataQualityAudit.objects.create(
            measure=measures[facts.id],
            month=month.code,
            status=DataQualityAudit.Status.PROPOSED,
            origin=DataQualityAudit.Origin.RULE,
        )
        _record_audit(row, user=user, action=ChangeRecord.Action.CREATE, before={}, source=source)
        made.append(row)
    return made


def audits_propose(
    *, month: Period, user: User | None = None, source: str = ChangeRecord.Source.SYSTEM
) -> list[DataQualityAudit]:
    """Propose `month`'s audits by the rule; idempotent.

    Once the rule has proposed anything for a month (even if the team has since cancelled or
    replaced it), it proposes nothing more for that month: the team's changes stand. Audits the
    team added by hand beforehand take up places, so the month still has two in all.
    """
    if user is not None and not permissions.can_manage_dq_audits(user):
        raise PermissionDenied("Only the performance team proposes audits.")
    if month.frequency != periods.Frequency.MONTHLY:
        raise ValueError(f"{month.code} is not a month")
    with transaction.atomic():
        # Lock the month's rows (and serialise two runs on PostgreSQL) before counting.
        in_month = list(DataQualityAudit.objects.select_for_update().filter(month=month.code))
        if any(a.origin == DataQualityAudit.Origin.RULE for a in in_month):
            return []
        taken = sum(1 for a in in_month if a.status != DataQualityAudit.Status.CANCELLED)
        return _propose(
            month,
            count=AUDITS_PER_MONTH - taken,
            exclude=[a.measure_id for a in in_month],
            user=user,
            source=source,
        )


def audit_add(
    *, measure: Measure, month: Period, auditor: User | None, note: str, user: User
) -> DataQualityAudit:
    """The performance team adds an audit to a month's programme by hand."""
    if not permissions.can_manage_dq_audits(user):
        raise PermissionDenied("Only the performance team adds audits.")
    with transaction.atomic():
        clash = (
            DataQualityAudit.objects.in_programme().filter(measure=measure, month=month.code)
        ).exists()
        if clash:
            raise AuditStateError(f"{measure.code} is already in the programme for {month.label}.")
        row = DataQualityAudit.objects.create(
            measure=measure,
            month=month.code,
            origin=DataQualityAudit.Origin.MANUAL,
            auditor=auditor,
            note=note,
        )
        _record_audit(row, user=user, action=ChangeRecord.Action.CREATE, before={}, reason=note)
    return row


def _locked(audit_row: DataQualityAudit) -> DataQualityAudit:
    return (
        DataQualityAudit.objects.select_for_update().select_related("measure").get(pk=audit_row.pk)
    )


def audit_cancel(*, audit_row: DataQualityAudit, reason: str, user: User) -> DataQualityAudit:
    if not permissions.can_manage_dq_audits(user):
        raise PermissionDenied("Only the performance team cancels audits.")
    if not reason.strip():
        raise AuditStateError("Say why the audit is cancelled.")
    with transaction.atomic():
        row = _locked(audit_row)
        if not row.is_pending:
            raise AuditStateError(f"An audit that is {row.get_status_display().lower()} stays.")
        before = audit.snapshot(row, AUDIT_FIELDS)
        row.status = DataQualityAudit.Status.CANCELLED
        row.note = reason.strip()
        row.save()
        _record_audit(
            row, user=user, action=ChangeRecord.Action.UPDATE, before=before, reason=reason
        )
    return row


def audit_replace(
    *, audit_row: DataQualityAudit, reason: str, user: User
) -> DataQualityAudit | None:
    """Cancel a proposal and propose the next measure by the rule in its place (None when no
    other measure is eligible)."""
    with transaction.atomic():
        row = audit_cancel(audit_row=audit_row, reason=reason, user=user)
        in_month = DataQualityAudit.objects.filter(month=row.month).values_list(
            "measure_id", flat=True
        )
        made = _propose(
            row.month_period,
            count=1,
            exclude=list(in_month),
            user=user,
            source=ChangeRecord.Source.FORM,
        )
    return made[0] if made else None


@dataclass(frozen=True)
class AuditInput:
    auditor: User | None
    sample_from: Period
    sample_to: Period
    results: dict[str, str]  # dimension field -> pass, concern, fail or ""
    findings: str
    completed_on: date | None  # given when the audit is finished


@dataclass(frozen=True)
class ActionInput:
    title: str
    owner: User | None
    due: date


def audit_record(
    *,
    audit_row: DataQualityAudit,
    data: AuditInput,
    actions: Sequence[ActionInput],
    user: User,
) -> DataQualityAudit:
    """Record what the auditor found. With a completion date the audit is done (every dimension
    scored), otherwise in progress. New actions join the service's improvement actions."""
    if not permissions.can_manage_dq_audits(user):
        raise PermissionDenied("Only the performance team records audits.")
    finished = data.completed_on is not None
    scores = [data.results.get(name, "") for name in DIMENSION_FIELDS]
    if finished and "" in scores:
        raise AuditStateError("Score all six dimensions before marking the audit done.")
    with transaction.atomic():
        row = _locked(audit_row)
        if row.status == DataQualityAudit.Status.CANCELLED:
            raise AuditStateError("A cancelled audit cannot be recorded.")
        before = audit.snapshot(row, AUDIT_FIELDS)
        row.auditor = data.auditor
        row.sample_from = data.sample_from.code
        row.sample_to = data.sample_to.code
        for name in DIMENSION_FIELDS:
            setattr(row, name, data.results.get(name, ""))
        row.result = overall_result(scores)
        row.findings = data.findings
        row.completed_on = data.completed_on
        row.status = (
            DataQualityAudit.Status.DONE if finished else DataQualityAudit.Status.IN_PROGRESS
        )
        row.save()
        link = Link(row, "actions", measure=row.measure, period=row.month)
        created = [
            action_create(
                action=Action(
                    service_id=row.measure.service_id,
                    title=a.title,
                    description=f"From the data-quality audit of {row.measure}, {row.month_label}.",
                    owner=a.owner,
                    due=a.due,
                    source=Action.Source.DATA_QUALITY,
                ),
                user=user,
                link=link,
            )
            for a in actions
        ]
        reason = "; ".join(f"action: {a.title}" for a in created)
        _record_audit(
            row, user=user, action=ChangeRecord.Action.UPDATE, before=before, reason=reason
        )
    return row


def action_update(
    *,
    action: Action,
    status: str,
    progress: str,
    user: User,
    completed_on: date | None = None,
    audit_row: DataQualityAudit | None = None,
    source: str = ChangeRecord.Source.FORM,
) -> Action:
    """Report progress on an audit's action: done (on `completed_on`, default today) or cancelled
    closes it. The actions' own rules apply (`targets.plans.actions`): a cancelled action was
    never completed, so it has no completion date."""
    if not permissions.can_update_dq_action(user, action):
        raise PermissionDenied("You cannot update this action.")
    audits = DataQualityAudit.objects.filter(actions=action).select_related("measure")
    if audit_row is None:
        audit_row = audits.first()
    elif not audits.filter(pk=audit_row.pk).exists():
        audit_row = None
    if audit_row is None:
        raise PermissionDenied("Only an audit's actions are updated from its page.")
    if status not in Action.Status.values:
        raise AuditStateError(f"{status!r} is not an action status.")
    link = Link(audit_row, "actions", measure=audit_row.measure, period=audit_row.month)
    note = progress.strip() or None  # an empty note keeps the last one
    if status == Action.Status.CANCELLED and completed_on is None:
        return action_cancel(action=action, user=user, progress=note, link=link, source=source)
    return action_progress(
        action=action,
        status=status,
        progress=note,
        completed_on=completed_on,
        user=user,
        link=link,
        source=source,
    )


# The controls checklist -------------------------------------------------------------------------

CHECK_FIELDS = ("position", "control", "tested", "result", "evidence", "actions")


@dataclass(frozen=True)
class ControlInput:
    position: int  # the control's place in the procedure, from 1
    tested: bool
    result: str  # working, not_working or ""
    evidence: str
    action_due: date | None = None  # when the action a control not working raises is due


def audit_controls(audit_row: DataQualityAudit) -> list[str]:
    """The controls of the audited measure's procedure, in order (none without a procedure)."""
    procedure = DataQualityProcedure.objects.filter(measure_id=audit_row.measure_id).first()
    return procedure_controls(procedure.controls) if procedure is not None else []


def audit_controls_save(
    *,
    audit_row: DataQualityAudit,
    checks: Sequence[ControlInput],
    user: User,
    today: date | None = None,
    source: str = ChangeRecord.Source.FORM,
) -> list[ControlCheck]:
    """Record the audit's checklist against the measure's own procedure: for each of its controls,
    whether it was tested, whether it works, and the evidence. A control found not working raises
    an improvement action of the service (owned by the measure's updater, who owns the procedure,
    due on the date given) unless an action it raised is still open: the action stays linked to
    the check and joins the audit's actions."""
    if not permissions.can_manage_dq_audits(user):
        raise PermissionDenied("Only the performance team records audits.")
    today = today or timezone.localdate()
    with transaction.atomic():
        row = _locked(audit_row)
        if row.status == DataQualityAudit.Status.CANCELLED:
            raise AuditStateError("A cancelled audit cannot be recorded.")
        controls = audit_controls(row)
        if not controls:
            raise AuditStateError(
                f"{row.measure.code} has no data-quality procedure with controls to check: "
                "write its procedure first, one control a line."
            )
        given = {c.position: c for c in checks}
        if sorted(given) != list(range(1, len(controls) + 1)) or len(given) != len(checks):
            raise AuditStateError(
                f"The procedure of {row.measure.code} lists {len(controls)} controls: give one "
                "line for each (it may have changed since the page was opened)."
            )
        existing = {
            c.position: c
            for c in ControlCheck.objects.select_for_update()
            .filter(audit=row)
            .prefetch_related("actions")
        }
        problems: dict[int, str] = {}
        for position, entry in given.items():
            problem = control_check_problem(
                tested=entry.tested, result=entry.result, evidence=entry.evidence
            )
            held = existing.get(position)
            raises = entry.result == ControlResult.NOT_WORKING and (
                held is None or held.open_action is None
            )
            if problem is None and raises:
                if entry.action_due is None:
                    problem = "Say when the action to fix the control is due"
                elif entry.action_due < today:
                    problem = "The action to fix the control cannot be due in the past"
            if problem:
                problems[position] = problem
        if problems:
            raise ChecklistError(problems)
        saved = []
        for position, control in enumerate(controls, start=1):
            entry = given[position]
            check = existing.get(position) or ControlCheck(audit=row, position=position)
            before = audit.snapshot(check, CHECK_FIELDS) if check.pk else {}
            check.control = control
            check.tested = entry.tested
            check.result = entry.result if entry.tested else ""
            check.evidence = entry.evidence.strip()
            check.save()
            if check.is_failing and (before == {} or check.open_action is None):
                raised = _control_action(row, check, entry, user=user, source=source)
                check.actions.add(raised)
            audit.record(
                user=user,
                action=ChangeRecord.Action.UPDATE if before else ChangeRecord.Action.CREATE,
                source=source,
                obj=check,
                before=before,
                fields=CHECK_FIELDS,
                measure=row.measure,
                period=row.month,
            )
            saved.append(check)
        # Lines of controls the procedure no longer lists go (their actions stay).
        for position, gone in existing.items():
            if position > len(controls):
                audit.record(
                    user=user,
                    action=ChangeRecord.Action.DELETE,
                    source=source,
                    obj=gone,
                    fields=CHECK_FIELDS,
                    measure=row.measure,
                    period=row.month,
                )
                gone.delete()
    return saved


def _control_action(
    row: DataQualityAudit, check: ControlCheck, entry: ControlInput, *, user: User, source: str
) -> Action:
    title = f"Fix a data-quality control of {row.measure.code}: {check.control}"
    return action_create(
        action=Action(
            service_id=row.measure.service_id,
            title=title if len(title) <= 300 else title[:299] + "…",
            description=(
                f"The data-quality audit of {row.measure}, {row.month_label}, found control "
                f"{check.position} of the procedure not working. Evidence: {check.evidence}"
            ),
            owner=row.measure.updater,
            due=entry.action_due,
            source=Action.Source.DATA_QUALITY,
        ),
        user=user,
        link=Link(row, "actions", measure=row.measure, period=row.month),
        source=source,
    )
