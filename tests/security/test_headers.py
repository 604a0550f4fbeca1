"""Security headers on every kind of page, as production sends them (issue 10, item 5).

HSTS, a Content-Security-Policy without inline script and with `frame-ancestors 'none'`,
nosniff, Referrer-Policy, and `Cache-Control: private, no-store` on everything that is not
public; public pages keep their own caching. The HTML of every page carries no inline script,
event handler or style, so the policy never has to allow them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.cache import patch_cache_control

from reporting.models import ReportRun, ReportSchedule
from targets.models import Measure, User, ValueStatus
from targets.periods import parse_period
from tests.conftest import client_for
from tests.reporting.test_runs import build_council

pytestmark = [pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[2]
HSTS = "max-age=31536000; includeSubDomains; preload"


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def site(waste: Any, housing: Any, priority: Any, pat: User) -> dict[str, Any]:
    """A council with corporate measures, CP10 public and published."""
    council = build_council(waste, housing, priority)
    Measure.objects.filter(code="CP10").update(is_public=True)
    council["CP10"].values.update(status=ValueStatus.PUBLISHED)
    return council


@pytest.fixture
def sec_packs(site: dict[str, Any]) -> dict[str, ReportRun]:
    """Two packs, made as the worker makes them: one internal, one of a public schedule."""
    from reporting import services

    ReportSchedule.objects.filter(code="monthly-corporate").update(is_public=True)

    def make(code: str, period: str) -> ReportRun:
        schedule = ReportSchedule.objects.get(code=code)
        asked = services.request_run(schedule=schedule, period=parse_period(period), dispatch=False)
        return services.run_report(run_id=asked.run.pk)

    return {
        "internal": make("cmt-bimonthly", "2026/27-B3"),
        "public": make("monthly-corporate", "2026-09"),
    }


def run_url(name: str, which: str) -> Callable[[Any], str]:
    """The address of a pack's page or download (the packs are made only for these cases)."""

    def url(request: Any) -> str:
        return reverse(name, args=[request.getfixturevalue("sec_packs")[which].pk])

    return url


def csp(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in policy.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def cache_control(response: Any) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_security_headers(response: Any) -> None:
    """The headers every response of the application carries, whatever its kind."""
    assert response["Strict-Transport-Security"] == HSTS
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"], "scripts only from our own files"
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert not any("unsafe-eval" in v or "*" in v for values in policy.values() for v in values)


def assert_private(response: Any) -> None:
    assert {"private", "no-store"} <= cache_control(response), response.get("Cache-Control")
    assert "public" not in cache_control(response)


def assert_no_inline_code(response: Any) -> None:
    """No inline script, event handler, `javascript:` link or style in the page's HTML."""
    if "text/html" not in response["Content-Type"]:
        return
    soup = BeautifulSoup(response.content, "html.parser")
    for script in soup.find_all("script"):
        assert script.get("src") or script.get("type") == "application/json", script
    assert not soup.find_all("style"), "a <style> element"
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), f"<{tag.name} {name}>"
            assert name.lower() != "style", f"<{tag.name} style=…>"
            if name in {"href", "src", "action", "formaction"}:
                assert not str(value).strip().lower().startswith("javascript:"), tag


# Each kind of page: who asks (None: nobody signed in), and its address.
PRIVATE_PAGES: dict[str, tuple[str | None, Callable[[Any], str]]] = {
    "dashboard": ("carol", lambda s: reverse("home")),
    "service page": ("alice", lambda s: reverse("service_scorecard", args=["waste"])),
    "measure page": ("alice", lambda s: reverse("measure_detail", args=["CP10"])),
    "measure history": ("alice", lambda s: reverse("measure_history", args=["CP10"])),
    "value entry form": (
        "alice",
        lambda s: reverse("value_edit", args=["CP10"]) + "?period=2026-10",
    ),
    "my work": ("alice", lambda s: reverse("my_work")),
    "upload page": ("pat", lambda s: reverse("upload")),
    "report archive": ("carol", lambda s: reverse("report_archive")),
    "internal run page": ("carol", run_url("report_run", "internal")),
    "internal PDF": ("carol", run_url("report_run_pdf", "internal")),
    "internal board slides": ("carol", run_url("report_run_pptx", "internal")),
    "internal CSV export": ("carol", run_url("report_run_csv", "internal")),
    "internal XLSX export": (
        "carol",
        run_url("report_run_xlsx", "internal"),
    ),
    "benchmarking": ("carol", lambda s: reverse("benchmarking_overview")),
    "API JSON": ("carol", lambda s: reverse("measure-list") + "?format=json"),
    "API scorecard JSON": ("carol", lambda s: reverse("api_scorecard") + "?period=2026-09"),
    "API browsable": ("carol", lambda s: reverse("measure-list")),
    "API schema": ("carol", lambda s: reverse("api_schema")),
    "API docs": ("carol", lambda s: reverse("api_docs")),
    "API docs script": ("carol", lambda s: reverse("api_docs") + "?script="),
    "admin": ("pat", lambda s: reverse("admin:index")),
    "admin change list": ("pat", lambda s: reverse("admin:targets_measure_changelist")),
    "login page": (None, lambda s: reverse("login")),
    "redirect to login": (None, lambda s: reverse("home")),
    "not found": ("carol", lambda s: "/no-such-page/"),
}
PUBLIC_PAGES: dict[str, Callable[[Any], str]] = {
    "public page": lambda s: reverse("public_home"),
    "public measure page": lambda s: reverse("public_measure", args=["CP10"]),
    "open data CSV": lambda s: reverse("public_data_csv"),
    "open data JSON": lambda s: reverse("public_data_json"),
    "public report archive": lambda s: reverse("public_report_archive"),
    "public PDF": run_url("report_run_pdf", "public"),
    "public board slides": run_url("report_run_pptx", "public"),
    "public CSV export": run_url("report_run_csv", "public"),
}


def _client(who: str | None, request: Any) -> Client:
    if who is None:
        return Client()
    return client_for(request.getfixturevalue(who))


@pytest.mark.parametrize("kind", sorted(PRIVATE_PAGES))
def test_private_pages_carry_every_header_and_are_never_stored(
    kind: str, site: dict[str, Any], request: Any
) -> None:
    who, url = PRIVATE_PAGES[kind]
    response = _client(who, request).get(url(request), secure=True)
    assert response.status_code in {200, 302, 404}, (kind, response.status_code)
    assert_security_headers(response)
    assert_private(response)
    assert_no_inline_code(response)


@pytest.mark.parametrize("kind", sorted(PUBLIC_PAGES))
def test_public_pages_carry_every_header_and_keep_their_own_caching(
    kind: str, site: dict[str, Any], request: Any
) -> None:
    response = Client().get(PUBLIC_PAGES[kind](request), secure=True)
    assert response.status_code == 200, kind
    assert_security_headers(response)
    assert "public" in cache_control(response)
    assert "no-store" not in cache_control(response)
    assert_no_inline_code(response)


def test_a_public_page_asked_for_by_someone_signed_in_is_the_same_public_page(
    site: dict[str, Any], carol: User
) -> None:
    response = client_for(carol).get(reverse("public_home"), secure=True)
    assert "public" in cache_control(response)
    assert "Signed in as" not in response.content.decode()


def test_api_browsable_page_relaxes_styles_only(site: dict[str, Any], carol: User) -> None:
    """DRF's HTML pages carry inline styles; their scripts stay our own files only."""
    response = client_for(carol).get(reverse("measure-list"), secure=True, HTTP_ACCEPT="text/html")
    assert "text/html" in response["Content-Type"]
    policy = csp(response)
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]
    json = client_for(carol).get(reverse("measure-list") + "?format=json", secure=True)
    assert "'unsafe-inline'" not in csp(json)["style-src"]


def test_every_page_without_parameters_carries_the_headers(site: dict[str, Any], pat: User) -> None:
    """Every GET address of the URLconf that needs no parameter, for the performance team (who
    may see everything): pages added later are checked too."""
    client = client_for(pat)
    checked = []
    for url in _parameterless_urls():
        response = client.get(url, secure=True)
        if response.status_code == 405:
            continue
        assert response.status_code < 500, url
        assert_security_headers(response)
        if "public" not in cache_control(response):
            assert_private(response)
        assert_no_inline_code(response)
        checked.append(url)
    assert "/" in checked and "/public/" in checked and len(checked) > 15


def _parameterless_urls() -> list[str]:
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                if "<" not in route and "(?P" not in route:
                    walk(entry.url_patterns, prefix + route.lstrip("^"))
            elif isinstance(entry, URLPattern) and "<" not in route and "(?P" not in route:
                path = prefix + route.lstrip("^").rstrip("$")
                if "\\" not in path and "logout" not in path:
                    found.append("/" + path)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def test_lockout_and_503_pages_carry_the_headers_too(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from config.middleware import database_unavailable_response

    response = database_unavailable_response()
    assert response.status_code == 503
    # The middleware stack adds the headers: check through a request that fails on the database.
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.utils import OperationalError

    def unreachable(self: Any) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", unreachable)
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "x" * 32
    failed = client.get(reverse("home"), secure=True)
    assert failed.status_code == 503
    assert_security_headers(failed)
    assert_private(failed)
    assert_no_inline_code(failed)


def test_is_public_reads_the_cache_control_header() -> None:
    from django.http import HttpResponse

    from config.middleware import is_public

    response = HttpResponse()
    assert not is_public(response)
    patch_cache_control(response, public=True, max_age=60)
    assert is_public(response)
    response["Cache-Control"] = "private, public"
    assert not is_public(response)


# --- Production settings, in a process of their own ----------------------------------------------


def _production(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    test_only = {"DEBUG", "GOLDTHREAD_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    production = {
        "DEBUG": "0",
        "GOLDTHREAD_TESTING": "0",
        "SECRET_KEY": "a-long-random-production-secret-" + "Qz8v" * 12,
        "ALLOWED_HOSTS": "performance.example.gov.uk",
        "CSRF_TRUSTED_ORIGINS": "https://performance.example.gov.uk",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **production, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_fails_on_no_warning_with_production_settings() -> None:
    result = _production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_make_cookies_secure_and_sessions_short() -> None:
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "SESSION_IDLE_TIMEOUT",
        "SESSION_ABSOLUTE_TIMEOUT",
        "AXES_ENABLED",
        "AXES_FAILURE_LIMIT",
    ]
    code = "from django.conf import settings as s;" + "".join(
        f"print({name!r}, repr(s.{name}));" for name in names
    )
    result = _production("shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    values = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    assert values == {
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
        "SECURE_HSTS_PRELOAD": "True",
        "SESSION_COOKIE_SECURE": "True",
        "SESSION_COOKIE_HTTPONLY": "True",
        "SESSION_COOKIE_SAMESITE": "'Lax'",
        "CSRF_COOKIE_SECURE": "True",
        "CSRF_COOKIE_HTTPONLY": "True",
        "SESSION_IDLE_TIMEOUT": "1800",
        "SESSION_ABSOLUTE_TIMEOUT": "36000",
        "AXES_ENABLED": "True",
        "AXES_FAILURE_LIMIT": "5",
    }


def test_hsts_preload_and_subdomains_can_be_switched_off() -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    result = _production(
        "shell",
        "--no-imports",
        "-c",
        code,
        SECURE_HSTS_PRELOAD="0",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
    )
    assert result.stdout.split() == ["False", "False"]
