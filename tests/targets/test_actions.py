"""The one Action service (targets.plans.actions): its rules hold whoever calls, each change
writes one audit record, and a source's link holds the actions it made."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from feedback.models import Arrangement, Round
from targets.models import Action, ChangeRecord, Objective, Priority, Service, ServicePlan, User
from targets.plans import actions
from targets.plans.actions import Link, PlanError
from tests.factories import ActionFactory, ObjectiveFactory, ServicePlanFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def november_2026() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def objective(waste: Service, priority: Priority) -> Objective:
    return ObjectiveFactory(plan=ServicePlanFactory(service=waste, year=2026), priority=priority)


@pytest.fixture
def signed(objective: Objective) -> Objective:
    ServicePlan.objects.filter(pk=objective.plan_id).update(status=ServicePlan.Status.SIGNED_OFF)
    return Objective.objects.select_related("plan__service").get(pk=objective.pk)


def records(action: Action) -> list[ChangeRecord]:
    return list(ChangeRecord.objects.filter(object_type="action", object_id=action.pk))


def test_a_new_action_is_recorded_once_with_its_plans_year(
    objective: Objective, waste: Service, hannah: User
) -> None:
    made = actions.action_create(
        action=Action(service=waste, objective=objective, title="Trial food waste"), user=hannah
    )
    (entry,) = records(made)
    assert (entry.action, entry.user, entry.period) == ("create", hannah, "2026/27")
    assert entry.changes["title"] == [None, "Trial food waste"]


def test_each_change_writes_one_record_and_no_change_writes_none(
    objective: Objective, hannah: User
) -> None:
    action = ActionFactory(objective=objective, title="Old")
    action.title = "New"
    actions.action_update(action=action, user=hannah)
    actions.action_update(action=action, user=hannah)  # nothing changed
    (entry,) = records(action)
    assert entry.changes == {"title": ["Old", "New"]}


def test_a_signed_off_plan_keeps_what_it_fixed_whoever_calls(
    signed: Objective, alice: User, pat: User
) -> None:
    action = ActionFactory(objective=signed, owner=alice, title="Fixed", due=date(2027, 1, 31))
    for field, value in [
        ("title", "Renamed"),
        ("owner", None),
        ("due", date(2027, 6, 1)),
        ("description", "Changed"),
        ("objective", None),
    ]:
        changed = Action.objects.get(pk=action.pk)
        setattr(changed, field, value)
        with pytest.raises(PlanError, match="is signed off") as refused:
            actions.action_update(action=changed, user=pat)
        assert refused.value.field == field
    assert Action.objects.get(pk=action.pk).title == "Fixed"
    assert records(action) == []


def test_a_signed_off_plans_action_still_makes_progress(signed: Objective, alice: User) -> None:
    action = ActionFactory(objective=signed, owner=alice)
    actions.action_progress(
        action=action, status="in_progress", progress=" Started ", completed_on=None, user=alice
    )
    done = actions.action_complete(action=action, user=alice)
    assert (done.status, done.progress, done.completed_on) == ("done", "Started", TODAY)
    assert [r.changes.get("status") for r in records(action)] == [
        ["in_progress", "done"],
        ["not_started", "in_progress"],
    ]


def test_only_a_head_or_the_performance_team_add_to_a_signed_off_plan(
    signed: Objective, waste: Service, alice: User, hannah: User
) -> None:
    with pytest.raises(PlanError, match="only the head of service or the performance team"):
        actions.action_create(
            action=Action(service=waste, objective=signed, title="From feedback"), user=alice
        )
    made = actions.action_create(
        action=Action(service=waste, objective=signed, title="From feedback"), user=hannah
    )
    assert made.objective == signed


def test_an_action_joins_only_its_own_services_plan(
    objective: Objective, housing: Service, pat: User
) -> None:
    with pytest.raises(PlanError, match="choose one of Housing's objectives") as refused:
        actions.action_create(
            action=Action(service=housing, objective=objective, title="Stray"), user=pat
        )
    assert refused.value.field == "objective"


def test_a_cancelled_action_has_no_completion_date(objective: Objective, alice: User) -> None:
    action = ActionFactory(objective=objective, status="done", completed_on=date(2026, 10, 1))
    cancelled = actions.action_cancel(action=action, user=alice, progress="Not needed")
    assert (cancelled.status, cancelled.completed_on) == ("cancelled", None)
    with pytest.raises(PlanError, match="Only a done action has a completion date"):
        actions.action_progress(
            action=action,
            status="cancelled",
            progress=None,
            completed_on=TODAY,
            user=alice,
        )


def test_a_completion_date_is_never_in_the_future(objective: Objective, alice: User) -> None:
    action = ActionFactory(objective=objective)
    with pytest.raises(PlanError, match="cannot be in the future"):
        actions.action_complete(action=action, user=alice, completed_on=date(2026, 12, 1))


def test_an_appraisal_target_needs_an_owner(objective: Objective, waste: Service) -> None:
    orphan = Action(service=waste, objective=objective, title="X", is_appraisal_target=True)
    with pytest.raises(PlanError, match="needs an owner"):
        actions.action_create(action=orphan, user=UserFactory())


def test_a_link_holds_what_it_made_and_changes_only_its_own(waste: Service, hannah: User) -> None:
    arrangement = Arrangement.objects.create(
        service=waste, title="Survey", kind="survey", frequency="annual"
    )
    first = Round.objects.create(
        arrangement=arrangement, started=date(2026, 4, 1), ended=date(2026, 4, 30)
    )
    other = Round.objects.create(
        arrangement=arrangement, started=date(2026, 10, 1), ended=date(2026, 10, 31)
    )
    made = actions.action_create(
        action=Action(service=waste, title="Call back", source="feedback"),
        user=hannah,
        link=Link(first, "actions"),
    )
    assert list(first.actions.all()) == [made]
    made.title = "Call back within a day"
    with pytest.raises(PlanError, match="is not one of this"):
        actions.action_update(action=made, user=hannah, link=Link(other, "actions"))
    actions.action_update(action=made, user=hannah, link=Link(first, "actions"))
    assert Action.objects.get(pk=made.pk).title == "Call back within a day"


def test_deleting_records_what_the_action_held_and_spares_signed_off_plans(
    objective: Objective, signed: Objective, pat: User
) -> None:
    kept = ActionFactory(objective=signed, title="Kept")
    with pytest.raises(PlanError, match="is signed off"):
        actions.action_delete(action=kept, user=pat)
    ServicePlan.objects.filter(pk=signed.plan_id).update(status=ServicePlan.Status.DRAFT)
    actions.action_delete(action=kept, user=pat)
    entry = ChangeRecord.objects.get(object_type="action", action="delete")
    assert entry.changes["title"] == ["Kept", None]
    assert not Action.objects.filter(pk=kept.pk).exists()
