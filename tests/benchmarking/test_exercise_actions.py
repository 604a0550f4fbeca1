"""Benchmarking feeds planning: an exercise's findings raise improvement actions in the
service's plan (source "benchmarking", through the one Action service), and an outside-sector
exercise flagged as having potential is counted on the compliance page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from benchmarking.models import Exercise
from benchmarking.services import compliance
from targets.models import Action, ChangeRecord, Objective, Priority, Service, ServicePlan, User
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db]
YEAR = 2026


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 20, 12, tzinfo=UTC), tick=False)


def _exercise(service: Service, **fields: Any) -> Exercise:
    data = {
        "year": YEAR,
        "title": "Fleet costs with a courier firm",
        "sector": "outside",
        "partner": "A parcel courier",
        "scope": "Cost per vehicle mile",
        "findings": "Their route planning cuts empty miles by a fifth.",
        "status": "complete",
        **fields,
    }
    return Exercise.objects.create(service=service, **data)


@pytest.fixture
def objective(waste: Service, priority: Priority) -> Objective:
    plan = ServicePlan.objects.create(service=waste, year=YEAR, summary="Cleaner")
    return Objective.objects.create(plan=plan, priority=priority, title="Cheaper rounds")


ACTION = {
    "title": "Pilot route planning software on two rounds",
    "description": "",
    "owner": "",
    "due": "2027-02-28",
    "status": "not_started",
    "progress": "",
    "completed_on": "",
}


def test_the_head_raises_an_action_in_the_plan_from_the_findings(
    hannah: User, waste: Service, objective: Objective
) -> None:
    exercise = _exercise(waste)
    client = client_for(hannah)
    page = BeautifulSoup(
        client.get(f"/benchmarking/exercises/{exercise.pk}/").content, "html.parser"
    )
    assert page.find("a", href=f"/benchmarking/exercises/{exercise.pk}/actions/new/")
    response = client.post(
        f"/benchmarking/exercises/{exercise.pk}/actions/new/",
        {**ACTION, "objective": objective.pk},
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.source, action.service, action.objective) == ("benchmarking", waste, objective)
    assert list(exercise.actions.all()) == [action]
    assert ChangeRecord.objects.filter(object_type="action", object_id=action.pk).exists()
    page = BeautifulSoup(
        client.get(f"/benchmarking/exercises/{exercise.pk}/").content, "html.parser"
    )
    table = page.find("table", attrs={"aria-labelledby": "actions-title"})
    assert table is not None and "Pilot route planning" in table.get_text()
    assert "Cheaper rounds" in table.get_text()


def test_a_bad_action_is_refused_with_the_reason(hannah: User, waste: Service) -> None:
    exercise = _exercise(waste)
    response = client_for(hannah).post(
        f"/benchmarking/exercises/{exercise.pk}/actions/new/", {**ACTION, "due": ""}
    )
    assert response.status_code == 400
    assert not Action.objects.exists()


def test_only_who_manages_the_services_exercises_raises_actions(
    alice: User, bob: User, sam: User, waste: Service, pat: User
) -> None:
    exercise = _exercise(waste)
    url = f"/benchmarking/exercises/{exercise.pk}/actions/new/"
    for user in (alice, bob, sam):
        assert client_for(user).post(url, ACTION).status_code == 403
    assert not Action.objects.exists()
    assert client_for(pat).post(url, ACTION).status_code == 302
    assert Action.objects.get().objective is None  # no plan yet: kept outside one


def test_a_cancelled_exercise_raises_no_action(hannah: User, waste: Service) -> None:
    exercise = _exercise(waste, status="cancelled")
    response = client_for(hannah).post(
        f"/benchmarking/exercises/{exercise.pk}/actions/new/", ACTION
    )
    assert response.status_code == 400
    assert "cancelled" in response.content.decode()


def test_only_an_outside_sector_exercise_has_potential(waste: Service) -> None:
    with pytest.raises(ValidationError, match="outside-sector"):
        Exercise(
            service=waste,
            year=YEAR,
            title="x",
            sector="within",
            partner="p",
            scope="s",
            has_potential=True,
        ).full_clean()


def test_the_compliance_page_counts_outside_exercises_with_potential(
    waste: Service, housing: Service, pat: User
) -> None:
    _exercise(waste, has_potential=True)
    _exercise(waste, has_potential=False)
    _exercise(housing, has_potential=True, status="cancelled")  # cancelled: not counted
    _exercise(housing, has_potential=True, year=YEAR - 1)  # another year
    rows = {r.service.code: r for r in compliance(YEAR)}
    assert (rows["waste"].outside, rows["waste"].with_potential) == (2, 1)
    assert rows["housing"].with_potential == 0
    page = BeautifulSoup(
        client_for(pat).get("/benchmarking/compliance/?year=2026/27").content, "html.parser"
    )
    assert "flagged as having potential in 2026/27: 1" in " ".join(page.get_text().split())
    waste_row = next(r for r in page.select("tbody tr") if "Waste" in r.get_text())
    assert [td.get_text(strip=True) for td in waste_row.find_all("td")][-2] == "1"  # then shared


def test_the_api_shows_the_flag_and_the_actions(hannah: User, waste: Service) -> None:
    exercise = _exercise(waste, has_potential=True)
    action = Action.objects.create(
        service=waste, title="Routes", due=date(2027, 1, 1), source="benchmarking"
    )
    exercise.actions.add(action)
    body = client_for(hannah).get(f"/api/v1/benchmarks/exercises/{exercise.pk}/").json()
    assert body["has_potential"] is True and body["actions"] == [action.pk]
