from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from targets.models import ChangeRecord, Measure, Service, User, Value, ValueStatus
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def values(waste: Service) -> None:
    measure = MeasureFactory(code="WST-01", service=waste)
    for period, status in [
        ("2026-07", ValueStatus.PUBLISHED),
        ("2026-08", ValueStatus.APPROVED),
        ("2026-09", ValueStatus.SUBMITTED),
        ("2026-10", ValueStatus.DRAFT),
    ]:
        ValueFactory(measure=measure, period=period, actual=Decimal("1"), status=status)


def _periods(response: object) -> list[str]:
    return [row["period"] for row in response.json()["results"]]  # type: ignore[attr-defined]


def test_anonymous_api_request_is_refused_not_redirected() -> None:
    response = Client().get("/api/v1/measures/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/json"


def test_token_authentication_works(carol: User) -> None:
    token = Token.objects.create(user=carol)
    response = Client().get("/api/v1/services/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_measures_filter_by_service(carol: User, waste: Service, housing: Service) -> None:
    MeasureFactory(code="WST-01", service=waste)
    MeasureFactory(code="HOU-01", service=housing)
    response = client_for(carol).get("/api/v1/measures/", {"service": "housing"})
    assert [m["code"] for m in response.json()["results"]] == ["HOU-01"]


def test_management_sees_values_once_submitted(carol: User, values: None) -> None:
    assert _periods(client_for(carol).get("/api/v1/values/")) == ["2026-07", "2026-08", "2026-09"]


def test_officer_also_sees_drafts_of_own_service(alice: User, values: None) -> None:
    assert _periods(client_for(alice).get("/api/v1/values/")) == [
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
    ]


def test_other_service_officer_does_not_see_drafts(bob: User, values: None) -> None:
    assert "2026-10" not in _periods(client_for(bob).get("/api/v1/values/"))


def test_scrutiny_sees_published_values_only(sam: User, values: None) -> None:
    assert _periods(client_for(sam).get("/api/v1/values/")) == ["2026-07"]


def test_schema_and_docs_are_served(carol: User) -> None:
    client = client_for(carol)
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert "/api/v1/measures/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


@pytest.fixture
def wst(waste: Service) -> Measure:
    measure = MeasureFactory(code="WST-09", service=waste)
    TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    return measure


def test_officer_creates_and_submits_through_the_api(alice: User, wst: Measure) -> None:
    client = client_for(alice)
    response = client.post(
        "/api/v1/values/",
        {"measure": "WST-09", "period": "2026-10", "actual": "55", "commentary": "Fine."},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["version"]) == ("draft", 1)
    response = client.post(
        f"/api/v1/values/{body['id']}/submit/", {"version": 1}, content_type="application/json"
    )
    assert response.json()["status"] == "submitted"


def test_api_refuses_bad_period_and_number_with_clear_messages(alice: User, wst: Measure) -> None:
    response = client_for(alice).post(
        "/api/v1/values/",
        {"measure": "WST-09", "period": "2026-13", "actual": "lots"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "period": ["Period 2026-13 does not exist"],
        "actual": ["Value must be a number"],
    }


def test_api_red_needs_corrective_action(alice: User, wst: Measure) -> None:
    response = client_for(alice).post(
        "/api/v1/values/",
        {"measure": "WST-09", "period": "2026-10", "actual": "10"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "corrective_action": ["Corrective action is required when the value is Red."]
    }


def test_api_officer_cannot_write_another_service(bob: User, wst: Measure) -> None:
    response = client_for(bob).post(
        "/api/v1/values/",
        {"measure": "WST-09", "period": "2026-10", "actual": "55"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Value.objects.exists()


def test_api_stale_version_is_409_with_the_current_value(alice: User, wst: Measure) -> None:
    client = client_for(alice)
    created = client.post(
        "/api/v1/values/",
        {"measure": "WST-09", "period": "2026-10", "actual": "55"},
        content_type="application/json",
    ).json()
    url = f"/api/v1/values/{created['id']}/"
    first = client.patch(url, {"actual": "56", "version": 1}, content_type="application/json")
    assert first.status_code == 200
    second = client.patch(url, {"actual": "57", "version": 1}, content_type="application/json")
    assert second.status_code == 409
    assert second.json()["current"]["actual"] == "56.000000"
    assert Value.objects.get().actual == Decimal("56")


def test_api_update_needs_a_version(alice: User, wst: Measure) -> None:
    client = client_for(alice)
    created = client.post(
        "/api/v1/values/",
        {"measure": "WST-09", "period": "2026-10", "actual": "55"},
        content_type="application/json",
    ).json()
    response = client.patch(
        f"/api/v1/values/{created['id']}/", {"actual": "56"}, content_type="application/json"
    )
    assert response.json() == {"version": ["Send the version you read."]}


def test_api_approval_rules(alice: User, hannah: User, pat: User, wst: Measure) -> None:
    created = (
        client_for(alice)
        .post(
            "/api/v1/values/",
            {"measure": "WST-09", "period": "2026-10", "actual": "55", "submit": True},
            content_type="application/json",
        )
        .json()
    )
    base = f"/api/v1/values/{created['id']}"
    assert client_for(alice).post(f"{base}/approve/").status_code == 403
    assert client_for(hannah).post(f"{base}/publish/").status_code == 403
    returned = client_for(hannah).post(
        f"{base}/return/", {"reason": "Check the date."}, content_type="application/json"
    )
    assert returned.json()["status"] == "draft"
    client_for(alice).post(f"{base}/submit/")
    assert client_for(hannah).post(f"{base}/approve/").json()["status"] == "approved"
    assert client_for(pat).post(f"{base}/publish/").json()["status"] == "published"


def test_api_changes_are_audited_as_api(alice: User, wst: Measure) -> None:
    client_for(alice).post(
        "/api/v1/values/",
        {"measure": "WST-09", "period": "2026-10", "actual": "55"},
        content_type="application/json",
    )
    assert ChangeRecord.objects.get().source == "api"


def test_schema_documents_the_value_actions(carol: User) -> None:
    paths = client_for(carol).get("/api/schema/", {"format": "json"}).json()["paths"]
    for action in ("submit", "approve", "return", "publish", "withdraw"):
        assert f"/api/v1/values/{{id}}/{action}/" in paths
    assert "/api/v1/approvals/" in paths and "/api/v1/approvals/approve/" in paths
    assert "409" in paths["/api/v1/values/{id}/"]["put"]["responses"]
