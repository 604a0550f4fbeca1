"""Feedback workflows: saving arrangements, rounds, panel surveys, visits and the actions they lead
to. Each checks the user's right on the server (`targets.permissions`) and writes in one
transaction."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from feedback import permissions, rules
from feedback.models import Arrangement, MysteryShop, PanelResult, PanelSurvey, Round
from targets import periods
from targets.models import Action, Objective, Service, User
from targets.permissions import can_add_action_to_plan

# What a signed-off plan fixes about its actions (targets.plans.services.PLANNED_FIELDS).
PLANNED_FIELDS = ("objective_id", "title", "description", "owner_id", "due")


def plan_objectives(service: Service, *, also: int | None = None) -> QuerySet[Objective]:
    """The objectives of the service's plan for the current financial year (and `also`, the
    action's own objective, whatever its year)."""
    year = periods.financial_year_of(timezone.localdate())
    this_year = Q(plan__service=service, plan__year=year)
    return Objective.objects.filter(this_year | Q(pk=also) if also else this_year).select_related(
        "plan__service", "priority"
    )


def arrangement_save(*, arrangement: Arrangement, user: User) -> Arrangement:
    if not permissions.can_manage_feedback(user, arrangement.service):
        raise PermissionDenied(f"You cannot manage the feedback of {arrangement.service}.")
    if arrangement.pk:
        stored = Arrangement.objects.select_related("service").get(pk=arrangement.pk)
        if not permissions.can_manage_feedback(user, stored.service):
            raise PermissionDenied(f"You cannot manage the feedback of {stored.service}.")
    arrangement.save()
    return arrangement


def satisfaction_of(item: Round) -> None:
    """Set the round's satisfaction: its % satisfied, or its score normalised to a percentage."""
    if item.result == Round.Result.PERCENT:
        item.satisfaction = item.percent_satisfied
        item.score = item.scale_min = item.scale_max = None
        return
    item.percent_satisfied = None
    if item.score is None or item.scale_min is None or item.scale_max is None:
        item.satisfaction = None
        return
    try:
        item.satisfaction = rules.normalise(item.score, item.scale_min, item.scale_max)
    except ValueError as exc:
        raise ValidationError({"score": str(exc)}) from None


def round_save(*, item: Round, user: User) -> Round:
    arrangement = item.arrangement
    if not permissions.can_record_feedback(
        user, arrangement.service, owner_id=arrangement.owner_id
    ):
        raise PermissionDenied(f"You cannot record rounds of {arrangement.title}.")
    satisfaction_of(item)
    item.save()
    return item


def action_save(
    *,
    action: Action,
    user: User,
    feedback_round: Round | None = None,
    visit: MysteryShop | None = None,
) -> Action:
    """Save an action a round or a visit led to; putting it in a signed-off plan needs the head
    of service or the performance team (`permissions.can_add_action_to_plan`)."""
    service = action.service
    owner_id = None
    if action.pk:
        stored = Action.objects.select_related("objective__plan").get(pk=action.pk)
        owner_id = stored.owner_id
        joined = action.objective_id is not None and action.objective_id != stored.objective_id
        plan = stored.objective.plan if stored.objective else None
        # As on the plan's own pages: a signed-off plan fixes its actions but their progress.
        if (
            plan is not None
            and plan.is_signed_off
            and any(getattr(stored, f) != getattr(action, f) for f in PLANNED_FIELDS)
        ):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: f"{plan} is signed off: only this action's status, "
                    "progress and completion can change. The performance team can reopen "
                    "the plan."
                }
            )
    else:
        joined = action.objective_id is not None
        if feedback_round is not None:
            owner_id = feedback_round.arrangement.owner_id
    if not permissions.can_record_feedback(user, service, owner_id=owner_id):
        raise PermissionDenied(f"You cannot record actions of {service}.")
    if joined:
        assert action.objective is not None
        plan = action.objective.plan
        if plan.service_id != service.pk:
            raise ValidationError({"objective": "Choose an objective of the service's own plan."})
        if not can_add_action_to_plan(user, plan):
            raise PermissionDenied(
                f"{plan} is signed off: only the head of service or the performance team can "
                "add actions to it."
            )
    with transaction.atomic():
        if action.status == Action.Status.DONE and action.completed_on is None:
            action.completed_on = timezone.localdate()
        action.save()
        if feedback_round is not None:
            feedback_round.actions.add(action)
        if visit is not None:
            visit.actions.add(action)
    return action


def panel_survey_save(*, survey: PanelSurvey, user: User) -> PanelSurvey:
    if not permissions.can_manage_panel(user):
        raise PermissionDenied("Only the performance team records the residents' panel.")
    survey.save()
    return survey


def panel_result_save(*, result: PanelResult, user: User) -> PanelResult:
    if not permissions.can_manage_panel(user):
        raise PermissionDenied("Only the performance team records the residents' panel.")
    result.save()
    return result


def visit_save(*, visit: MysteryShop, user: User) -> MysteryShop:
    if not permissions.can_manage_feedback(user, visit.service):
        raise PermissionDenied(f"You cannot record mystery shopping of {visit.service}.")
    if visit.pk:
        stored = MysteryShop.objects.select_related("service").get(pk=visit.pk)
        if not permissions.can_manage_feedback(user, stored.service):
            raise PermissionDenied(f"You cannot change mystery shopping of {stored.service}.")
    visit.save()
    return visit
