"""/api/schema/: the same document for everyone signed in, generated once per process."""

from __future__ import annotations

import json
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from config import api_schema
from targets.models import User
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db]


def served(user: User, query: str = "format=json") -> Any:
    response = client_for(user).get(f"/api/schema/?{query}")
    assert response.status_code == 200
    return json.loads(response.content) if "json" in query else response.content


def test_every_role_is_served_the_same_document(
    alice: User, hannah: User, dora: User, sam: User, carol: User, pat: User
) -> None:
    """What makes keeping one document safe: built afresh for each role, it is the same."""
    documents = []
    for user in (alice, hannah, dora, sam, carol, pat, User.objects.create(username="nobody")):
        api_schema.forget()
        documents.append(served(user))
    assert all(document == documents[0] for document in documents)
    assert len(documents[0]["paths"]) > 80


def test_the_document_is_generated_once_until_a_setting_changes(
    alice: User, pat: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api_schema.forget()
    generate = SchemaGenerator.get_schema
    calls: list[bool] = []

    def counting(self: SchemaGenerator, *args: Any, **kwargs: Any) -> Any:
        calls.append(True)
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    first = served(pat)
    assert served(alice) == first and len(calls) == 1
    yaml = served(pat, "format=yaml")  # another rendering of the same document
    assert yaml.startswith(b"openapi: 3") and len(calls) == 1
    settings.SPECTACULAR_SETTINGS = {**settings.SPECTACULAR_SETTINGS}  # any setting changed
    assert served(pat) == first and len(calls) == 2
