"""A review's improvement actions go through the one Action service: on the review's pages and
through the API, an action of a signed-off service improvement plan keeps its title, owner and
due date (the plan's own pages refuse the same), while its progress still changes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from bs4 import BeautifulSoup
from rest_framework.test import APIClient

from fsr.models import Review
from targets.models import Action, ChangeRecord, Objective, Priority, Service, ServicePlan, User
from tests.conftest import client_for
from tests.factories import ActionFactory, ObjectiveFactory, ServicePlanFactory
from tests.fsr.conftest import review

pytestmark = [pytest.mark.django_db]

SIGNED_OFF = "is signed off: its actions' titles, owners and due dates cannot be changed"


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 20, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def in_plan(waste: Service, priority: Priority, hannah: User, alice: User) -> Action:
    """A review's action that joined the service's plan, since signed off."""
    plan = ServicePlanFactory(service=waste, year=2026)
    objective: Objective = ObjectiveFactory(plan=plan, priority=priority)
    action = ActionFactory(
        service=waste,
        objective=objective,
        source=Action.Source.REVIEW,
        title="Re-route the Tuesday rounds",
        owner=alice,
        due=date(2027, 1, 31),
    )
    plan.status = ServicePlan.Status.SIGNED_OFF
    plan.save()
    review(waste, status=Review.Status.IN_PROGRESS).actions.add(action)
    return action


def form(action: Action, **fields: str) -> dict[str, str]:
    return {
        "title": action.title,
        "description": action.description,
        "owner": str(action.owner_id or ""),
        "due": action.due.isoformat() if action.due else "",
        "status": action.status,
        "progress": action.progress,
        "completed_on": "",
        **fields,
    }


def url(action: Action) -> str:
    found = Review.objects.get(actions=action)
    return f"/fsr/reviews/{found.pk}/actions/{action.pk}/"


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_review_page_refuses_to_rename_an_action_of_a_signed_off_plan(
    in_plan: Action, hannah: User
) -> None:
    response = client_for(hannah).post(url(in_plan), form(in_plan, title="Renamed"))
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert SIGNED_OFF in page.get_text(" ", strip=True)
    assert Action.objects.get(pk=in_plan.pk).title == "Re-route the Tuesday rounds"
    assert not ChangeRecord.objects.filter(object_type="action", object_id=in_plan.pk).exists()


def test_the_review_page_still_records_progress_of_a_signed_off_plans_action(
    in_plan: Action, hannah: User
) -> None:
    response = client_for(hannah).post(
        url(in_plan), form(in_plan, status="in_progress", progress="Two rounds moved")
    )
    assert response.status_code == 302
    saved = Action.objects.get(pk=in_plan.pk)
    assert (saved.status, saved.progress) == ("in_progress", "Two rounds moved")
    (entry,) = ChangeRecord.objects.filter(object_type="action", object_id=in_plan.pk)
    assert entry.changes["status"] == ["not_started", "in_progress"]


def test_the_api_refuses_to_rename_an_action_of_a_signed_off_plan(
    in_plan: Action, hannah: User
) -> None:
    found = Review.objects.get(actions=in_plan)
    response = api(hannah).patch(
        f"/api/v1/reviews/{found.pk}/actions/{in_plan.pk}/", {"title": "Renamed"}, format="json"
    )
    assert response.status_code == 400
    assert SIGNED_OFF in json.dumps(response.json())
    assert list(response.json()) == ["title"]
    assert Action.objects.get(pk=in_plan.pk).title == "Re-route the Tuesday rounds"


def test_the_api_changes_progress_and_adds_actions(
    in_plan: Action, hannah: User, alice: User, waste: Service
) -> None:
    found = Review.objects.get(actions=in_plan)
    changed = api(hannah).patch(
        f"/api/v1/reviews/{found.pk}/actions/{in_plan.pk}/", {"status": "done"}, format="json"
    )
    assert changed.status_code == 200
    assert (changed.json()["status"], changed.json()["completed_on"]) == ("done", "2026-11-20")
    added = api(hannah).post(
        f"/api/v1/reviews/{found.pk}/actions/",
        {"title": "Trade waste charges", "owner": "alice", "due": "2027-03-31"},
        format="json",
    )
    assert added.status_code == 201
    made = Action.objects.get(pk=added.json()["id"])
    assert (made.service, made.source, made.owner) == (waste, "review", alice)
    assert found.actions.filter(pk=made.pk).exists()
    entry = ChangeRecord.objects.get(object_type="action", object_id=made.pk)
    assert (entry.action, entry.source) == ("create", "api")


def test_only_the_services_managers_change_a_reviews_actions_through_the_api(
    in_plan: Action, alice: User, bob: User
) -> None:
    found = Review.objects.get(actions=in_plan)
    path = f"/api/v1/reviews/{found.pk}/actions/{in_plan.pk}/"
    assert api(alice).patch(path, {"status": "done"}, format="json").status_code == 403
    assert api(bob).patch(path, {"status": "done"}, format="json").status_code == 404
    assert Action.objects.get(pk=in_plan.pk).status == "not_started"
