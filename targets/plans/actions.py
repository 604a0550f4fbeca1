"""Improvement actions: the one place an action is created or changed, whoever calls.

Every source calls these with its own link, after checking its own right to act: a plan's pages
and admin (no link), a feedback round or mystery-shopping visit, a service review or peer review,
a data-quality audit. Whoever calls, the actions' rules hold:

- a signed-off plan keeps what it fixed about its actions (`PLANNED_FIELDS`: their service,
  objective, title, description, owner, due date, appraisal flag and source); only their progress
  (`PROGRESS_FIELDS`) changes, until the performance team reopens the plan;
- an action joins a signed-off plan only from the head of service or the performance team
  (`permissions.can_add_action_to_plan`), and only a plan of its own service;
- an appraisal target needs an owner;
- only a done action has a completion date (today when none is given), never in the future.

Each change locks the action's row (and the plans it leaves or joins) for its transaction and
writes one audit record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from targets import audit, permissions
from targets.models import Action, ChangeRecord, Measure, ServicePlan, User
from targets.services import WorkflowError

Source = ChangeRecord.Source
Change = ChangeRecord.Action

# What a signed-off plan fixes about its actions: everything but their progress.
PLANNED_FIELDS = (
    "service",
    "objective",
    "title",
    "description",
    "owner",
    "due",
    "is_appraisal_target",
    "source",
)
PROGRESS_FIELDS = ("status", "progress", "completed_on")
FIELDS = (*PLANNED_FIELDS, *PROGRESS_FIELDS)


class PlanError(WorkflowError):
    """A change to a plan or its actions the rules refuse; the message says why, `field` where."""


@dataclass(frozen=True)
class Link:
    """Where an action came from: the object that holds it (a round, a visit, a review, a peer
    review, an audit) in one of its many-to-many fields. A data-quality audit's link also names
    the measure and month, so the measure's history shows its actions' changes."""

    holder: models.Model
    field: str
    measure: Measure | None = None
    period: str = ""

    def holds(self, action: Action) -> bool:
        return action.pk is not None and self._manager().filter(pk=action.pk).exists()

    def attach(self, action: Action) -> None:
        self._manager().add(action)

    def _manager(self) -> Any:
        """The holder's many-to-many manager of actions (`round.actions`, say)."""
        return getattr(self.holder, self.field)


def _signed_off_message(plan: ServicePlan) -> str:
    return (
        f"The {plan.year_label} plan of {plan.service} is signed off: its actions' titles, "
        "owners and due dates cannot be changed, only their progress. The performance team can "
        "reopen it."
    )


def _plan_of(objective_id: int | None) -> ServicePlan | None:
    """The plan of an objective, its row locked."""
    if objective_id is None:
        return None
    return (
        ServicePlan.objects.select_for_update()
        .select_related("service")
        .filter(objectives=objective_id)
        .first()
    )


def _locked(action: Action) -> Action:
    return Action.objects.select_for_update(of=("self",)).get(pk=action.pk)


def _check_progress(action: Action, today: date) -> None:
    if action.status not in Action.Status.values:
        raise PlanError(f"{action.status!r} is not a status of an action.", "status")
    if action.status == Action.Status.DONE:
        if action.completed_on is None:
            action.completed_on = today
        if action.completed_on > today:
            raise PlanError("The completion date cannot be in the future.", "completed_on")
    elif action.completed_on is not None:
        raise PlanError(
            "Only a done action has a completion date: clear the date or mark it done.",
            "completed_on",
        )


def _check(
    action: Action,
    *,
    stored: Action | None,
    leaving: ServicePlan | None,
    joining: ServicePlan | None,
    user: User,
    today: date,
) -> None:
    """Refuse (PlanError, with the field at fault) what the rules do not allow: `stored` is the
    action as saved (None: a new one), `leaving` and `joining` the plans of its objective before
    and after."""
    if stored is not None and leaving is not None and leaving.is_signed_off:
        before, after = audit.snapshot(stored, FIELDS), audit.snapshot(action, FIELDS)
        planned = [f for f in PLANNED_FIELDS if before[f] != after[f]]
        if planned:
            raise PlanError(_signed_off_message(leaving), planned[0])
    moved = stored is None or stored.objective_id != action.objective_id
    if moved and joining is not None:
        if joining.service_id != action.service_id:
            raise PlanError(
                f"The objective belongs to the plan of {joining.service}: choose one of "
                f"{action.service}'s objectives.",
                "objective",
            )
        if joining.is_signed_off and not permissions.can_add_action_to_plan(user, joining):
            raise PlanError(
                f"{joining} is signed off: only the head of service or the performance team "
                "can add actions to it.",
                "objective",
            )
    if action.is_appraisal_target and action.owner_id is None:
        raise PlanError("An appraisal target needs an owner: choose who carries it.", "owner")
    _check_progress(action, today)


def action_check(*, action: Action, user: User, today: date | None = None) -> None:
    """Refuse, as saving would, an action the rules do not allow: for forms (the admin's) that
    show the refusal beside its field before anything is saved."""
    stored = Action.objects.filter(pk=action.pk).first() if action.pk else None
    plans = ServicePlan.objects.select_related("service")
    leaving = plans.filter(objectives=stored.objective_id).first() if stored else None
    joining = plans.filter(objectives=action.objective_id).first() if action.objective_id else None
    _check(
        action,
        stored=stored,
        leaving=leaving if stored and stored.objective_id else None,
        joining=joining,
        user=user,
        today=today or timezone.localdate(),
    )


def _record(
    action: Action,
    *,
    user: User | None,
    change: str,
    before: audit.Snapshot,
    source: str,
    link: Link | None,
    plan: ServicePlan | None,
    reason: str = "",
) -> None:
    measure = link.measure if link is not None else None
    period = link.period if link is not None and link.period else ""
    if not period and plan is not None:
        period = plan.year_label
    audit.record(
        user=user,
        action=change,
        source=source,
        obj=action,
        before=before,
        fields=FIELDS,
        measure=measure,
        period=period,
        reason=reason,
    )


def action_create(
    *,
    action: Action,
    user: User,
    link: Link | None = None,
    today: date | None = None,
    source: str = Source.FORM,
) -> Action:
    """A new action of its service, in a plan when given one of the plan's objectives, held by
    `link` when it came from a round, visit, review or audit."""
    if action.pk is not None:
        raise ValueError("action_create makes new actions; change one with action_update")
    today = today or timezone.localdate()
    with transaction.atomic():
        plan = _plan_of(action.objective_id)
        _check(action, stored=None, leaving=None, joining=plan, user=user, today=today)
        action.save()
        if link is not None:
            link.attach(action)
        _record(
            action, user=user, change=Change.CREATE, before={}, source=source, link=link, plan=plan
        )
    return action


def action_update(
    *,
    action: Action,
    user: User,
    link: Link | None = None,
    today: date | None = None,
    source: str = Source.FORM,
) -> Action:
    """Save `action` as changed by its caller (a form's instance, say): all of its fields while
    its plan (if any) is a draft, only its progress once the plan is signed off. With `link`,
    the action must be one the link holds."""
    today = today or timezone.localdate()
    with transaction.atomic():
        stored = _locked(action)
        if link is not None and not link.holds(stored):
            raise PlanError(f"“{stored.title}” is not one of this {link.holder}'s actions.")
        before = audit.snapshot(stored, FIELDS)
        leaving = _plan_of(stored.objective_id)
        joining = _plan_of(action.objective_id)
        _check(action, stored=stored, leaving=leaving, joining=joining, user=user, today=today)
        action.save()
        _record(
            action,
            user=user,
            change=Change.UPDATE,
            before=before,
            source=source,
            link=link,
            plan=joining or leaving,
        )
    return action


def action_progress(
    *,
    action: Action,
    status: str,
    progress: str | None,
    completed_on: date | None,
    user: User,
    link: Link | None = None,
    today: date | None = None,
    source: str = Source.FORM,
) -> Action:
    """Status, progress note (None: unchanged) and completion date: allowed in a signed-off plan
    too."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _locked(action)
        if link is not None and not link.holds(locked):
            raise PlanError(f"“{locked.title}” is not one of this {link.holder}'s actions.")
        before = audit.snapshot(locked, FIELDS)
        locked.status = status
        if progress is not None:
            locked.progress = progress.strip()
        locked.completed_on = completed_on
        _check_progress(locked, today)
        locked.save(update_fields=[*PROGRESS_FIELDS, "updated_at"])
        plan = (
            ServicePlan.objects.filter(objectives=locked.objective_id).first()
            if locked.objective_id
            else None
        )
        _record(
            locked,
            user=user,
            change=Change.UPDATE,
            before=before,
            source=source,
            link=link,
            plan=plan,
            reason=(progress or "").strip() if link is not None else "",
        )
    return locked


def action_complete(
    *,
    action: Action,
    user: User,
    progress: str | None = None,
    completed_on: date | None = None,
    link: Link | None = None,
    source: str = Source.FORM,
) -> Action:
    """Mark the action done, on `completed_on` (default: today)."""
    return action_progress(
        action=action,
        status=Action.Status.DONE,
        progress=progress,
        completed_on=completed_on,
        user=user,
        link=link,
        source=source,
    )


def action_cancel(
    *,
    action: Action,
    user: User,
    progress: str | None = None,
    link: Link | None = None,
    source: str = Source.FORM,
) -> Action:
    """Cancel the action: closed, with no completion date (it was never completed)."""
    return action_progress(
        action=action,
        status=Action.Status.CANCELLED,
        progress=progress,
        completed_on=None,
        user=user,
        link=link,
        source=source,
    )


def action_attach(
    *, action: Action, objective_id: int, user: User, source: str = Source.FORM
) -> Action:
    """Bring an action of the service (from feedback, an audit, a review…) into its plan."""
    if action.objective_id is not None:
        raise PlanError("This action is already in a plan.", "objective")
    action.objective_id = objective_id
    return action_update(action=action, user=user, source=source)


def action_delete(*, action: Action, user: User, source: str = Source.FORM) -> None:
    """Delete an action; never one of a signed-off plan."""
    with transaction.atomic():
        locked = _locked(action)
        plan = _plan_of(locked.objective_id)
        if plan is not None and plan.is_signed_off:
            raise PlanError(_signed_off_message(plan))
        audit.record(
            user=user,
            action=Change.DELETE,
            source=source,
            obj=locked,
            fields=FIELDS,
            period=plan.year_label if plan else "",
        )
        locked.delete()
