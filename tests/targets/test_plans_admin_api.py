"""Plans in the admin (the same rules as the pages) and in the read-only API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

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
from tests.conftest import client_for
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanningMilestoneFactory,
    ServicePlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november_2026() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def measures(waste: Service) -> list[Measure]:
    return [MeasureFactory(service=waste, code=f"WST-{i:02d}") for i in range(21)]


def plan_form(service: Service, measures: list[Measure]) -> dict[str, object]:
    return {
        "service": service.pk,
        "year": 2027,
        "summary": "From the admin",
        "measures": [m.pk for m in measures],
        "objectives-TOTAL_FORMS": "0",
        "objectives-INITIAL_FORMS": "0",
        "objectives-MIN_NUM_FORMS": "0",
        "objectives-MAX_NUM_FORMS": "1000",
    }


def test_admin_refuses_a_plan_with_21_service_targets(
    pat: User, waste: Service, measures: list[Measure]
) -> None:
    client = client_for(pat)
    response = client.post("/admin/targets/serviceplan/add/", plan_form(waste, measures))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["measures"]
    assert "at most 20 service targets: 21 were chosen" in errors[0]
    assert not ServicePlan.objects.exists()
    response = client.post("/admin/targets/serviceplan/add/", plan_form(waste, measures[:20]))
    assert response.status_code == 302
    plan = ServicePlan.objects.get()
    assert plan.measures.count() == 20
    assert ChangeRecord.objects.filter(object_type="serviceplan", source="admin").count() == 2


def test_admin_refuses_another_services_measure(
    pat: User, waste: Service, housing: Service
) -> None:
    other = MeasureFactory(service=housing, code="HOU-01")
    response = client_for(pat).post("/admin/targets/serviceplan/add/", plan_form(waste, [other]))
    assert (
        "HOU-01 belong to other services"
        in response.context["adminform"].form.errors["measures"][0]
    )


def test_admin_keeps_a_signed_off_plan_read_only_but_for_progress(
    pat: User, waste: Service, priority: Priority, alice: User
) -> None:
    plan = ServicePlanFactory(service=waste, year=2026, status=ServicePlan.Status.SIGNED_OFF)
    objective = ObjectiveFactory(plan=plan, priority=priority)
    action = ActionFactory(objective=objective, owner=alice, title="Food waste trial")
    client = client_for(pat)
    page = client.get(f"/admin/targets/serviceplan/{plan.pk}/change/")
    assert set(page.context["adminform"].form.fields) == set()
    response = client.post(f"/admin/targets/serviceplan/{plan.pk}/change/", {"summary": "Changed"})
    assert response.status_code == 200  # refused with a message
    plan.refresh_from_db()
    assert plan.summary != "Changed"
    url = f"/admin/targets/action/{action.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert set(form.fields) == {"status", "progress", "completed_on"}
    response = client.post(
        url, {"title": "Renamed", "status": "in_progress", "progress": "Going", "completed_on": ""}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.status) == ("Food waste trial", "in_progress")
    assert (
        client.post(f"/admin/targets/action/{action.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Action.objects.filter(pk=action.pk).exists()


def test_api_lists_plans_with_objectives(
    carol: User, waste: Service, priority: Priority, measures: list[Measure]
) -> None:
    plan = ServicePlanFactory(service=waste, year=2026)
    plan.measures.set(measures[:2])
    objective = ObjectiveFactory(plan=plan, priority=priority, title="Recycle more")
    objective.measures.set(measures[:1])
    body = client_for(carol).get("/api/v1/plans/?service=waste&year=2026").json()
    (row,) = body["results"]
    assert row["service"] == "waste" and row["year_label"] == "2026/27"
    assert row["measures"] == ["WST-00", "WST-01"]
    assert row["objectives"][0]["title"] == "Recycle more"
    assert row["objectives"][0]["priority"]["number"] == 4
    assert row["objectives"][0]["measures"] == ["WST-00"]


def test_api_filters_actions(
    carol: User, waste: Service, housing: Service, priority: Priority, alice: User, bob: User
) -> None:
    objective = ObjectiveFactory(
        plan=ServicePlanFactory(service=waste, year=2026), priority=priority
    )
    mine = ActionFactory(objective=objective, owner=alice, is_appraisal_target=True)
    ActionFactory(objective=objective, owner=alice, status=Action.Status.DONE)
    ActionFactory(objective=None, service=housing, owner=bob, source=Action.Source.FEEDBACK)
    client = client_for(carol)

    def ids(query: str) -> list[int]:
        return [r["id"] for r in client.get(f"/api/v1/actions/?{query}").json()["results"]]

    assert len(ids("")) == 3
    assert ids("owner=alice&appraisal_target=true") == [mine.pk]
    assert len(ids("service=waste&status=not_started&year=2026")) == 1
    assert len(ids("in_plan=false")) == 1
    row = client.get(f"/api/v1/actions/{mine.pk}/").json()
    assert (row["owner"], row["priority"], row["service"]) == ("alice", 4, "waste")


def test_api_lists_milestones(carol: User) -> None:
    PlanningMilestoneFactory(title="Budget set", due=date(2027, 2, 20))
    PlanningMilestoneFactory(title="MTFS", due=date(2026, 10, 31), done_on=date(2026, 10, 30))
    body = client_for(carol).get("/api/v1/milestones/?year=2026&done=false").json()
    assert [r["title"] for r in body["results"]] == ["Budget set"]


def test_api_hides_plans_from_scrutiny(sam: User, waste: Service, priority: Priority) -> None:
    ObjectiveFactory(plan=ServicePlanFactory(service=waste), priority=priority)
    ActionFactory(objective=None, service=waste)
    client = client_for(sam)
    for endpoint in ("plans", "actions", "milestones"):
        assert client.get(f"/api/v1/{endpoint}/").json()["results"] == []


def test_objective_inline_in_admin_is_saved_through_the_rules(
    pat: User, waste: Service, priority: Priority
) -> None:
    plan = ServicePlanFactory(service=waste, year=2027)
    data = plan_form(waste, []) | {
        "objectives-TOTAL_FORMS": "1",
        "objectives-0-order": "1",
        "objectives-0-title": "Recycle more",
        "objectives-0-priority": priority.pk,
    }
    data.pop("service")
    data.pop("year")
    response = client_for(pat).post(f"/admin/targets/serviceplan/{plan.pk}/change/", data)
    assert response.status_code == 302
    objective = Objective.objects.get(plan=plan)
    assert ChangeRecord.objects.filter(object_type="objective", object_id=objective.pk).exists()
