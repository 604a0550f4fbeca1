"""/api/v1/oim/…: the same figures as the pages, the same permissions."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from rest_framework.test import APIClient

from oim.models import Accreditation, Idea, KeyProcess
from targets.models import Service, User
from tests.oim.conftest import YEAR, World

pytestmark = pytest.mark.django_db


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@time_machine.travel("2026-05-15 12:00 +0100", tick=False)
def test_assessments_list_ranked_with_missing_as_null(world: World, carol: User) -> None:
    body = api(carol).get(f"/api/v1/oim/assessments/?year={YEAR}").json()
    by_code = {row["service"]: row for row in body}
    assert [row["service"] for row in body][:4] == ["benefits", "housing", "ict", "waste"]
    assert by_code["waste"]["overall"] == "2.33"
    assert by_code["waste"]["candidate"]["kind"] == "fsr"
    planning = by_code["planning"]
    assert planning["rank"] is None and planning["quadrants"]["people"] is None
    assert planning["missing_quadrants"] == ["people", "performance"]
    line = next(f for f in planning["factors"] if f["name"] == "On target")
    assert (line["raw"], line["score"]) == (None, None)
    one = api(carol).get(f"/api/v1/oim/assessments/waste/?year={YEAR}").json()
    assert one["rank"] == 4


def test_scrutiny_reads_the_ranking_not_the_registers_and_strangers_nothing(
    sam: User, world: World
) -> None:
    for path in ("factors/", "key-processes/", "accreditations/"):
        assert api(sam).get(f"/api/v1/oim/{path}").status_code == 403
    for path in ("assessments/", "vfm/"):
        assert api(sam).get(f"/api/v1/oim/{path}").status_code == 200  # published values only
    for path in ("assessments/", "vfm/", "factors/", "key-processes/", "accreditations/"):
        assert APIClient().get(f"/api/v1/oim/{path}").status_code in {401, 403}
    assert api(sam).get("/api/v1/oim/ideas/").status_code == 200


def test_a_bad_year_is_a_400(carol: User) -> None:
    response = api(carol).get("/api/v1/oim/assessments/?year=19")
    assert response.status_code == 400
    assert "year" in response.json()


def test_vfm_rows(world: World, carol: User) -> None:
    rows = api(carol).get(f"/api/v1/oim/vfm/?year={YEAR}").json()
    waste = next(r for r in rows if r["service"] == "waste")
    assert waste["net_budget"] == "6500000.00"
    assert waste["priority"] is None and waste["missing"][0].startswith("cost quartile")
    assert api(carol).get(f"/api/v1/oim/vfm/?year={YEAR}&prioritised=true").json() == []


def test_ideas_are_submitted_as_new_whatever_is_sent(alice: User, waste: Service) -> None:
    response = api(alice).post(
        "/api/v1/oim/ideas/",
        {
            "title": "API idea",
            "description": "x",
            "service": "waste",
            "status": "approved",
            "amount_awarded": "5000",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    idea = Idea.objects.get()
    assert (idea.status, idea.amount_awarded, idea.submitter) == ("new", Decimal(0), alice)
    listed = api(alice).get("/api/v1/oim/ideas/?status=new").json()
    assert listed["count"] == 1 and listed["results"][0]["service"] == "waste"


def test_registers_filter(world: World, carol: User) -> None:
    KeyProcess.objects.filter(service__code="ict").update(next_review="2020-01-01")
    Accreditation.objects.create(
        scheme="lexcel", status="working_towards", service=world.services["ict"]
    )
    overdue = api(carol).get("/api/v1/oim/key-processes/?overdue=true").json()
    assert {row["service"] for row in overdue["results"]} == {"ict"}
    found = api(carol).get("/api/v1/oim/accreditations/?scheme=lexcel").json()
    assert found["count"] == 1
    factors = api(carol).get("/api/v1/oim/factors/?quadrant=cost").json()
    assert [f["name"] for f in factors["results"]] == ["Budget"]
