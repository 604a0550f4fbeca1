"""A NUL character in any text of a JSON body is refused whole, with where it was: PostgreSQL
cannot store or look one up (a server error there before), so both databases answer alike."""

from __future__ import annotations

import json

import pytest

from targets.api.parsers import nul_at
from targets.models import User
from tests.conftest import client_for


def test_nul_at_finds_the_first_text_holding_one() -> None:
    assert nul_at({"a": "fine", "b": ["x", {"c": "bad\x00"}]}) == "b[1].c"
    assert nul_at({"key\x00": 1}) == "key\x00"
    assert nul_at("\x00") == ""
    assert nul_at({"a": ["ok", 1, None, True], "b": {"c": 2.5}}) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/reviews/", {"service": "waste", "sponsor": "pa\x00t", "title": "Review"}),
        ("/api/v1/risks/", {"title": "A risk", "owner": "\x00"}),
    ],
)
def test_a_nul_in_a_body_is_a_400_saying_where(url: str, body: dict[str, str], pat: User) -> None:
    response = client_for(pat).post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Text may not contain a NUL character (in ")
