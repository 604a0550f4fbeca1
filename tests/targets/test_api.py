from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from targets.models import Service, User, ValueStatus
from tests.conftest import client_for
from tests.factories import MeasureFactory, ValueFactory

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
