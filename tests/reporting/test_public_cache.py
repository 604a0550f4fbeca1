"""The public outputs' finished bytes: answered before the session middleware, without a cookie,
304 for a copy still current, and a publish or withdrawal shown at once, also over a shared
cache with each process's copy in memory (reporting/public_cache.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from reporting import public, public_cache
from targets import services
from targets.models import Measure, Priority, Service, User, Value, ValueStatus
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db
URLS = ["/public/", "/public/measures/CP10/", "/public/data.csv", "/public/data.json"]


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def recycling(waste: Service, priority: Priority) -> Measure:
    measure = MeasureFactory(
        code="CP10",
        title="Household waste recycled",
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
        is_public=True,
    )
    TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    ValueFactory(measure=measure, period="2026-09", actual=Decimal("46.0"))
    ValueFactory(measure=measure, period="2026-10", actual=Decimal("52.0"))
    return measure


@pytest.fixture
def shared_cache(settings: Any, tmp_path: Path) -> Iterator[None]:
    """A cache outside the process, as Redis is in production: each process keeps copies."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    assert public_cache.uses_local_memory()
    yield
    public_cache.clear_local()


def _latest_figure(response: Any) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    for row in soup.select("article.public-card .public-figures > div"):
        if row.dt.get_text(" ", strip=True).startswith("Latest figure"):
            return row.dd.get_text(" ", strip=True)
    raise AssertionError("no latest figure")


def _withdraw_in_the_admin(value: Value, user: User) -> None:
    client = client_for(user)
    url = reverse("admin:targets_value_delete", args=[value.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302


@pytest.mark.parametrize("url", URLS)
def test_an_anonymous_visitor_is_given_no_cookie(recycling: Measure, url: str) -> None:
    client = Client()
    for _ in range(2):  # built, then from the cache
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, response.cookies
        assert "Set-Cookie" not in response
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("url", URLS)
def test_a_cached_output_is_answered_before_sessions_and_sign_in(
    recycling: Measure, url: str, django_assert_num_queries: Any
) -> None:
    first = Client().get(url)
    with django_assert_num_queries(1):  # the fingerprint of the published data
        again = Client().get(url)
    assert again.content == first.content
    request = again.wsgi_request
    assert not hasattr(request, "session") and not hasattr(request, "user")


def test_a_signed_in_visitor_goes_through_the_session_and_sees_the_same_page(
    recycling: Measure, carol: User
) -> None:
    anonymous = Client().get("/public/")
    signed_in = client_for(carol).get("/public/")
    assert signed_in.content == anonymous.content
    assert signed_in.wsgi_request.user == carol  # the session was read (and kept alive)


@pytest.mark.parametrize("url", URLS)
def test_a_copy_still_current_is_not_sent_again(recycling: Measure, pat: User, url: str) -> None:
    etag = Client().get(url)["ETag"]
    cached = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    assert cached.status_code == 304
    assert cached.content == b""
    assert cached["ETag"] == etag
    assert Client().get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200

    _withdraw_in_the_admin(Value.objects.get(measure=recycling, period="2026-10"), pat)

    changed = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_head_is_answered_from_the_cache_too(recycling: Measure) -> None:
    body = Client().get("/public/").content
    response = Client().head("/public/")
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(body))


def test_the_public_headers_come_with_a_cached_output(recycling: Measure) -> None:
    Client().get("/public/")
    response = Client().get("/public/", secure=True)
    assert response["Cache-Control"] == "public, no-cache"
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Strict-Transport-Security"].startswith("max-age=")


def test_a_month_the_page_cannot_show_is_never_cached(recycling: Measure) -> None:
    for _ in range(2):
        assert Client().get("/public/", {"period": "2026-11"}).status_code == 400
    assert Client().get("/public/", {"period": "2026-09"}).status_code == 200


@pytest.mark.usefixtures("shared_cache")
def test_over_a_shared_cache_a_publish_shows_at_once(recycling: Measure, pat: User) -> None:
    value = Value.objects.get(measure=recycling, period="2026-10")
    Value.objects.filter(pk=value.pk).update(status=ValueStatus.APPROVED)
    assert _latest_figure(Client().get("/public/")) == "46.0%"
    assert _latest_figure(Client().get("/public/")) == "46.0%"  # from this process's memory

    services.value_publish(Value.objects.get(pk=value.pk), user=pat)

    assert _latest_figure(Client().get("/public/")) == "52.0%"


@pytest.mark.usefixtures("shared_cache")
def test_over_a_shared_cache_a_withdrawal_shows_at_once(recycling: Measure, pat: User) -> None:
    assert _latest_figure(Client().get("/public/")) == "52.0%"
    _withdraw_in_the_admin(Value.objects.get(measure=recycling, period="2026-10"), pat)
    assert _latest_figure(Client().get("/public/")) == "46.0%"


@pytest.mark.usefixtures("shared_cache")
def test_a_process_keeps_its_copy_until_the_shared_one_expires(
    recycling: Measure, time_machine: Any
) -> None:
    from django.core.cache import cache

    first = Client().get("/public/").content
    cache.clear()  # another process's view of Redis: gone, but this process has its copy
    Value.objects.filter(measure=recycling, period="2026-10").update(actual=Decimal("99.0"))
    assert Client().get("/public/").content == first  # unaudited: the fingerprint is the same

    time_machine.shift(public.CACHE_SECONDS + 1)  # the safety net's expiry

    assert _latest_figure(Client().get("/public/")) == "99.0%"


@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_that_has_gone_is_replaced_for_the_fingerprint(
    recycling: Measure, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fingerprint's query is its own health check: a connection the database dropped is
    closed and the query asked again on a new one, never an error page."""
    from django.db import OperationalError, connection

    from reporting import public as public_module

    assert Client().get("/public/").status_code == 200
    query = public_module._fingerprint_query
    calls: list[str] = []

    def dropped_once() -> tuple[Any, ...]:
        calls.append("query")
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return query()

    monkeypatch.setattr(public_module, "_fingerprint_query", dropped_once)
    connection.ensure_connection()  # a connection kept from an earlier request
    response = Client().get("/public/")
    assert response.status_code == 200
    assert calls == ["query", "query"]
