"""The plan pages, driven end to end through the test client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client

from targets import permissions
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
    ServicePlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def at(day: date) -> time_machine.travel:
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


@pytest.fixture(autouse=True)
def november_2026() -> Iterator[None]:
    with at(date(2026, 11, 26)):
        yield


def soup(response: object) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")  # type: ignore[attr-defined]


@pytest.fixture
def measures(waste: Service) -> list[Measure]:
    return [MeasureFactory(service=waste, code=f"WST-{i:02d}") for i in range(21)]


@pytest.fixture
def plan(waste: Service) -> ServicePlan:
    return ServicePlanFactory(service=waste, year=2027, summary="Cleaner streets.")


@pytest.fixture
def objective(plan: ServicePlan, priority: Priority) -> Objective:
    return ObjectiveFactory(plan=plan, priority=priority, title="Recycle more")


# Permissions


def test_who_may_do_what_with_plans(
    waste: Service, alice: User, bob: User, hannah: User, pat: User, carol: User, sam: User
) -> None:
    assert all(permissions.sees_plans(u) for u in (alice, bob, hannah, pat, carol))
    assert not permissions.sees_plans(sam)
    assert [permissions.can_edit_plan(u, waste) for u in (alice, bob, hannah, pat, carol)] == [
        False,
        False,
        True,
        True,
        False,
    ]
    assert [permissions.can_sign_off_plan(u, waste) for u in (alice, hannah, pat)] == [
        False,
        True,
        False,
    ]
    assert permissions.can_reopen_plan(pat) and not permissions.can_reopen_plan(hannah)


def test_officers_see_draft_plans_scrutiny_does_not(
    plan: ServicePlan, objective: Objective, alice: User, sam: User
) -> None:
    dave = UserFactory(username="dave")  # signed in, no role
    page = soup(client_for(alice).get("/plans/waste/2027/"))
    assert "Recycle more" in page.get_text()
    assert page.find("a", string="Change the summary and service targets") is None
    # Scrutiny reads signed-off plans only (issue 17): this draft is not shown.
    draft = client_for(sam).get("/plans/waste/2027/")
    assert draft.status_code == 200 and "Recycle more" not in draft.content.decode()
    assert client_for(sam).get("/plans/").status_code == 200
    # People with no role read no plan at all, and are not offered the link.
    assert client_for(dave).get("/plans/").status_code == 403
    nav = [a.get_text() for a in soup(client_for(dave).get("/my/")).select("nav .site-nav a")]
    assert "Plans" not in nav


def test_plan_list_shows_each_service_and_its_plan(
    plan: ServicePlan, housing: Service, objective: Objective, carol: User
) -> None:
    ActionFactory(objective=objective, due=date(2026, 10, 1))  # overdue
    page = soup(client_for(carol).get("/plans/?year=2027/28"))
    rows = {r.th.get_text(strip=True): r.get_text(" ", strip=True) for r in page.select("tbody tr")}
    assert "Draft" in rows["Waste and Recycling"]
    assert "Not started" in rows["Housing"]
    assert "1 signed off" not in page.get_text()
    assert client_for(carol).get("/plans/?year=banana").status_code == 400


# Starting a plan


def test_head_starts_an_empty_plan(waste: Service, hannah: User) -> None:
    client = client_for(hannah)
    page = soup(client.get("/plans/waste/2027/"))
    assert "has no plan for 2027/28 yet" in page.get_text()
    response = client.post("/plans/waste/2027/new/")
    assert response.status_code == 302
    assert ServicePlan.objects.get(service=waste, year=2027).status == "draft"


def test_head_starts_from_last_years_plan(waste: Service, priority: Priority, hannah: User) -> None:
    last = ServicePlanFactory(service=waste, year=2026)
    ObjectiveFactory(plan=last, priority=priority, title="Recycle more")
    client = client_for(hannah)
    page = soup(client.get("/plans/waste/2027/"))
    assert page.find("button", string="Start from the 2026/27 plan")
    response = client.post("/plans/waste/2027/copy/")
    assert response["Location"] == "/plans/waste/2027/"
    plan = ServicePlan.objects.get(service=waste, year=2027)
    assert plan.copied_from == last
    assert [o.title for o in plan.objectives.all()] == ["Recycle more"]
    again = client.post("/plans/waste/2027/copy/", follow=True)
    assert "already has a plan for 2027/28" in again.content.decode()


def test_officers_cannot_start_a_plan(waste: Service, alice: User) -> None:
    assert client_for(alice).post("/plans/waste/2027/new/").status_code == 403
    assert not ServicePlan.objects.exists()


# Editing a draft


def test_a_plan_with_21_service_targets_is_refused_on_the_page(
    plan: ServicePlan, measures: list[Measure], hannah: User
) -> None:
    client = client_for(hannah)
    data = {"summary": "More", "measures": [m.pk for m in measures]}
    response = client.post("/plans/waste/2027/edit/", data)
    assert response.status_code == 400
    page = soup(response)
    summary = page.select_one(".error-summary").get_text(" ", strip=True)
    assert "at most 20 service targets: 21 were chosen" in summary
    assert page.select_one(".error-summary a")["href"] == "#id_measures"
    assert plan.measures.count() == 0
    data["measures"] = [m.pk for m in measures[:20]]
    assert client.post("/plans/waste/2027/edit/", data).status_code == 302
    assert plan.measures.count() == 20
    plan.refresh_from_db()
    assert plan.summary == "More"


def test_the_edit_form_offers_only_the_services_measures(
    plan: ServicePlan, measures: list[Measure], housing: Service, hannah: User
) -> None:
    MeasureFactory(service=housing, code="HOU-01")
    page = soup(client_for(hannah).get("/plans/waste/2027/edit/"))
    labels = page.select("fieldset label")
    assert len(labels) == 21
    assert "HOU-01" not in page.get_text()


def test_objectives_and_actions_are_added(
    plan: ServicePlan, measures: list[Measure], priority: Priority, hannah: User, alice: User
) -> None:
    plan.measures.set(measures[:2])
    client = client_for(hannah)
    response = client.post(
        "/plans/waste/2027/objectives/new/",
        {
            "title": "Recycle more",
            "priority": priority.pk,
            "order": 1,
            "measures": [measures[0].pk],
        },
    )
    assert response.status_code == 302
    objective = plan.objectives.get()
    assert list(objective.measures.all()) == [measures[0]]
    response = client.post(
        "/plans/waste/2027/actions/new/",
        {
            "title": "Food waste trial",
            "objective": objective.pk,
            "owner": alice.pk,
            "due": "2027-09-30",
            "is_appraisal_target": "on",
            "status": "not_started",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(title="Food waste trial")
    assert (action.service, action.objective, action.owner) == (plan.service, objective, alice)
    assert action.is_appraisal_target
    assert ChangeRecord.objects.filter(object_type="action", object_id=action.pk).exists()


def test_an_appraisal_target_without_owner_is_refused_by_the_field(
    plan: ServicePlan, objective: Objective, hannah: User
) -> None:
    response = client_for(hannah).post(
        "/plans/waste/2027/actions/new/",
        {"title": "Orphan", "objective": objective.pk, "is_appraisal_target": "on",
         "status": "not_started"},
    )  # fmt: skip
    assert response.status_code == 400
    assert soup(response).select_one(".error-summary a")["href"] == "#id_owner"


def test_an_action_outside_the_plan_is_added_to_it(
    plan: ServicePlan, objective: Objective, waste: Service, hannah: User
) -> None:
    found = ActionFactory(
        objective=None, service=waste, source=Action.Source.FEEDBACK, title="Answer calls faster"
    )
    client = client_for(hannah)
    page = soup(client.get("/plans/waste/2027/"))
    outside = page.select_one("[aria-labelledby=outside-title]").get_text(" ", strip=True)
    assert "Answer calls faster" in outside and "Customer feedback" in outside
    response = client.post(f"/actions/{found.pk}/attach/", {"objective": objective.pk})
    assert response["Location"] == "/plans/waste/2027/"
    found.refresh_from_db()
    assert found.objective == objective


# Signing off


def test_head_signs_off_after_confirming(
    plan: ServicePlan, objective: Objective, hannah: User
) -> None:
    client = client_for(hannah)
    page = soup(client.get("/plans/waste/2027/"))
    assert "can be signed off from 1 March 2027" in page.get_text()
    assert page.find("a", string="Sign off the plan") is None
    response = client.post("/plans/waste/2027/sign-off/")
    assert response.status_code == 400
    assert "from 1 March 2027" in soup(response).select_one(".error-summary").get_text()
    with at(date(2027, 3, 12)):
        client = client_for(hannah)  # a new session: the old one expired in the meantime
        page = soup(client.get("/plans/waste/2027/"))
        assert page.find("a", string="Sign off the plan")
        confirm = soup(client.get("/plans/waste/2027/sign-off/"))
        assert confirm.find("button", string="Yes, sign off the plan")
        assert client.post("/plans/waste/2027/sign-off/").status_code == 302
    plan.refresh_from_db()
    assert plan.is_signed_off and plan.signed_off_by == hannah


def test_performance_team_cannot_sign_off(
    plan: ServicePlan, objective: Objective, pat: User
) -> None:
    with at(date(2027, 3, 12)):
        assert client_for(pat).post("/plans/waste/2027/sign-off/").status_code == 403
    plan.refresh_from_db()
    assert not plan.is_signed_off


@pytest.fixture
def signed(plan: ServicePlan, objective: Objective) -> ServicePlan:
    plan.status = ServicePlan.Status.SIGNED_OFF
    plan.save()
    return plan


def test_a_signed_off_plan_cannot_be_edited_on_the_pages(
    signed: ServicePlan, objective: Objective, measures: list[Measure], hannah: User, pat: User
) -> None:
    action = ActionFactory(objective=objective, title="Food waste trial")
    page = soup(client_for(hannah).get("/plans/waste/2027/"))
    assert "This plan is signed off" in page.get_text()
    assert page.find("a", string="Change the summary and service targets") is None
    for client in (client_for(hannah), client_for(pat)):
        edit = client.post("/plans/waste/2027/edit/", {"summary": "X", "measures": []})
        assert edit.status_code == 302
        objective_page = client.post(
            f"/plans/waste/2027/objectives/{objective.pk}/",
            {"title": "Renamed", "priority": objective.priority_id, "order": 0},
        )
        assert objective_page.status_code == 302
        assert (
            client.post(f"/plans/waste/2027/objectives/{objective.pk}/delete/").status_code == 302
        )
        assert client.get(f"/actions/{action.pk}/edit/")["Location"] == f"/actions/{action.pk}/"
        assert client.post("/plans/waste/2027/actions/new/", {"title": "New"}).status_code == 302
    signed.refresh_from_db()
    assert signed.summary == "Cleaner streets."
    assert Objective.objects.get(pk=objective.pk).title == "Recycle more"
    assert not Action.objects.filter(title="New").exists()


def test_the_owner_updates_progress_of_a_signed_off_plans_action(
    signed: ServicePlan, objective: Objective, alice: User, bob: User
) -> None:
    action = ActionFactory(objective=objective, owner=alice)
    client = client_for(alice)
    page = soup(client.get(f"/actions/{action.pk}/"))
    assert "Recycle more" in page.select_one("ol.thread").get_text()
    response = client.post(
        f"/actions/{action.pk}/",
        {"status": "in_progress", "progress": "Bins ordered.", "completed_on": ""},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", "Bins ordered.")
    assert client_for(bob).post(f"/actions/{action.pk}/", {"status": "done"}).status_code == 403


def test_progress_errors_are_shown_by_the_field(objective: Objective, alice: User) -> None:
    action = ActionFactory(objective=objective, owner=alice)
    response = client_for(alice).post(
        f"/actions/{action.pk}/",
        {"status": "in_progress", "progress": "", "completed_on": "2026-11-01"},
    )
    assert response.status_code == 400
    assert soup(response).select_one(".error-summary a")["href"] == "#id_completed_on"


def test_performance_team_reopens_with_a_reason(signed: ServicePlan, pat: User) -> None:
    client = client_for(pat)
    assert soup(client.get("/plans/waste/2027/")).find("a", string="Reopen the plan")
    response = client.post("/plans/waste/2027/reopen/", {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason" in soup(response).select_one(".error-summary").get_text()
    assert client.post("/plans/waste/2027/reopen/", {"reason": "New MTFS"}).status_code == 302
    signed.refresh_from_db()
    assert signed.status == "draft"


def test_pages_about_a_missing_plan_or_action_are_404(carol: User, waste: Service) -> None:
    client: Client = client_for(carol)
    assert client.get("/plans/nowhere/2027/").status_code == 404
    assert client.get("/actions/999/").status_code == 404
