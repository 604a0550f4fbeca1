"""What a plan's page shows, loaded in a fixed number of queries: its service targets,
objectives with their actions, the service's actions outside the plan, and what the viewer may
do with each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from targets import permissions
from targets.models import Action, Measure, Objective, ServicePlan, User
from targets.plans.services import SignOffWindow, sign_off_window


@dataclass(frozen=True)
class PlanOverview:
    plan: ServicePlan
    measures: QuerySet[Measure]
    objectives: list[Objective]
    unattached: list[Action]
    can_edit: bool  # the plan, while it is a draft
    can_attach: bool  # an action outside the plan, into it
    can_sign_off: bool
    can_reopen: bool
    can_progress: set[int]  # the actions whose progress the viewer may update
    window: SignOffWindow
    sign_off_open: bool
    other_years: QuerySet[ServicePlan]


def plan_overview(plan: ServicePlan, user: User, today: date) -> PlanOverview:
    service = plan.service
    actions = Action.objects.select_related("owner", "service").order_by("due", "pk")
    objectives = list(
        plan.objectives.select_related("priority").prefetch_related(
            "measures", Prefetch("actions", queryset=actions)
        )
    )
    unattached = list(
        Action.objects.filter(service=service, objective__isnull=True)
        .select_related("owner", "service")
        .order_by("status", "due", "pk")
    )
    draft = not plan.is_signed_off
    may_edit = permissions.can_edit_plan(user, service)
    in_plan = [a for o in objectives for a in o.actions.all()]
    window = sign_off_window(plan.year)
    return PlanOverview(
        plan=plan,
        measures=plan.measures.select_related("updater").order_by("code"),
        objectives=objectives,
        unattached=unattached,
        can_edit=may_edit and draft,
        can_attach=may_edit and draft and bool(objectives),
        can_sign_off=draft and permissions.can_sign_off_plan(user, service),
        can_reopen=plan.is_signed_off and permissions.can_reopen_plan(user),
        can_progress={
            a.pk for a in [*in_plan, *unattached] if permissions.can_update_action_progress(user, a)
        },
        window=window,
        sign_off_open=window.opens <= today <= window.closes,
        other_years=ServicePlan.objects.filter(service=service)
        .exclude(pk=plan.pk)
        .order_by("-year"),
    )
