"""The golden thread: person → action → objective → corporate priority, read both ways.

A person's page reads it upwards, a priority's page downwards; both take their links from
`plan_actions()`, so the two always agree. Each read is a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q

from targets.models import Action, ActionQuerySet, Measure, Objective, Priority, ServicePlan, User

Link = tuple[str, int, int, int]  # username, action id, objective id, priority number


def plan_actions(year: int) -> ActionQuerySet:
    """The actions of the plans of `year`, with everything a thread needs."""
    return (
        Action.objects.in_plan_year(year)
        .select_related("owner", "service", "objective__priority", "objective__plan__service")
        .order_by("objective__priority__number", "objective__plan__service__name", "due", "pk")
    )


def appraisal_targets(year: int, *, owner: User | None = None) -> ActionQuerySet:
    """Appraisal targets of `year`: actions of that year's plans, and actions outside any plan
    due in that year, that someone carries as an appraisal target."""
    first, last = date(year, 4, 1), date(year + 1, 3, 31)
    actions = Action.objects.filter(is_appraisal_target=True, owner__isnull=False).filter(
        Q(objective__plan__year=year) | Q(objective__isnull=True, due__range=(first, last))
    )
    if owner is not None:
        actions = actions.filter(owner=owner)
    return actions.select_related(
        "owner", "service", "objective__priority", "objective__plan__service"
    ).order_by("owner__username", "due", "pk")


def link(action: Action) -> Link | None:
    if action.owner is None or action.objective is None:
        return None
    return (action.owner.username, action.pk, action.objective.pk, action.objective.priority.number)


@dataclass(frozen=True)
class PersonThread:
    person: User
    year: int
    targets: list[Action]  # appraisal targets, in or out of a plan
    other_actions: list[Action]  # in the year's plans, not appraisal targets
    measures: Sequence[Measure]  # they update, with the year's plans and objectives prefetched

    @property
    def links(self) -> set[Link]:
        return {x for a in (*self.targets, *self.other_actions) if (x := link(a))}


def person_thread(person: User, year: int) -> PersonThread:
    in_plans = list(plan_actions(year).filter(owner=person))
    targets = list(appraisal_targets(year, owner=person))
    measures = list(
        Measure.objects.filter(updater=person)
        .active_in(year)
        .select_related("service", "priority")
        .prefetch_related(
            Prefetch("plans", queryset=ServicePlan.objects.filter(year=year), to_attr="year_plans"),
            Prefetch(
                "objectives",
                queryset=Objective.objects.filter(plan__year=year).select_related("priority"),
                to_attr="year_objectives",
            ),
        )
        .order_by("service__name", "code")
    )
    return PersonThread(
        person=person,
        year=year,
        targets=targets,
        other_actions=[a for a in in_plans if not a.is_appraisal_target],
        measures=measures,
    )


@dataclass(frozen=True)
class PriorityThread:
    priority: Priority
    year: int
    objectives: list[Objective]  # with plan, service, actions (and owners), measures
    measures: list[Measure]  # the priority's corporate measures

    @property
    def links(self) -> set[Link]:
        return {x for o in self.objectives for a in o.actions.all() if (x := link(a))}

    @property
    def people(self) -> list[User]:
        owners = {a.owner.pk: a.owner for o in self.objectives for a in o.actions.all() if a.owner}
        return sorted(owners.values(), key=lambda u: (u.last_name, u.first_name, u.username))


def priority_thread(priority: Priority, year: int) -> PriorityThread:
    actions = plan_actions(year).filter(objective__priority=priority)
    objectives = list(
        Objective.objects.filter(plan__year=year, priority=priority)
        .select_related("plan__service", "priority")
        .prefetch_related("measures", Prefetch("actions", queryset=actions))
        .order_by("plan__service__name", "order", "pk")
    )
    measures = list(
        Measure.objects.filter(priority=priority)
        .active_in(year)
        .select_related("service", "updater")
        .order_by("code")
    )
    return PriorityThread(priority=priority, year=year, objectives=objectives, measures=measures)
