"""API fuzzing: schemathesis generates requests for every operation of `/api/schema/` and sends
them in process to the WSGI application, each case signed in (DRF token) as the performance team
(pat) and then as an officer (alice). No response may be a server error or break the schema
(status codes and bodies as documented).

Bounded for CI: MAX_EXAMPLES generated cases per operation, each sent as both, besides
schemathesis's boundary cases (about 105 s of one worker on a 2-core machine, 4 minutes on a
slower one).
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.world import World

# More for a longer hunt: GOLDTHREAD_FUZZ_EXAMPLES=200 python -m pytest tests/security/…
MAX_EXAMPLES = int(os.environ.get("GOLDTHREAD_FUZZ_EXAMPLES", "15"))
# The same examples every run (CI must not pass or fail by luck); GOLDTHREAD_FUZZ_RANDOM=1 draws
# new ones, for a hunt.
DERANDOMIZE = not os.environ.get("GOLDTHREAD_FUZZ_RANDOM")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def generated_schema() -> dict[str, Any]:
    """What /api/schema/ serves, as JSON (checked below to be the same document)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))  # type: ignore[no-any-return]


# Generated once: the fuzzing below and the check that it is the document the API serves.
GENERATED = generated_schema()
schema = schemathesis.openapi.from_dict(copy.deepcopy(GENERATED))  # kept as generated
schema.app = get_wsgi_application()


@pytest.mark.django_db
def test_the_fuzzed_schema_is_the_one_the_api_serves(world: World) -> None:
    from django.test import Client

    browser = Client()
    browser.force_login(world.users["pat"])  # type: ignore[arg-type]
    served = browser.get("/api/schema/?format=json")
    assert served.status_code == 200
    assert json.loads(served.content) == GENERATED


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """schemathesis calls the WSGI application itself, whose end of request closes the database
    connection: on PostgreSQL that ends the test's transaction. Django's test client keeps it
    open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Each generated case is sent as each of them, one after the other: the cases depend on the schema
# alone, so generating them once per operation sends the same requests as a test per persona did,
# in 9% less time. (A parameter, so that each operation's test keeps its own id under xdist.)
PERSONAS = ("pat", "alice")


@pytest.fixture(params=[PERSONAS], ids=["pat-then-alice"])
def tokens(request: pytest.FixtureRequest, world: World) -> dict[str, str]:
    users = world.users
    return {name: Token.objects.get_or_create(user=users[name])[0].key for name in request.param}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=DERANDOMIZE,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_within_its_schema(case: Any, tokens: dict[str, str]) -> None:
    for name, token in tokens.items():
        try:
            case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
        except Exception as failure:
            failure.add_note(f"Sent as {name}.")
            raise


# --- what the fuzzing found, each with its own test ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/values/0.5/", "/api/v1/values/-2e-99/", "/api/v1/nothing-here/"]
)
def test_an_api_address_that_matches_nothing_answers_json(world: World, url: str) -> None:
    from django.test import Client

    browser = Client()
    browser.force_login(world.users["alice"])  # type: ignore[arg-type]
    response = browser.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_other_addresses_still_get_the_not_found_page(world: World) -> None:
    from django.test import Client

    browser = Client()
    browser.force_login(world.users["alice"])  # type: ignore[arg-type]
    response = browser.get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_links_that_may_be_empty_are_documented_as_nullable() -> None:
    components = generated_schema()["components"]["schemas"]
    assert components["Metric"]["properties"]["measure"]["nullable"] is True
    assert components["Group"]["properties"]["authority"]["nullable"] is True
    # An action or arrangement may have no owner (left, or never named).
    assert components["Measure"]["properties"]["priority"]["nullable"] is True  # service measures
    for name in ("Action", "AuditAction", "FeedbackAction", "Arrangement"):
        assert components[name]["properties"]["owner"]["nullable"] is True, name
    for name, field in [
        ("Audit", "auditor"),
        ("ServicePlan", "signed_off_by"),
        ("PlanningMilestone", "done_by"),
        ("PanelResult", "service"),
        ("Review", "sponsor"),
        ("Review", "project_manager"),
        ("Idea", "submitter"),
        ("Accreditation", "service"),
    ]:
        assert components[name]["properties"][field]["nullable"] is True, (name, field)


def test_every_operation_documents_its_errors() -> None:
    for path, operations in generated_schema()["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "404"} <= set(operation["responses"]), (method, path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/measures/?priority=-1.1968166078042521e%2B308",
        "/api/v1/measures/?priority=9999999999999999999999",
        "/api/v1/benchmarks/exercises/?year=99999999999999999999",
        "/benchmarking/exercises/?year=99999999999999999999",
    ],
)
def test_a_number_the_database_cannot_hold_is_a_bad_request(world: World, url: str) -> None:
    from django.test import Client

    browser = Client()
    browser.force_login(world.users["alice"])  # type: ignore[arg-type]
    assert browser.get(url).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["limit=41826983226021376850011357184", "offset=10" + "0" * 30])
@pytest.mark.parametrize("path", ["benchmarks/exercises/", "values/", "measures/"])
def test_a_limit_or_offset_beyond_the_database_is_bounded(
    world: World, path: str, query: str
) -> None:
    from django.test import Client

    browser = Client()
    browser.force_login(world.users["pat"])  # type: ignore[arg-type]
    response = browser.get(f"/api/v1/{path}?{query}")
    assert response.status_code == 200
    assert "results" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/target-proposals/?year=100%25s",  # "100%s": quoted back by the refusal
        "/api/v1/approvals/?period=2026-%25d",
        "/api/v1/benchmarks/trend/?metric=CP%00X",  # PostgreSQL cannot look up a NUL
        "/api/v1/benchmarks/position/?metric=ENV18&period=2023/24&area=E%00",
    ],
)
def test_a_parameter_holding_a_percent_sign_or_a_nul_is_a_bad_request(
    world: World, url: str
) -> None:
    from django.test import Client

    browser = Client()
    browser.force_login(world.users["pat"])  # type: ignore[arg-type]
    response = browser.get(url)
    assert response.status_code == 400, response.content
    said = response.content.decode()
    assert (
        "NUL character" in said if "%00" in url else url.split("=")[-1].replace("%25", "%") in said
    )
