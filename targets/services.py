"""The value workflow: enter, submit, approve, return, publish, restate.

Each function checks the user's right on the server, refuses a stale version (no lost updates),
writes the change and its audit record in one transaction, and raises `WorkflowError` with a
message that says what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from targets import audit, permissions, questions, rules
from targets.anomaly import Question
from targets.models import ChangeRecord, Measure, User, Value, ValueStatus
from targets.periods import Period
from targets.scorecard import TargetBook

Source = ChangeRecord.Source
Action = ChangeRecord.Action
TRACKED = (
    "actual",
    "numerator",
    "denominator",
    "commentary",
    "corrective_action",
    "dq_flag",
    "forecast",
    "evidence",
    "status",
    "return_reason",
)


class WorkflowError(Exception):
    """A change the rules refuse; the message is for the person who asked."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ConflictError(WorkflowError):
    """Someone else saved the value since this version was read."""

    def __init__(self, current: Value) -> None:
        who = current.entered_by or "someone else"
        when = timezone.localtime(current.updated_at).strftime("%d %b %Y %H:%M")
        figure = current.measure.format(current.actual)
        status = current.get_status_display().lower()
        super().__init__(
            f"{who} changed this value at {when} (it is now {figure}, {status}). "
            "Your changes were not saved: review the newer value and try again."
        )
        self.current = current


@dataclass(frozen=True)
class ValueInput:
    """What a person enters for one measure and period."""

    actual: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    commentary: str = ""
    corrective_action: str = ""
    dq_flag: str = "final"
    forecast: Decimal | None = None
    evidence: File | None = None  # None keeps the current file


def check_period(measure: Measure, period: Period) -> None:
    if period.frequency != measure.period_frequency:
        raise WorkflowError(
            f"{measure.code} is reported {measure.frequency}: {period.code} is not one of its "
            "periods.",
            "period",
        )
    if not measure.is_active_in(period.year):
        raise WorkflowError(f"{measure.code} is not reported in {period.fy_label}.", "period")


def derived_actual(measure: Measure, data: ValueInput) -> Decimal | None:
    """The actual: entered, or numerator / denominator for ratio measures."""
    if measure.aggregation != Measure.Aggregation.RATIO:
        return data.actual
    if data.numerator is None or data.denominator is None:
        raise WorkflowError("Enter both the numerator and the denominator.", "numerator")
    if data.denominator == 0:
        raise WorkflowError("The denominator cannot be zero.", "denominator")
    value = rules.ratio_actual(data.numerator, data.denominator, scale=measure.scale)
    return rules.round_to(value, 6) if value is not None else None


def period_target(measure: Measure, period: Period) -> rules.TargetSpec | None:
    return TargetBook.load([measure], [period.year]).for_period(measure, period)


def would_be(measure: Measure, period: Period, actual: Decimal | None) -> rules.RagResult:
    """The RAG a figure would get for the period (shown on the form before saving)."""
    return measure.rate(actual, period_target(measure, period))


def require_corrective_action(result: rules.RagResult, action: str) -> None:
    """A Red value needs a corrective action (WorkflowError on its field otherwise)."""
    if result.rag == rules.Rag.RED and not action.strip():
        raise WorkflowError(
            "Corrective action is required when the value is Red.", "corrective_action"
        )


def _require_corrective_action(
    measure: Measure, period: Period, actual: Decimal | None, action: str
) -> None:
    require_corrective_action(would_be(measure, period, actual), action)


class ValueQuestioned(WorkflowError):
    """A figure the rule questions (`targets.anomaly`), sent without an explanation (or, through
    the API, without acknowledging the question): nothing was saved."""

    code = "value_questioned"

    def __init__(self, question: Question, *, acknowledged: bool = True) -> None:
        message = questions.explain_needed(question)
        if not acknowledged:
            message += ' Send "questioned_acknowledged": true with the commentary.'
        super().__init__(message, "commentary")
        self.question = question


def require_explanation(
    question: Question | None, commentary: str, *, acknowledged: bool = True
) -> None:
    """A questioned figure needs an explanation in the commentary (and, through the API, the
    question acknowledged): ValueQuestioned otherwise."""
    if question is not None and not (commentary.strip() and acknowledged):
        raise ValueQuestioned(question, acknowledged=acknowledged)


def _locked(measure: Measure, period: Period) -> Value | None:
    return Value.objects.select_for_update().filter(measure=measure, period=period.code).first()


def _check_version(value: Value | None, expected: int | None) -> None:
    """`expected` is the version the user read: 0 for a value not yet entered."""
    if expected is None:
        return
    if (value.version if value else 0) != expected:
        if value is None:
            raise WorkflowError("This value was deleted by someone else. Enter it again.")
        raise ConflictError(value)


def value_save(
    *,
    measure: Measure,
    period: Period,
    data: ValueInput,
    user: User,
    expected_version: int | None,
    submit: bool = False,
    reason: str = "",
    source: str = Source.FORM,
    acknowledged: bool = True,
    book: questions.Book | None = None,
) -> Value:
    """Enter or change a value; a published value may only be restated, with a reason.

    A figure the rule questions needs an explanation in the commentary (and `acknowledged`,
    which the API asks for explicitly); the question is then recorded with the value. `book`:
    the history and peers already loaded for a batch (the month grid)."""
    if not permissions.can_edit_value(user, measure):
        raise PermissionDenied(f"You cannot enter values for {measure.code}.")
    check_period(measure, period)
    actual = derived_actual(measure, data)
    if actual is None:
        raise WorkflowError("Enter the value.", "actual")
    _require_corrective_action(measure, period, actual, data.corrective_action)
    asked = (book or questions.Book.load([(measure, period)])).ask(
        measure, period, actual, numerator=data.numerator, denominator=data.denominator
    )
    require_explanation(asked, data.commentary, acknowledged=acknowledged)

    with transaction.atomic():
        value = _locked(measure, period)
        _check_version(value, expected_version)
        action = Action.UPDATE
        if value is None:
            value = Value(measure=measure, period=period.code, version=0)
            action = Action.CREATE
        elif value.status == ValueStatus.PUBLISHED:
            if not permissions.can_publish(user):
                raise WorkflowError(
                    "This value is published: ask the performance team to restate it."
                )
            if not reason.strip():
                raise WorkflowError("Give the reason for restating a published value.", "reason")
            action = Action.RESTATE
        elif value.status != ValueStatus.DRAFT and not permissions.can_publish(user):
            raise WorkflowError(
                f"This value is {value.get_status_display().lower()}: it must be returned to "
                "draft before it can be changed."
            )
        before = audit.snapshot(value, TRACKED) if action != Action.CREATE else {}
        for field in fields(ValueInput):
            if field.name != "evidence":
                setattr(value, field.name, getattr(data, field.name))
        if data.evidence is not None:
            value.evidence = data.evidence
        value.actual = actual
        value.entered_by = user
        value.version += 1
        if action == Action.RESTATE:
            value.revision += 1
        elif submit or value.status == ValueStatus.APPROVED:
            # An approved value whose figures the performance team corrects needs approving
            # again, by someone else: nobody approved the corrected figures.
            _mark_submitted(value, user)
            value.approved_by = None
            value.approved_at = None
        # Otherwise the status stays: a draft stays a draft, and the performance team correcting
        # a submitted value leaves it waiting for approval.
        value.save()
        audit.record(
            user=user,
            action=Action.SUBMIT if submit and action != Action.RESTATE else action,
            source=source,
            obj=value,
            measure=measure,
            period=period.code,
            changes=audit.diff(before, audit.snapshot(value, TRACKED)),
            reason=reason,
        )
        if asked is not None:
            questions.record(value=value, question=asked, user=user, source=source)
    return value


@dataclass(frozen=True)
class Entry:
    """One measure's figures for `values_save_all`: what its form holds, for its own period
    (a quarterly measure's quarter on a month's grid), or the batch's when None."""

    measure: Measure
    data: ValueInput
    expected_version: int | None
    period: Period | None = None


class EntriesRefused(WorkflowError):
    """Some entries the rules refuse; nothing was saved. `errors`: the refusal by measure code."""

    def __init__(self, errors: dict[str, WorkflowError]) -> None:
        super().__init__(f"{len(errors)} of the values could not be saved: nothing was saved.")
        self.errors = errors


def values_save_all(
    *,
    period: Period,
    entries: list[Entry],
    user: User,
    submit: bool = False,
    source: str = Source.FORM,
) -> int:
    """Save every entry of a period (or each entry's own), or none (a service's month grid, like
    an import): return how many; EntriesRefused says which the rules refused and why."""
    errors: dict[str, WorkflowError] = {}
    book = questions.Book.load([(e.measure, e.period or period) for e in entries])
    with transaction.atomic():
        for entry in entries:
            try:
                value_save(
                    measure=entry.measure,
                    period=entry.period or period,
                    data=entry.data,
                    user=user,
                    expected_version=entry.expected_version,
                    submit=submit,
                    source=source,
                    book=book,
                )
            except WorkflowError as exc:
                errors[entry.measure.code] = exc
        if errors:
            raise EntriesRefused(errors)  # leaving the block rolls every entry back
    return len(entries)


def _mark_submitted(value: Value, user: User) -> None:
    value.status = ValueStatus.SUBMITTED
    value.submitted_by = user
    value.submitted_at = timezone.now()
    value.return_reason = ""


_DONE: dict[str, str] = {
    Action.SUBMIT: "submitted",
    Action.APPROVE: "approved",
    Action.RETURN: "returned",
    Action.PUBLISH: "published",
    Action.WITHDRAW: "withdrawn",
}


def _transition(
    value: Value,
    *,
    user: User,
    expected_version: int | None,
    allowed_from: set[str],
    action: str,
    source: str,
    reason: str = "",
    apply: Any,
    check: Any = None,
) -> Value:
    with transaction.atomic():
        current = Value.objects.select_for_update().select_related("measure").get(pk=value.pk)
        _check_version(current, expected_version)
        if check is not None:
            check(current)  # on the locked row, not on the caller's copy, which may be stale
        if current.status not in allowed_from:
            raise WorkflowError(
                f"{current.measure.code} {current.period_obj.label} is "
                f"{current.get_status_display().lower()}: it cannot be {_DONE[action]} now."
            )
        before = audit.snapshot(current, TRACKED)
        apply(current)
        current.version += 1
        current.save()
        audit.record(
            user=user,
            action=action,
            source=source,
            obj=current,
            measure=current.measure,
            period=current.period,
            changes=audit.diff(before, audit.snapshot(current, TRACKED)),
            reason=reason,
        )
    return current


def value_submit(
    value: Value,
    *,
    user: User,
    expected_version: int | None = None,
    source: str = Source.FORM,
    acknowledged: bool = True,
) -> Value:
    if not permissions.can_edit_value(user, value.measure):
        raise PermissionDenied(f"You cannot submit values for {value.measure.code}.")
    _require_corrective_action(
        value.measure, value.period_obj, value.actual, value.corrective_action
    )
    asked = questions.ask(
        value.measure,
        value.period_obj,
        value.actual,
        numerator=value.numerator,
        denominator=value.denominator,
    )
    require_explanation(asked, value.commentary, acknowledged=acknowledged)
    with transaction.atomic():
        done = _transition(
            value,
            user=user,
            expected_version=expected_version,
            allowed_from={ValueStatus.DRAFT},
            action=Action.SUBMIT,
            source=source,
            apply=lambda v: _mark_submitted(v, user),
        )
        if asked is not None:
            questions.record(value=done, question=asked, user=user, source=source)
    return done


def value_approve(
    value: Value, *, user: User, expected_version: int | None = None, source: str = Source.FORM
) -> Value:
    def check(v: Value) -> None:
        own = {v.entered_by_id, v.submitted_by_id}
        if not permissions.can_approve_value(user, v.measure, entered_by=own):
            if user.pk in own:
                raise PermissionDenied("You cannot approve a value you entered or submitted.")
            raise PermissionDenied(f"You cannot approve values of {v.measure.code}.")

    check(value)

    def apply(v: Value) -> None:
        v.status = ValueStatus.APPROVED
        v.approved_by = user
        v.approved_at = timezone.now()

    return _transition(
        value,
        user=user,
        expected_version=expected_version,
        allowed_from={ValueStatus.SUBMITTED},
        action=Action.APPROVE,
        source=source,
        apply=apply,
        check=check,
    )


def value_return(
    value: Value,
    *,
    user: User,
    reason: str,
    expected_version: int | None = None,
    source: str = Source.FORM,
) -> Value:
    """Send a submitted or approved value back to draft, saying why."""
    if not (permissions.can_approve_value(user, value.measure) or permissions.can_publish(user)):
        raise PermissionDenied(f"You cannot return values of {value.measure.code}.")
    if not reason.strip():
        raise WorkflowError("Say why the value is being returned.", "reason")

    def apply(v: Value) -> None:
        v.status = ValueStatus.DRAFT
        v.return_reason = reason.strip()
        v.approved_by = None
        v.approved_at = None

    return _transition(
        value,
        user=user,
        expected_version=expected_version,
        allowed_from={ValueStatus.SUBMITTED, ValueStatus.APPROVED},
        action=Action.RETURN,
        source=source,
        reason=reason.strip(),
        apply=apply,
    )


def value_publish(
    value: Value, *, user: User, expected_version: int | None = None, source: str = Source.FORM
) -> Value:
    if not permissions.can_publish(user):
        raise PermissionDenied("Only the performance team publishes values.")

    def apply(v: Value) -> None:
        v.status = ValueStatus.PUBLISHED
        v.published_by = user
        v.published_at = timezone.now()

    return _transition(
        value,
        user=user,
        expected_version=expected_version,
        allowed_from={ValueStatus.APPROVED},
        action=Action.PUBLISH,
        source=source,
        apply=apply,
    )


def period_publish(
    *,
    period: Period,
    user: User,
    expected: Mapping[int, int] | None = None,
    source: str = Source.FORM,
) -> int:
    """Publish every approved value of the period at once; return how many.

    `expected` is the set the person previewed ({value id: version}): if the approved values
    are not exactly those, at those versions, nothing is published (`PreviewOutdated`)."""
    if not permissions.can_publish(user):
        raise PermissionDenied("Only the performance team publishes values.")
    now = timezone.now()
    with transaction.atomic():
        approved = list(
            Value.objects.select_for_update()
            .select_related("measure")
            .filter(period=period.code, status=ValueStatus.APPROVED)
        )
        if expected is not None:
            current = {value.pk: value.version for value in approved}
            changed = {
                pk for pk in set(current) | set(expected) if current.get(pk) != expected.get(pk)
            }
            if changed:
                raise PreviewOutdated(len(changed))
        for value in approved:
            value.status = ValueStatus.PUBLISHED
            value.published_by = user
            value.published_at = now
            value.updated_at = now
            value.version += 1
        Value.objects.bulk_update(
            approved, ["status", "published_by", "published_at", "version", "updated_at"]
        )
        audit.ChangeRecord.objects.bulk_create(
            audit.change_record(
                user=user,
                action=Action.PUBLISH,
                source=source,
                obj=value,
                measure=value.measure,
                period=value.period,
                changes={"status": [ValueStatus.APPROVED.value, ValueStatus.PUBLISHED.value]},
            )
            for value in approved
        )
    return len(approved)


class PreviewOutdated(WorkflowError):
    """The values to publish are not those the person previewed."""

    def __init__(self, changed: int) -> None:
        noun = "value" if changed == 1 else "values"
        super().__init__(
            f"{changed} {noun} changed since your preview: nothing was published. "
            "Check the new preview before publishing."
        )
        self.changed = changed


class ValuesRefused(WorkflowError):
    """A bulk action the rules refuse for some values; nothing was changed. `errors`: the
    refusal by value ("WST01 Oct 2026": reason)."""

    def __init__(self, errors: dict[str, str], total: int, verb: str) -> None:
        super().__init__(
            f"{len(errors)} of the {total} values could not be {verb}, so none was: "
            + "; ".join(f"{label}: {reason}" for label, reason in errors.items())
        )
        self.errors = errors


def values_approve(
    *,
    selected: Sequence[tuple[int, int | None]],
    user: User,
    source: str = Source.FORM,
) -> list[Value]:
    """Approve every selected value ((value id, version read) pairs), or none: each by the
    rules of `value_approve` (the approver's right on its measure, never one's own, still
    submitted, unchanged since read). ValuesRefused says which were refused and why."""
    if not selected:
        raise WorkflowError("Choose the values to approve.", "values")
    errors: dict[str, str] = {}
    done: list[Value] = []
    with transaction.atomic():
        found = Value.objects.select_related("measure").in_bulk([pk for pk, _ in selected])
        for pk, version in selected:
            value = found.get(pk)
            if value is None:
                errors[f"Value {pk}"] = "it does not exist (it may have been deleted)."
                continue
            label = f"{value.measure.code} {value.period_obj.label}"
            try:
                done.append(
                    value_approve(value, user=user, expected_version=version, source=source)
                )
            except ConflictError:
                errors[label] = "it was changed after you read it."
            except (WorkflowError, PermissionDenied) as exc:
                errors[label] = str(exc)
        if errors:
            raise ValuesRefused(errors, len(selected), "approved")  # rolls every approval back
    return done


def value_withdraw(
    value: Value,
    *,
    user: User,
    reason: str,
    expected_version: int | None = None,
    source: str = Source.FORM,
) -> Value:
    """Take a published value off the public page, the open data and scrutiny's view, saying
    why: it goes back to approved (the performance team may then return it to draft or
    publish it again), and the audit trail keeps who withdrew it, when and why."""
    if not permissions.can_publish(user):
        raise PermissionDenied("Only the performance team withdraws published values.")
    if not reason.strip():
        raise WorkflowError("Say why the value is being withdrawn.", "reason")

    def apply(v: Value) -> None:
        v.status = ValueStatus.APPROVED
        v.published_by = None
        v.published_at = None

    return _transition(
        value,
        user=user,
        expected_version=expected_version,
        allowed_from={ValueStatus.PUBLISHED},
        action=Action.WITHDRAW,
        source=source,
        reason=reason.strip(),
        apply=apply,
    )
