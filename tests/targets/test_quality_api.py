"""/api/v1/dq-procedures/ and /api/v1/dq-audits/: read only, for council staff, filtered."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from targets.models import Measure, Service, User
from tests.conftest import client_for
from tests.factories import MeasureFactory
from tests.targets.quality_data import action, done_audit, procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def audits(waste: Service, housing: Service, alice: User, pat: User) -> dict[str, Measure]:
    bins = MeasureFactory(code="WST-01", service=waste, updater=alice)
    rents = MeasureFactory(code="HOU-01", service=housing)
    done_audit(bins, "2026-04", result="fail", auditor=pat, actions=[action(bins, owner=alice)])
    done_audit(rents, "2026-04", auditor=pat)
    done_audit(rents, "2026-05", result="concern")
    procedure(bins, date(2025, 4, 1))
    procedure(rents, date(2026, 4, 1))
    return {"bins": bins, "rents": rents}


def codes(client: Client, url: str, **params: str) -> list[tuple[str, str]]:
    response = client.get(url, params)
    assert response.status_code == 200
    return [(r["measure"], r.get("month", "")) for r in response.json()["results"]]


def test_audits_filter_by_service_measure_result_and_month(audits: object, carol: User) -> None:
    client = client_for(carol)
    url = "/api/v1/dq-audits/"
    assert codes(client, url) == [
        ("HOU-01", "2026-05"),
        ("HOU-01", "2026-04"),
        ("WST-01", "2026-04"),
    ]
    assert codes(client, url, service="waste") == [("WST-01", "2026-04")]
    assert codes(client, url, measure="HOU-01", month="2026-04") == [("HOU-01", "2026-04")]
    assert codes(client, url, result="concern") == [("HOU-01", "2026-05")]
    assert codes(client, url, year="2025/26") == []


def test_an_audit_has_its_six_dimensions_and_actions(audits: object, carol: User) -> None:
    row = client_for(carol).get("/api/v1/dq-audits/", {"service": "waste"}).json()["results"][0]
    assert row["result"] == "fail" and row["accuracy"] == "fail" and row["auditor"] == "pat"
    assert row["service"] == "waste" and row["status"] == "done"
    assert [(a["owner"], a["status"]) for a in row["actions"]] == [("alice", "not_started")]


def test_bad_filters_are_refused(audits: object, carol: User) -> None:
    response = client_for(carol).get("/api/v1/dq-audits/", {"result": "maybe"})
    assert response.status_code == 400
    assert "result" in response.json()


def test_procedures_filter_and_show_overdue(audits: object, alice: User) -> None:
    client = client_for(alice)
    url = "/api/v1/dq-procedures/"
    assert [r["measure"] for r in client.get(url).json()["results"]] == ["HOU-01", "WST-01"]
    overdue = client.get(url, {"overdue_on": "2026-05-01"}).json()["results"]
    assert [(r["measure"], r["next_review_due"], r["owner"]) for r in overdue] == [
        ("WST-01", "2026-04-01", "alice")
    ]
    assert [r["measure"] for r in client.get(url, {"service": "housing"}).json()["results"]] == [
        "HOU-01"
    ]


def test_scrutiny_sees_nothing_and_anonymous_is_refused(audits: object, sam: User) -> None:
    for url in ("/api/v1/dq-audits/", "/api/v1/dq-procedures/"):
        assert client_for(sam).get(url).json()["results"] == []
        assert Client().get(url).status_code in (401, 403)


def test_the_api_is_read_only(audits: object, pat: User) -> None:
    response = client_for(pat).post("/api/v1/dq-audits/", {}, content_type="application/json")
    assert response.status_code == 405
