"""Benchmarking exercises, the compliance view and the good practice library."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from benchmarking.models import Exercise, GoodPractice
from benchmarking.services import compliance
from targets.models import Service, User
from tests.conftest import client_for
from tests.factories import ServiceFactory

pytestmark = [pytest.mark.django_db]
THIS_YEAR = 2026


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 20, 12, tzinfo=UTC), tick=False)


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def exercise(service: Service, **fields: Any) -> Exercise:
    fields = {
        "year": THIS_YEAR,
        "title": "Recycling with our neighbours",
        "sector": "within",
        "partner": "CIPFA nearest neighbours",
        "scope": "Recycling rates",
        "status": "complete",
        **fields,
    }
    return Exercise.objects.create(service=service, **fields)


FORM = {
    "year": str(THIS_YEAR),
    "title": "Collection costs",
    "sector": "within",
    "partner": "APSE",
    "scope": "Cost per household",
    "status": "planned",
}


def test_a_head_of_service_records_an_exercise_of_their_service(
    hannah: User, waste: Service
) -> None:
    response = client_for(hannah).post(
        "/benchmarking/exercises/new/", {**FORM, "service": waste.pk}
    )
    saved = Exercise.objects.get()
    assert response.status_code == 302 and response["Location"] == saved.get_absolute_url()
    assert (saved.service, saved.year, saved.lead) == (waste, THIS_YEAR, hannah)


def test_a_head_cannot_choose_another_service(hannah: User, housing: Service) -> None:
    response = client_for(hannah).post(
        "/benchmarking/exercises/new/", {**FORM, "service": housing.pk}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in soup(response).select_one(".error-summary").get_text()
    assert not Exercise.objects.exists()


def test_a_head_cannot_change_another_services_exercise(hannah: User, housing: Service) -> None:
    other = exercise(housing)
    assert client_for(hannah).get(f"/benchmarking/exercises/{other.pk}/edit/").status_code == 403


@pytest.mark.parametrize("persona", ["alice", "carol", "sam"])
def test_people_who_do_not_manage_a_service_cannot_record_exercises(
    request: pytest.FixtureRequest, persona: str, waste: Service
) -> None:
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get("/benchmarking/exercises/new/").status_code == 403
    assert (
        client.post("/benchmarking/exercises/new/", {**FORM, "service": waste.pk}).status_code
        == 403
    )
    assert client.get("/benchmarking/exercises/").status_code == 200  # but they may read


def test_the_performance_team_records_for_any_service(pat: User, housing: Service) -> None:
    response = client_for(pat).post("/benchmarking/exercises/new/", {**FORM, "service": housing.pk})
    assert response.status_code == 302


def test_results_that_vary_widely_need_a_follow_up(hannah: User, waste: Service) -> None:
    client = client_for(hannah)
    data = {**FORM, "service": waste.pk, "results_vary": "on"}
    response = client.post("/benchmarking/exercises/new/", data)
    assert response.status_code == 400
    assert "Say how the service will follow up" in soup(response).get_text()
    response = client.post("/benchmarking/exercises/new/", {**data, "follow_up": "Visit them."})
    assert response.status_code == 302


def test_an_exercise_is_changed_and_shown(hannah: User, waste: Service) -> None:
    found = exercise(waste)
    client = client_for(hannah)
    response = client.post(
        f"/benchmarking/exercises/{found.pk}/edit/",
        {**FORM, "service": waste.pk, "findings": "We are second quartile."},
    )
    assert response.status_code == 302
    page = soup(client.get(found.get_absolute_url()))
    assert "We are second quartile." in page.get_text()
    assert page.select_one(f'a[href="/benchmarking/exercises/{found.pk}/edit/"]') is not None


def test_the_list_is_filtered_by_service_year_and_sector(
    carol: User, waste: Service, housing: Service
) -> None:
    exercise(waste, title="Waste this year")
    exercise(waste, title="Waste last year", year=THIS_YEAR - 1)
    exercise(housing, title="Housing outside", sector="outside")
    client = client_for(carol)

    def titles(**params: str) -> list[str]:
        page = soup(client.get("/benchmarking/exercises/", params))
        return [a.get_text(strip=True) for a in page.select("tbody th a")]

    assert titles(service="waste", year=str(THIS_YEAR)) == ["Waste this year"]
    assert titles(sector="outside") == ["Housing outside"]
    api = client.get("/api/v1/benchmarks/exercises/", {"service": "waste"}).json()
    assert sorted(e["title"] for e in api["results"]) == ["Waste last year", "Waste this year"]


def test_compliance_lists_services_without_a_within_sector_exercise(
    carol: User, waste: Service, housing: Service
) -> None:
    planning = ServiceFactory(code="planning", name="Planning")
    revenues = ServiceFactory(code="revenues", name="Revenues")
    exercise(waste)  # complete, within sector: met
    exercise(housing, sector="outside")  # outside only: not met
    exercise(planning, status="planned")  # planned only
    exercise(revenues, year=THIS_YEAR - 1)  # last year only
    exercise(revenues, status="cancelled")
    rows = {r.service.code: r.status for r in compliance(THIS_YEAR)}
    assert rows == {
        "waste": "met",
        "housing": "missing",
        "planning": "planned",
        "revenues": "missing",
    }
    page = soup(client_for(carol).get("/benchmarking/compliance/"))
    missing = [li.get_text(" ", strip=True) for li in page.select("main ul:not(.subnav) li")]
    assert missing == [
        "Housing : no within-sector exercise.",
        "Revenues : no within-sector exercise.",
        "Planning : within-sector exercise planned only.",
    ]
    last_year = soup(client_for(carol).get("/benchmarking/compliance/", {"year": THIS_YEAR - 1}))
    assert "2025/26" in last_year.select_one("h1").get_text()


def test_good_practice_is_added_and_searched(
    hannah: User, carol: User, waste: Service, housing: Service
) -> None:
    found = exercise(waste)
    response = client_for(hannah).post(
        "/benchmarking/good-practice/new/",
        {
            "service": waste.pk,
            "exercise": found.pk,
            "topic": "Food waste",
            "title": "Weekly food waste from flats",
            "description": "Communal bins in every block.",
            "found_at": "A neighbouring district",
            "year": str(THIS_YEAR),
        },
    )
    assert response.status_code == 302
    GoodPractice.objects.create(
        service=waste,
        topic="Contamination",
        title="Bin tags",
        description="Tag bins.",
        found_at="Another district",
        year=THIS_YEAR,
    )
    client = client_for(carol)

    def titles(**params: str) -> list[str]:
        page = soup(client.get("/benchmarking/good-practice/", params))
        return [h.get_text(strip=True) for h in page.select("article h2")]

    assert titles() == ["Bin tags", "Weekly food waste from flats"]
    assert titles(topic="Food waste") == ["Weekly food waste from flats"]
    assert titles(q="communal") == ["Weekly food waste from flats"]
    assert titles(service="housing") == []
    api = client.get("/api/v1/benchmarks/good-practice/", {"q": "tag"}).json()
    assert [g["title"] for g in api["results"]] == ["Bin tags"]


def test_good_practice_of_another_service_is_refused(hannah: User, housing: Service) -> None:
    response = client_for(hannah).post(
        "/benchmarking/good-practice/new/",
        {
            "service": housing.pk,
            "topic": "x",
            "title": "x",
            "description": "x",
            "found_at": "x",
            "year": str(THIS_YEAR),
        },
    )
    assert response.status_code == 400
    assert not GoodPractice.objects.exists()
    assert client_for(hannah).get("/benchmarking/good-practice/new/").status_code == 200


def test_anonymous_visitors_see_nothing() -> None:
    for path in (
        "/benchmarking/exercises/",
        "/benchmarking/compliance/",
        "/benchmarking/good-practice/",
    ):
        assert Client().get(path).status_code == 302
