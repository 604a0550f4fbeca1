"""The API's pagination bounds what a query string can ask of the database."""

from __future__ import annotations

import pytest

from targets.models import User
from tests.conftest import client_for
from tests.factories import ServiceFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["offset=99999999999999999999999", "limit=99999999999999999999&offset=3", "limit=-1"]
)
def test_huge_or_odd_limits_and_offsets_answer_without_error(pat: User, query: str) -> None:
    ServiceFactory.create_batch(3)
    response = client_for(pat).get(f"/api/v1/services/?{query}")
    assert response.status_code == 200
    assert response.json()["count"] == 3


@pytest.mark.django_db
def test_the_limit_is_capped(pat: User) -> None:
    ServiceFactory.create_batch(3)
    response = client_for(pat).get("/api/v1/services/?limit=2")
    assert len(response.json()["results"]) == 2
    assert "offset=2" in response.json()["next"]
