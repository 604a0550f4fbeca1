"""Feedback workflows: saving arrangements, rounds, panel surveys, visits and the actions they lead
to. Each checks the user's right on the server (`feedback.permissions`), writes in one
transaction and records the change in the audit trail."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from feedback import permissions, rules
from feedback.models import Arrangement, MysteryShop, PanelResult, PanelSurvey, Round
from targets import audit, periods
from targets.models import Action, Objective, Service, User
from targets.plans import actions


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
    audit.save(arrangement, user=user)
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
    audit.save(item, user=user)
    return item


def action_save(
    *,
    action: Action,
    user: User,
    feedback_round: Round | None = None,
    visit: MysteryShop | None = None,
) -> Action:
    """Save an action a round or a visit led to (a new one is held by the round or visit). The
    actions' rules are `targets.plans.actions`': a signed-off plan keeps what it fixed about its
    actions, and takes new ones from the head of service or the performance team only."""
    owner_id = None
    if action.pk:
        owner_id = Action.objects.values_list("owner_id", flat=True).get(pk=action.pk)
    elif feedback_round is not None:
        owner_id = feedback_round.arrangement.owner_id
    if not permissions.can_record_feedback(user, action.service, owner_id=owner_id):
        raise PermissionDenied(f"You cannot record actions of {action.service}.")
    if action.status != Action.Status.DONE:
        action.completed_on = None  # the forms here give a status, not a completion date
    holder = feedback_round or visit
    try:
        if action.pk is None:
            link = actions.Link(holder, "actions") if holder is not None else None
            return actions.action_create(action=action, user=user, link=link)
        return actions.action_update(action=action, user=user)
    except actions.PlanError as exc:
        raise ValidationError({exc.field or NON_FIELD_ERRORS: str(exc)}) from exc


def panel_survey_save(*, survey: PanelSurvey, user: User) -> PanelSurvey:
    if not permissions.can_manage_panel(user):
        raise PermissionDenied("Only the performance team records the residents' panel.")
    audit.save(survey, user=user)
    return survey


def panel_result_save(*, result: PanelResult, user: User) -> PanelResult:
    if not permissions.can_manage_panel(user):
        raise PermissionDenied("Only the performance team records the residents' panel.")
    audit.save(result, user=user)
    return result


def visit_save(*, visit: MysteryShop, user: User) -> MysteryShop:
    if not permissions.can_manage_feedback(user, visit.service):
        raise PermissionDenied(f"You cannot record mystery shopping of {visit.service}.")
    if visit.pk:
        stored = MysteryShop.objects.select_related("service").get(pk=visit.pk)
        if not permissions.can_manage_feedback(user, stored.service):
            raise PermissionDenied(f"You cannot change mystery shopping of {stored.service}.")
    audit.save(visit, user=user)
    return visit
