"""Service improvement plans: writing plans, objectives and actions, signing off, copying.

The rules live here and nowhere else; the pages, the admin and any other writer call these:

- a plan holds at most `ServicePlan.MAX_TARGETS` service targets, all measures of its own service
  reported in its year (`plan_set_measures`, never a raw `.measures.add`);
- the head of service signs the plan off, from 1 March before its year starts (late sign-off,
  during the year, is allowed and noted; never after the year has ended);
- a signed-off plan is read only — summary, targets, objectives — and keeps what it fixed about
  its actions, whose progress alone still changes (the actions' rules are `targets.plans.actions`',
  which every source of actions calls);
- the performance team may reopen a signed-off plan, with a reason.

Each write checks permission on the server and records its change in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from targets import audit, periods, permissions
from targets.models import (
    Action,
    ChangeRecord,
    Measure,
    Objective,
    Service,
    ServicePlan,
    User,
)
from targets.plans import actions
from targets.plans.actions import PlanError

Source = ChangeRecord.Source
Change = ChangeRecord.Action

PLAN_FIELDS = ("summary", "status", "signed_off_by", "signed_off_at")
OBJECTIVE_FIELDS = ("priority", "title", "description", "order", "measures")


def _require_edit(user: User, service: Service) -> None:
    if not permissions.can_edit_plan(user, service):
        raise PermissionDenied(f"Only the head of {service} and the performance team can do this.")


def _require_draft(plan: ServicePlan) -> None:
    if plan.is_signed_off:
        raise PlanError(
            f"The {plan.year_label} plan of {plan.service} is signed off: it cannot be changed, "
            "except the progress of its actions. The performance team can reopen it."
        )


def _locked(plan: ServicePlan) -> ServicePlan:
    """The plan row, locked for the rest of the transaction (two editors never both pass a
    check such as the 20-target limit)."""
    return ServicePlan.objects.select_for_update().select_related("service").get(pk=plan.pk)


def _codes(measures: Iterable[Measure]) -> str:
    return ", ".join(sorted(m.code for m in measures))


# Plans


FIRST_YEAR = 2000


def _check_year(year: int) -> None:
    latest = periods.financial_year_of(timezone.localdate()) + 1
    if not FIRST_YEAR <= year <= latest:
        raise PlanError(
            f"Plans can be started for {periods.fy_label(FIRST_YEAR)} to "
            f"{periods.fy_label(latest)}, not {year}.",
            "year",
        )


def plan_create(
    *, service: Service, year: int, user: User, summary: str = "", source: str = Source.FORM
) -> ServicePlan:
    """A new, empty draft plan: for any year from FIRST_YEAR to the coming one (next year's plan
    is drafted during this year's planning cycle)."""
    _require_edit(user, service)
    _check_year(year)
    try:
        with transaction.atomic():
            plan = ServicePlan.objects.create(service=service, year=year, summary=summary)
            audit.record(
                user=user,
                action=Change.CREATE,
                source=source,
                obj=plan,
                period=periods.fy_label(year),
                changes=audit.diff({}, audit.snapshot(plan, ("summary",))),
            )
    except IntegrityError as exc:
        raise PlanError(
            f"{service} already has a plan for {periods.fy_label(year)}.", "year"
        ) from exc
    return plan


def plan_update(
    *, plan: ServicePlan, summary: str, user: User, source: str = Source.FORM
) -> ServicePlan:
    _require_edit(user, plan.service)
    with transaction.atomic():
        plan = _locked(plan)
        _require_draft(plan)
        before = audit.snapshot(plan, PLAN_FIELDS)
        plan.summary = summary
        plan.save(update_fields=["summary", "updated_at"])
        changes = audit.diff(before, audit.snapshot(plan, PLAN_FIELDS))
        if changes:
            audit.record(
                user=user,
                action=Change.UPDATE,
                source=source,
                obj=plan,
                period=plan.year_label,
                changes=changes,
            )
    return plan


def plan_save(
    *,
    plan: ServicePlan,
    summary: str,
    measures: Iterable[Measure],
    user: User,
    source: str = Source.FORM,
) -> ServicePlan:
    """The plan's summary and service targets together, both or neither (the plan's edit page)."""
    with transaction.atomic():
        plan = plan_update(plan=plan, summary=summary, user=user, source=source)
        return plan_set_measures(plan=plan, measures=measures, user=user, source=source)


def check_plan_measures(plan: ServicePlan, measures: Iterable[Measure]) -> list[Measure]:
    """The measures, if they may be the plan's service targets; otherwise a PlanError."""
    chosen = list({m.pk: m for m in measures}.values())
    limit = ServicePlan.MAX_TARGETS
    if len(chosen) > limit:
        raise PlanError(
            f"A service improvement plan can have at most {limit} service targets: "
            f"{len(chosen)} were chosen. Remove {len(chosen) - limit}.",
            "measures",
        )
    others = [m for m in chosen if m.service_id != plan.service_id]
    if others:
        raise PlanError(
            f"Only measures of {plan.service} can be its service targets: "
            f"{_codes(others)} belong to other services.",
            "measures",
        )
    inactive = [m for m in chosen if not m.is_active_in(plan.year)]
    if inactive:
        raise PlanError(
            f"{_codes(inactive)} {'is' if len(inactive) == 1 else 'are'} not reported in "
            f"{plan.year_label}.",
            "measures",
        )
    return chosen


def plan_set_measures(
    *, plan: ServicePlan, measures: Iterable[Measure], user: User, source: str = Source.FORM
) -> ServicePlan:
    """Make `measures` the plan's service targets (the only way they change)."""
    _require_edit(user, plan.service)
    with transaction.atomic():
        plan = _locked(plan)
        _require_draft(plan)
        chosen = check_plan_measures(plan, measures)
        before = set(plan.measures.values_list("code", flat=True))
        plan.measures.set(chosen)
        removed = [code for code in before if code not in {m.code for m in chosen}]
        if removed:
            # An objective's measures are always among the plan's.
            Objective.measures.through.objects.filter(
                objective__plan=plan, measure__code__in=removed
            ).delete()
        after = {m.code for m in chosen}
        if before != after:
            audit.record(
                user=user,
                action=Change.UPDATE,
                source=source,
                obj=plan,
                period=plan.year_label,
                changes={"measures": [", ".join(sorted(before)) or None, ", ".join(sorted(after))]},
            )
    return plan


@dataclass(frozen=True)
class SignOffWindow:
    opens: date
    closes: date


def sign_off_window(year: int) -> SignOffWindow:
    """From 1 March before the year starts to the year's last day (31 March a year later)."""
    return SignOffWindow(opens=date(year, 3, 1), closes=date(year + 1, 3, 31))


def plan_sign_off(
    *, plan: ServicePlan, user: User, today: date | None = None, source: str = Source.FORM
) -> ServicePlan:
    today = today or timezone.localdate()
    if not permissions.can_sign_off_plan(user, plan.service):
        raise PermissionDenied(f"Only the head of {plan.service} can sign off its plan.")
    window = sign_off_window(plan.year)
    with transaction.atomic():
        plan = _locked(plan)
        if plan.is_signed_off:
            raise PlanError(f"The {plan.year_label} plan of {plan.service} is already signed off.")
        if today < window.opens:
            raise PlanError(
                f"The {plan.year_label} plan can be signed off from "
                f"{window.opens:%-d %B %Y}, in the March before its year starts."
            )
        if today > window.closes:
            raise PlanError(f"{plan.year_label} has ended: its plan can no longer be signed off.")
        if not plan.objectives.exists():
            raise PlanError("Add at least one objective before signing the plan off.")
        before = audit.snapshot(plan, PLAN_FIELDS)
        plan.status = ServicePlan.Status.SIGNED_OFF
        plan.signed_off_by = user
        plan.signed_off_at = timezone.now()
        plan.save()
        late = today > date(plan.year, 3, 31)
        audit.record(
            user=user,
            action=Change.APPROVE,
            source=source,
            obj=plan,
            period=plan.year_label,
            changes=audit.diff(before, audit.snapshot(plan, PLAN_FIELDS)),
            reason=f"Signed off late: {plan.year_label} started on 1 April {plan.year}."
            if late
            else "",
        )
    return plan


def plan_reopen(
    *, plan: ServicePlan, user: User, reason: str, source: str = Source.FORM
) -> ServicePlan:
    """Back to draft (the performance team, with a reason): the plan can be changed again and
    must be signed off again."""
    if not permissions.can_reopen_plan(user):
        raise PermissionDenied("Only the performance team can reopen a signed-off plan.")
    if not reason.strip():
        raise PlanError("Give the reason for reopening the plan.", "reason")
    with transaction.atomic():
        plan = _locked(plan)
        if not plan.is_signed_off:
            raise PlanError(f"The {plan.year_label} plan of {plan.service} is not signed off.")
        before = audit.snapshot(plan, PLAN_FIELDS)
        plan.status = ServicePlan.Status.DRAFT
        plan.signed_off_by = None
        plan.signed_off_at = None
        plan.save()
        audit.record(
            user=user,
            action=Change.RETURN,
            source=source,
            obj=plan,
            period=plan.year_label,
            changes=audit.diff(before, audit.snapshot(plan, PLAN_FIELDS)),
            reason=reason.strip(),
        )
    return plan


def _year_later(day: date | None) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def plan_copy_forward(
    *, previous: ServicePlan, user: User, source: str = Source.FORM
) -> ServicePlan:
    """Start next year's plan from `previous`: a draft with its service targets still reported,
    its objectives, and its open actions due a year later, not started. Appraisal targets are
    agreed afresh each March, so the copies are not marked as anyone's yet."""
    service = previous.service
    _require_edit(user, service)
    year = previous.year + 1
    _check_year(year)
    if ServicePlan.objects.filter(service=service, year=year).exists():
        raise PlanError(f"{service} already has a plan for {periods.fy_label(year)}.")
    measures = [
        m for m in previous.measures.all() if m.service_id == service.pk and m.is_active_in(year)
    ]
    try:
        with transaction.atomic():
            plan = ServicePlan.objects.create(
                service=service, year=year, summary=previous.summary, copied_from=previous
            )
            plan.measures.set(measures)
            kept = {m.pk for m in measures}
            objectives: list[Objective] = []
            copies: list[Action] = []
            for old in previous.objectives.prefetch_related("measures", "actions"):
                new = Objective.objects.create(
                    plan=plan,
                    priority_id=old.priority_id,
                    title=old.title,
                    description=old.description,
                    order=old.order,
                )
                new.measures.set([m for m in old.measures.all() if m.pk in kept])
                objectives.append(new)
                copies += [
                    Action(
                        service=service,
                        objective=new,
                        title=a.title,
                        description=a.description,
                        owner_id=a.owner_id,
                        due=_year_later(a.due),
                        source=a.source,
                    )
                    for a in old.actions.all()
                    if a.is_open
                ]
            Action.objects.bulk_create(copies)
            ChangeRecord.objects.bulk_create(
                audit.change_record(
                    user=user,
                    action=Change.CREATE,
                    source=source,
                    obj=item,
                    period=plan.year_label,
                    changes=audit.diff({}, audit.snapshot(item, fields)),
                    reason=f"Copied from the {previous.year_label} plan.",
                )
                for items, fields in ((objectives, OBJECTIVE_FIELDS), (copies, actions.FIELDS))
                for item in items
            )
            audit.record(
                user=user,
                action=Change.CREATE,
                source=source,
                obj=plan,
                period=periods.fy_label(year),
                changes={"copied_from": [None, f"{previous.year_label} plan"]},
                reason=f"Started from the {previous.year_label} plan: {len(measures)} service "
                f"targets, {len(objectives)} objectives, {len(copies)} open actions.",
            )
    except IntegrityError as exc:
        raise PlanError(f"{service} already has a plan for {periods.fy_label(year)}.") from exc
    return plan


# Objectives


def objective_save(
    *,
    objective: Objective,
    measures: Iterable[Measure] | None,
    user: User,
    source: str = Source.FORM,
) -> Objective:
    """Create or change an objective of a draft plan; `measures` (None: unchanged) must be
    service targets of the plan."""
    plan = objective.plan
    _require_edit(user, plan.service)
    with transaction.atomic():
        plan = _locked(plan)
        _require_draft(plan)
        before: audit.Snapshot = {}
        if objective.pk:
            stored = Objective.objects.select_related("plan").get(pk=objective.pk)
            if stored.plan_id != plan.pk:
                raise PlanError("An objective cannot move to another plan.")
            before = audit.snapshot(stored, OBJECTIVE_FIELDS)
        chosen: list[Measure] | None = None
        if measures is not None:
            chosen = list(measures)
            in_plan = set(plan.measures.values_list("pk", flat=True))
            outside = [m for m in chosen if m.pk not in in_plan]
            if outside:
                raise PlanError(
                    f"An objective's measures must be service targets of the plan: "
                    f"{_codes(outside)} {'is' if len(outside) == 1 else 'are'} not.",
                    "measures",
                )
        created = objective.pk is None
        objective.save()
        if chosen is not None:
            objective.measures.set(chosen)
        changes = audit.diff(before, audit.snapshot(objective, OBJECTIVE_FIELDS))
        if created or changes or chosen is not None:
            audit.record(
                user=user,
                action=Change.CREATE if created else Change.UPDATE,
                source=source,
                obj=objective,
                period=plan.year_label,
                changes=changes,
            )
    return objective


def objective_delete(*, objective: Objective, user: User, source: str = Source.FORM) -> None:
    """Delete an objective of a draft plan; its actions stay with the service, outside the plan."""
    plan = objective.plan
    _require_edit(user, plan.service)
    with transaction.atomic():
        plan = _locked(plan)
        _require_draft(plan)
        audit.record(
            user=user,
            action=Change.DELETE,
            source=source,
            obj=objective,
            fields=OBJECTIVE_FIELDS,
            period=plan.year_label,
        )
        # Its actions leave the plan (the database clears their objective): say so for each.
        ChangeRecord.objects.bulk_create(
            audit.change_record(
                user=user,
                action=Change.UPDATE,
                source=source,
                obj=action,
                period=plan.year_label,
                changes={"objective": [str(objective.pk), None]},
                reason=f"Its objective “{objective.title}” was deleted: it stays with the "
                "service, outside the plan.",
            )
            for action in objective.actions.all()
        )
        objective.delete()


# Actions: the plan's pages and admin, with the plan's permissions; the rules are the actions'
# own (`targets.plans.actions`), whoever calls.


def action_save(
    *, action: Action, user: User, today: date | None = None, source: str = Source.FORM
) -> Action:
    """Create or change an action of the service; in a signed-off plan, only its progress."""
    _require_edit(user, action.service)
    if action.pk is None:
        return actions.action_create(action=action, user=user, today=today, source=source)
    stored = Action.objects.select_related("service").get(pk=action.pk)
    if stored.service_id != action.service_id:
        _require_edit(user, stored.service)
    return actions.action_update(action=action, user=user, today=today, source=source)


def action_attach(
    *, action: Action, objective: Objective, user: User, source: str = Source.FORM
) -> Action:
    """Bring an action of the service (from feedback, an audit, a review…) into its plan."""
    _require_edit(user, action.service)
    return actions.action_attach(action=action, objective_id=objective.pk, user=user, source=source)


def action_update_progress(
    *,
    action: Action,
    status: str,
    progress: str,
    completed_on: date | None,
    user: User,
    today: date | None = None,
    source: str = Source.FORM,
) -> Action:
    """Status, progress note and completion date: allowed in a signed-off plan too, for the
    action's owner as well as whoever may edit the plan."""
    if not permissions.can_update_action_progress(user, action):
        raise PermissionDenied("Only the action's owner or the head of service can update it.")
    return actions.action_progress(
        action=action,
        status=status,
        progress=progress,
        completed_on=completed_on,
        user=user,
        today=today,
        source=source,
    )


def action_delete(*, action: Action, user: User, source: str = Source.FORM) -> None:
    _require_edit(user, action.service)
    actions.action_delete(action=action, user=user, source=source)
