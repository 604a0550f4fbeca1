"""/api/v1/feedback/…: arrangements, rounds and complaints, read with filters; complaints only for
staff who see internal values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from feedback.models import Arrangement, Round
from targets.models import Service, User
from tests.feedback.conftest import import_csv

pytestmark = pytest.mark.django_db


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def data(waste: Service, housing: Service, customer_services: Service, alice: User) -> None:
    survey = Arrangement.objects.create(
        service=waste, kind="customer_survey", title="Bins", frequency="twice_yearly", owner=alice
    )
    Arrangement.objects.create(
        service=housing, kind="focus_group", title="Tenants", frequency="quarterly"
    )
    Round.objects.create(
        arrangement=survey,
        started=date(2026, 4, 1),
        ended=date(2026, 9, 30),
        result="score",
        score=Decimal("4.2"),
        scale_min=1,
        scale_max=5,
        satisfaction=Decimal("80.0"),
    )
    import_csv(
        "reference,service,received,due,responded,stage,kind\n"
        "C-1,waste,2026-09-01,2026-09-15,2026-09-14,1,complaint\n"
        "C-2,housing,2026-09-02,2026-09-16,2026-09-30,2,complaint\n"
        "K-1,waste,2026-09-03,,,,compliment\n"
    )


def test_arrangements_and_rounds_with_filters(data: None, sam: User) -> None:
    body = api(sam).get("/api/v1/feedback/arrangements/?service=waste").json()
    assert [a["title"] for a in body["results"]] == ["Bins"]
    assert body["results"][0]["owner"] == "alice"
    rounds = api(sam).get("/api/v1/feedback/rounds/?service=waste&ended_after=2026-09-01").json()
    assert rounds["results"][0]["satisfaction"] == "80.0"
    assert rounds["results"][0]["service"] == "waste"
    assert api(sam).get("/api/v1/feedback/rounds/?service=housing").json()["count"] == 0


def test_complaints_with_filters(data: None, alice: User) -> None:
    client = api(alice)
    body = client.get("/api/v1/feedback/complaints/?kind=complaint&stage=2").json()
    assert [c["reference"] for c in body["results"]] == ["C-2"]
    assert body["results"][0] == {
        "reference": "C-2",
        "kind": "complaint",
        "service": "housing",
        "received": "2026-09-02",
        "due": "2026-09-16",
        "responded": "2026-09-30",
        "stage": "2",
        "outcome": "",
    }
    assert client.get("/api/v1/feedback/complaints/K-1/").json()["kind"] == "compliment"
    assert client.get("/api/v1/feedback/complaints/?received_after=bad").status_code == 400


def test_scrutiny_members_see_no_complaints(data: None, sam: User) -> None:
    assert api(sam).get("/api/v1/feedback/complaints/").json()["count"] == 0
    assert api(sam).get("/api/v1/feedback/complaints/C-1/").status_code == 404


def test_the_api_needs_a_sign_in(data: None) -> None:
    assert APIClient().get("/api/v1/feedback/rounds/").status_code in (401, 403)


def test_the_schema_names_the_endpoints(alice: User) -> None:
    schema = api(alice).get("/api/schema/?format=json").json()
    for path in ("arrangements", "rounds", "complaints"):
        assert f"/api/v1/feedback/{path}/" in schema["paths"]
