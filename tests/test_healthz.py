"""`/healthz`: 200 when the database, the cache and the broker answer, 503 when any does not;
no sign-in, no session, quickly (each check has its own short timeout)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import OperationalError
from django.test import Client

from config import health
from config.celery import app as celery_app
from tests.conftest import client_for
from tests.security.test_faults import RedisServer, sec_redis  # noqa: F401  (a fixture)
from tests.smtp_servers import closed_port

pytestmark = pytest.mark.django_db


def get(client: Client | None = None) -> tuple[int, dict[str, Any], Any]:
    response = (client or Client()).get("/healthz")
    return response.status_code, json.loads(response.content), response


def test_the_embedded_default_is_healthy_without_a_broker() -> None:
    status, body, response = get()

    assert status == 200
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "not configured"}
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie


def test_a_signed_in_browser_gets_the_same_and_no_new_session(alice: Any) -> None:
    browser = client_for(alice)

    status, _, response = get(browser)

    assert status == 200
    assert "sessionid" not in response.cookies


def test_only_get(alice: Any) -> None:
    assert Client().post("/healthz").status_code == 405


@pytest.fixture
def redis_everywhere(
    sec_redis: RedisServer,  # noqa: F811
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[RedisServer]:
    """The cache and the broker on a redis-server of the test's own, as in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": sec_redis.url(1),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_AFTER": 0},
        }
    }
    monkeypatch.setitem(celery_app.conf, "broker_url", sec_redis.url(0))
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(
        celery_app.conf, "broker_transport_options", {"socket_connect_timeout": 0.5}
    )
    yield sec_redis


def test_redis_up_then_down(redis_everywhere: RedisServer, tmp_path: Path) -> None:
    status, body, _ = get()
    assert (status, body["checks"]) == (200, {"database": "ok", "cache": "ok", "broker": "ok"})

    redis_everywhere.stop()
    status, body, response = get()

    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "cache": "failed", "broker": "failed"}
    assert "refused" not in response.content.decode().lower()  # no detail for strangers


def test_an_unreachable_broker_alone_is_unhealthy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(celery_app.conf, "broker_url", f"redis://127.0.0.1:{closed_port()}/0")
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)

    status, body, _ = get()

    assert status == 503
    assert body["checks"]["broker"] == "failed" and body["checks"]["database"] == "ok"


def test_a_database_that_does_not_answer_is_unhealthy(monkeypatch: pytest.MonkeyPatch) -> None:
    def gone() -> str:
        raise OperationalError("could not connect to server")

    monkeypatch.setitem(health.CHECKS, "database", gone)

    status, body, _ = get()

    assert status == 503
    assert body["checks"]["database"] == "failed"
