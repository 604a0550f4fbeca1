"""The rules of service improvement plans, in the service layer every writer goes through."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from targets.models import (
    Action,
    ChangeRecord,
    Measure,
    Objective,
    Priority,
    Service,
    ServicePlan,
    User,
)
from targets.plans import services
from targets.plans.services import PlanError
from tests.factories import ActionFactory, MeasureFactory, ObjectiveFactory, ServicePlanFactory

pytestmark = pytest.mark.django_db


def at(day: date) -> time_machine.travel:
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


@pytest.fixture(autouse=True)
def november_2026() -> Iterator[None]:
    with at(date(2026, 11, 26)):
        yield


@pytest.fixture
def plan(waste: Service) -> ServicePlan:
    return ServicePlanFactory(service=waste, year=2027)


@pytest.fixture
def objective(plan: ServicePlan, priority: Priority) -> Objective:
    return ObjectiveFactory(plan=plan, priority=priority, title="Recycle more")


def waste_measures(waste: Service, n: int) -> list[Measure]:
    return [MeasureFactory(service=waste, code=f"WST-{i:02d}") for i in range(n)]


# The 20-target limit and whose measures


def test_twenty_service_targets_are_accepted(plan: ServicePlan, waste: Service, pat: User) -> None:
    services.plan_set_measures(plan=plan, measures=waste_measures(waste, 20), user=pat)
    assert plan.measures.count() == 20


def test_a_plan_with_21_service_targets_is_refused(
    plan: ServicePlan, waste: Service, pat: User
) -> None:
    with pytest.raises(PlanError) as refused:
        services.plan_set_measures(plan=plan, measures=waste_measures(waste, 21), user=pat)
    assert "at most 20 service targets" in str(refused.value)
    assert "21 were chosen" in str(refused.value)
    assert refused.value.field == "measures"
    assert plan.measures.count() == 0


def test_the_limit_counts_a_measure_chosen_twice_once(
    plan: ServicePlan, waste: Service, pat: User
) -> None:
    measures = waste_measures(waste, 20)
    services.plan_set_measures(plan=plan, measures=[*measures, measures[0]], user=pat)
    assert plan.measures.count() == 20


def test_only_the_plans_own_service_measures_may_be_in_it(
    plan: ServicePlan, housing: Service, pat: User
) -> None:
    other = MeasureFactory(service=housing, code="HOU-01")
    with pytest.raises(PlanError, match="HOU-01 belong to other services"):
        services.plan_set_measures(plan=plan, measures=[other], user=pat)


def test_a_measure_not_reported_in_the_plans_year_is_refused(
    plan: ServicePlan, waste: Service, pat: User
) -> None:
    ended = MeasureFactory(service=waste, code="WST-OLD", active_from=2020, active_to=2025)
    with pytest.raises(PlanError, match="WST-OLD is not reported in 2027/28"):
        services.plan_set_measures(plan=plan, measures=[ended], user=pat)


def test_removing_a_target_removes_it_from_the_objectives(
    plan: ServicePlan, objective: Objective, waste: Service, hannah: User
) -> None:
    kept, dropped = waste_measures(waste, 2)
    services.plan_set_measures(plan=plan, measures=[kept, dropped], user=hannah)
    services.objective_save(objective=objective, measures=[kept, dropped], user=hannah)
    services.plan_set_measures(plan=plan, measures=[kept], user=hannah)
    assert list(objective.measures.all()) == [kept]


def test_an_objectives_measures_must_be_service_targets_of_the_plan(
    objective: Objective, waste: Service, hannah: User
) -> None:
    (outside,) = waste_measures(waste, 1)
    with pytest.raises(PlanError, match="must be service targets of the plan: WST-00 is not"):
        services.objective_save(objective=objective, measures=[outside], user=hannah)


def test_officers_cannot_write_plans(plan: ServicePlan, waste: Service, alice: User) -> None:
    with pytest.raises(PermissionDenied):
        services.plan_set_measures(plan=plan, measures=waste_measures(waste, 1), user=alice)
    with pytest.raises(PermissionDenied):
        services.plan_update(plan=plan, summary="Mine now", user=alice)


def test_changes_are_recorded_in_the_audit_trail(
    plan: ServicePlan, waste: Service, hannah: User
) -> None:
    services.plan_set_measures(plan=plan, measures=waste_measures(waste, 2), user=hannah)
    entry = ChangeRecord.objects.get(object_type="serviceplan", object_id=plan.pk)
    assert entry.user == hannah
    assert entry.period == "2027/28"
    assert entry.changes == {"measures": [None, "WST-00, WST-01"]}


# Sign-off: the head of service, in March, for the coming year


def test_only_the_head_of_service_signs_off(
    plan: ServicePlan, objective: Objective, pat: User, alice: User, hannah: User
) -> None:
    with at(date(2027, 3, 10)):
        for someone in (pat, alice):
            with pytest.raises(PermissionDenied, match="Only the head of Waste"):
                services.plan_sign_off(plan=plan, user=someone)
        services.plan_sign_off(plan=plan, user=hannah)
    plan.refresh_from_db()
    assert plan.is_signed_off and plan.signed_off_by == hannah
    assert not plan.signed_off_late


def test_a_plan_cannot_be_signed_off_before_march(
    plan: ServicePlan, objective: Objective, hannah: User
) -> None:
    with at(date(2027, 2, 28)), pytest.raises(PlanError, match="from 1 March 2027"):
        services.plan_sign_off(plan=plan, user=hannah)
    with at(date(2027, 3, 1)):
        services.plan_sign_off(plan=plan, user=hannah)


def test_late_sign_off_during_the_year_is_allowed_and_noted(
    plan: ServicePlan, objective: Objective, hannah: User
) -> None:
    with at(date(2027, 6, 1)):
        services.plan_sign_off(plan=plan, user=hannah)
    plan.refresh_from_db()
    assert plan.signed_off_late
    entry = ChangeRecord.objects.get(object_type="serviceplan", action="approve")
    assert entry.reason == "Signed off late: 2027/28 started on 1 April 2027."


def test_a_plan_cannot_be_signed_off_after_its_year(
    plan: ServicePlan, objective: Objective, hannah: User
) -> None:
    with at(date(2028, 4, 1)), pytest.raises(PlanError, match="2027/28 has ended"):
        services.plan_sign_off(plan=plan, user=hannah)


def test_a_plan_needs_an_objective_to_be_signed_off(plan: ServicePlan, hannah: User) -> None:
    with at(date(2027, 3, 5)), pytest.raises(PlanError, match="at least one objective"):
        services.plan_sign_off(plan=plan, user=hannah)


# A signed-off plan is read only, except the progress of its actions


@pytest.fixture
def signed(plan: ServicePlan, objective: Objective, hannah: User) -> ServicePlan:
    with at(date(2027, 3, 15)):
        return services.plan_sign_off(plan=plan, user=hannah)


@pytest.fixture
def action(objective: Objective, alice: User) -> Action:
    return ActionFactory(objective=objective, owner=alice, title="Food waste trial")


def test_a_signed_off_plan_cannot_be_edited(
    action: Action, signed: ServicePlan, objective: Objective, waste: Service, pat: User
) -> None:
    attempts = [
        lambda: services.plan_update(plan=signed, summary="Changed", user=pat),
        lambda: services.plan_set_measures(
            plan=signed, measures=waste_measures(waste, 1), user=pat
        ),
        lambda: services.objective_save(
            objective=Objective(plan=signed, priority=objective.priority, title="New"),
            measures=None,
            user=pat,
        ),
        lambda: services.objective_delete(objective=objective, user=pat),
    ]
    for attempt in attempts:
        with pytest.raises(PlanError, match="is signed off"):
            attempt()
    for field, value in [("title", "Renamed"), ("owner", None), ("due", date(2027, 12, 1))]:
        stored = Action.objects.get(pk=action.pk)
        setattr(stored, field, value)
        with pytest.raises(PlanError, match="is signed off"):
            services.action_save(action=stored, user=pat)
    stored = Action.objects.get(pk=action.pk)
    stored.objective = None
    with pytest.raises(PlanError, match="is signed off"):
        services.action_save(action=stored, user=pat)
    signed.refresh_from_db()
    assert signed.summary == "Better, cheaper, greener."
    assert Action.objects.get(pk=action.pk).title == "Food waste trial"
    assert Objective.objects.filter(plan=signed).count() == 1


def test_the_owner_updates_progress_of_a_signed_off_plans_action(
    action: Action, signed: ServicePlan, alice: User
) -> None:
    services.action_update_progress(
        action=action,
        status=Action.Status.DONE,
        progress="Trial ran in Headington.",
        completed_on=None,
        user=alice,
    )
    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert action.completed_on == date(2026, 11, 26)
    entry = ChangeRecord.objects.get(object_type="action", object_id=action.pk)
    assert entry.changes["status"] == ["not_started", "done"]


def test_the_head_may_save_progress_through_the_full_form_of_a_signed_off_action(
    action: Action, signed: ServicePlan, hannah: User
) -> None:
    stored = Action.objects.get(pk=action.pk)
    stored.status = Action.Status.IN_PROGRESS
    stored.progress = "Started"
    services.action_save(action=stored, user=hannah)
    assert Action.objects.get(pk=action.pk).status == Action.Status.IN_PROGRESS


def test_other_officers_cannot_update_progress(action: Action, bob: User, dora: User) -> None:
    for someone in (bob, dora):
        with pytest.raises(PermissionDenied):
            services.action_update_progress(
                action=action, status="done", progress="", completed_on=None, user=someone
            )


def test_completion_dates_belong_to_done_actions_and_the_past(action: Action, alice: User) -> None:
    with pytest.raises(PlanError, match="Only a done action has a completion date"):
        services.action_update_progress(
            action=action,
            status=Action.Status.IN_PROGRESS,
            progress="",
            completed_on=date(2026, 11, 1),
            user=alice,
        )
    with pytest.raises(PlanError, match="cannot be in the future"):
        services.action_update_progress(
            action=action, status="done", progress="", completed_on=date(2026, 12, 1), user=alice
        )


def test_an_appraisal_target_needs_an_owner(objective: Objective, hannah: User) -> None:
    orphan = Action(
        service=objective.plan.service, objective=objective, title="X", is_appraisal_target=True
    )
    with pytest.raises(PlanError, match="needs an owner") as refused:
        services.action_save(action=orphan, user=hannah)
    assert refused.value.field == "owner"


def test_an_action_joins_only_its_own_services_plan(
    objective: Objective, housing: Service, pat: User
) -> None:
    stray = ActionFactory(objective=None, service=housing, source=Action.Source.FEEDBACK)
    with pytest.raises(PlanError, match="choose one of Housing's objectives"):
        services.action_attach(action=stray, objective=objective, user=pat)


def test_an_unattached_action_is_added_to_the_plan(
    objective: Objective, waste: Service, hannah: User
) -> None:
    found = ActionFactory(objective=None, service=waste, source=Action.Source.MYSTERY_SHOPPING)
    services.action_attach(action=found, objective=objective, user=hannah)
    found.refresh_from_db()
    assert found.objective == objective
    assert found.source == Action.Source.MYSTERY_SHOPPING


# Reopening


def test_only_the_performance_team_reopens_with_a_reason(
    signed: ServicePlan, hannah: User, pat: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.plan_reopen(plan=signed, user=hannah, reason="Oops")
    with pytest.raises(PlanError, match="Give the reason"):
        services.plan_reopen(plan=signed, user=pat, reason="  ")
    services.plan_reopen(plan=signed, user=pat, reason="Budget cut in February")
    signed.refresh_from_db()
    assert signed.status == ServicePlan.Status.DRAFT and signed.signed_off_by is None
    entry = ChangeRecord.objects.get(object_type="serviceplan", action="return")
    assert entry.reason == "Budget cut in February" and entry.user == pat


# Copying last year's plan


def test_next_years_plan_starts_from_this_years(
    waste: Service, priority: Priority, alice: User, hannah: User
) -> None:
    current = MeasureFactory(service=waste, code="WST-01")
    ending = MeasureFactory(service=waste, code="WST-02", active_to=2026)
    last = ServicePlanFactory(service=waste, year=2026, summary="Keep Oxford clean.")
    last.measures.set([current, ending])
    objective = ObjectiveFactory(plan=last, priority=priority, title="Recycle more", order=2)
    objective.measures.set([current, ending])
    open_action = ActionFactory(
        objective=objective,
        owner=alice,
        due=date(2028, 2, 29),
        status=Action.Status.IN_PROGRESS,
        progress="Half way",
        is_appraisal_target=True,
    )
    ActionFactory(objective=objective, status=Action.Status.DONE, completed_on=date(2026, 6, 1))

    plan = services.plan_copy_forward(previous=last, user=hannah)

    assert (plan.year, plan.status, plan.copied_from) == (2027, "draft", last)
    assert plan.summary == "Keep Oxford clean."
    assert list(plan.measures.all()) == [current]
    (copy,) = plan.objectives.all()
    assert (copy.title, copy.priority, copy.order) == ("Recycle more", priority, 2)
    assert list(copy.measures.all()) == [current]
    (action,) = copy.actions.all()
    assert action.pk != open_action.pk
    assert (action.title, action.owner, action.due) == (open_action.title, alice, date(2029, 2, 28))
    assert (action.status, action.progress, action.is_appraisal_target) == (
        "not_started",
        "",
        False,
    )
    assert Action.objects.get(pk=open_action.pk).objective == objective  # the original stays


def test_copying_refuses_when_next_years_plan_exists(waste: Service, hannah: User) -> None:
    last = ServicePlanFactory(service=waste, year=2026)
    ServicePlanFactory(service=waste, year=2027)
    with pytest.raises(PlanError, match="already has a plan for 2027/28"):
        services.plan_copy_forward(previous=last, user=hannah)


def test_a_second_plan_for_the_same_year_is_refused(waste: Service, hannah: User) -> None:
    services.plan_create(service=waste, year=2027, user=hannah)
    with pytest.raises(PlanError, match="already has a plan for 2027/28"):
        services.plan_create(service=waste, year=2027, user=hannah)


def test_plans_are_started_up_to_next_year_only(waste: Service, hannah: User) -> None:
    with pytest.raises(PlanError, match="2000/01 to 2027/28, not 2028"):
        services.plan_create(service=waste, year=2028, user=hannah)
    with pytest.raises(PlanError, match="not 1999"):
        services.plan_create(service=waste, year=1999, user=hannah)
