"""Every URL pattern against the permission matrix (`matrix.py`), for nine personas.

For each pattern: the GET outcome per persona, figures that must not appear for whom (and some
that must, so that the check is not vacuous), GETs never writing, and for mutating endpoints the
outcome per persona with every table unchanged for those not allowed (and changed for those who
are, so that the request is known to be a real one).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from openpyxl import load_workbook
from pptx import Presentation

from targets import services
from targets.models import Value
from targets.periods import parse_period
from tests.security import matrix
from tests.security.matrix import (
    ADMIN_LOGIN,
    ADMIN_MODELS,
    LOGIN,
    REDIRECT,
    SKIP,
    Outcome,
    Row,
    Write,
)
from tests.security.world import PERSONAS, World, matrix_areas

MATRIX_FILE = "tests/security/matrix.py (or the matrix_<area>.py of its part of the product)"


def _route(prefix: str, pattern: Any) -> str:
    route = prefix + str(pattern)
    # The admin's app index lists the installed apps: one row covers whatever they are.
    return re.sub(r"\(\?P<app_label>[^)]*\)", "(?P<app_label>APPS)", route)


def url_patterns(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = "", ns: str = ""
) -> Iterator[tuple[str, str]]:
    """(route, name) of every URL pattern, walking included URLconfs recursively."""
    for item in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(item, URLResolver):
            inner = f"{ns}:{item.namespace}" if ns and item.namespace else item.namespace or ns
            yield from url_patterns(item.url_patterns, _route(prefix, item.pattern), inner or "")
        else:
            name = f"{ns}:{item.name}" if ns and item.name else item.name or ""
            yield _route(prefix, item.pattern), name


def _admin_label(route: str) -> str | None:
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    if not match:
        return None
    label = f"{match[1]}.{match[2]}"
    registered = {m._meta.label_lower for m in admin.site._registry}
    return label if label in registered else None


def all_rows(ids: dict[str, Any] | None = None) -> dict[str, Row]:
    rows = {row.route: row for row in matrix.ROWS}
    admin_models = dict(ADMIN_MODELS)
    for area in matrix_areas():
        duplicated = set(rows) & {row.route for row in area.ROWS}
        assert not duplicated, f"{area.__name__} repeats rows of another part: {duplicated}"
        rows |= {row.route: row for row in area.ROWS}
        admin_models |= area.ADMIN_MODELS
    for label, spec in admin_models.items():
        object_id = str((ids or {}).get(f"admin:{label}", 1))
        rows |= {row.route: row for row in matrix.admin_rows(label, spec, object_id)}
    return rows


def missing_rows(patterns: Iterator[tuple[str, str]]) -> list[str]:
    """What to add to the matrix for each URL pattern without a row."""
    rows = all_rows()
    missing = []
    for route, name in patterns:
        if route in rows:
            continue
        label = _admin_label(route)
        if label is not None:
            missing.append(
                f"URL pattern {route!r} (name {name!r}) belongs to the admin of {label}, which "
                f"has no line in ADMIN_MODELS of {MATRIX_FILE}: add "
                f'"{label}": AdminModel(),  (or AdminModel(team=False) if only superusers '
                "may use it)"
            )
        else:
            missing.append(
                f"URL pattern {route!r} (name {name!r}) has no row in ROWS of {MATRIX_FILE}: "
                f'add Row({route!r}, "/a/concrete/url/", get=SIGNED_IN, ...) with the outcome '
                "for each persona (see expect()), hide= for lists and exports, and writes= if "
                "it changes anything"
            )
    return missing


def test_every_url_pattern_has_a_row() -> None:
    missing = missing_rows(url_patterns())
    assert not missing, "\n".join(missing)


def test_a_new_url_pattern_without_a_row_is_named_with_how_to_add_it() -> None:
    found = missing_rows(
        url_patterns(
            [
                URLResolver(
                    RoutePattern("feedback/"),
                    [URLPattern(RoutePattern("complaints/<int:pk>/"), lambda r: None, name="c")],
                )
            ]
        )
    )
    assert found == [
        "URL pattern 'feedback/complaints/<int:pk>/' (name 'c') has no row in ROWS of "
        f"{MATRIX_FILE}: add Row('feedback/complaints/<int:pk>/', \"/a/concrete/url/\", "
        "get=SIGNED_IN, ...) with the outcome for each persona (see expect()), hide= for lists "
        "and exports, and writes= if it changes anything"
    ]


def test_every_row_has_a_url_pattern() -> None:
    routes = {route for route, _ in url_patterns()}
    stale = [route for route in all_rows() if route not in routes]
    assert not stale, f"rows in {MATRIX_FILE} for URL patterns that no longer exist: {stale}"


def test_expectations_name_every_persona() -> None:
    for row in all_rows().values():
        assert set(row.get) == set(PERSONAS), row.route
        for write in row.writes:
            assert set(write.expect) == set(PERSONAS), row.route


def fingerprint() -> str:
    """A digest of every row of every table (but sessions and last sign-in times)."""
    digest = hashlib.blake2b(digest_size=16)
    for model in apps.get_models():
        if model._meta.label in {"sessions.Session"} or model._meta.proxy:
            continue
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        for row in model._default_manager.order_by("pk").values_list(*names):
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(autouse=True)
def _sessions_outside_the_database(settings: Any) -> None:
    """The idle and absolute timeouts write the session on every request: sessions are not
    what this test watches (tests/security/test_sessions.py does), and that write would hide
    the ones it does. Signed-cookie sessions keep them out of the database here."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"


def writes() -> int | str:
    """Something that changes whenever anything is written: SQLite counts the rows every
    statement changed, PostgreSQL the rows inserted, updated or deleted so far in this
    transaction (both cheap: one digest of every table took three quarters of this test's time
    on PostgreSQL); other databases get a digest of every table."""
    raw = connection.connection
    if connection.vendor == "sqlite" and raw is not None:
        return int(raw.total_changes)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables"
            )
            return int(cursor.fetchone()[0])
    return fingerprint()


# Each persona's signed-in session cookie, made once per module: sessions here are signed
# cookies, so the cookie alone is the session and outlives the test whose transaction made it.
# Signing in again for each of the matrix's 12,000 requests was a fifth of its time (django-axes
# writes its access log on every sign-in; tests/security/test_sessions.py covers signing in).
_SIGNED_IN: dict[tuple[str, int], str] = {}


def client(world: World, persona: str) -> Client:
    user = world.users[persona]
    browser = Client()
    if user is None:
        return browser
    name = settings.SESSION_COOKIE_NAME
    cookie = _SIGNED_IN.get((persona, user.pk))
    if cookie is None:
        browser.force_login(user)
        _SIGNED_IN[(persona, user.pk)] = browser.cookies[name].value
    else:
        browser.cookies[name] = cookie
    return browser


def outcome(response: HttpResponse) -> Outcome:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith(reverse("login") + "?"):
            return LOGIN
        if location.startswith(reverse("admin:login") + "?"):
            return ADMIN_LOGIN
        return REDIRECT
    return response.status_code


def text(response: HttpResponse) -> str:
    """What a person would read in the response: a workbook's cells, or the body."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK\x03\x04") and "presentationml" in response["Content-Type"]:
        slides = Presentation(io.BytesIO(body)).slides
        return "\n".join(
            "\n".join(cell.text for row in shape.table.rows for cell in row.cells)
            if shape.has_table
            else shape.text_frame.text
            for slide in slides
            for shape in slide.shapes
            if shape.has_table or shape.has_text_frame
        )
    if body.startswith(b"PK\x03\x04"):
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join(str(cell) for cell in row if cell is not None)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return body.decode("utf-8", errors="replace")


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    return value.format_map(ids) if isinstance(value, str) else value


def _send(browser: Client, url: str, write: Write, ids: dict[str, Any]) -> HttpResponse:
    data = write.data() if callable(write.data) else write.data
    data = {key: _fill(value, ids) for key, value in data.items()}
    send = getattr(browser, write.method)
    if write.json:
        return send(url, json.dumps(data), content_type="application/json")  # type: ignore[no-any-return]
    if write.method == "post":
        return send(url, data)  # type: ignore[no-any-return]
    return send(url)  # type: ignore[no-any-return]


ROUTES = sorted(all_rows())


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_matrix(route: str, world: World) -> None:
    row = all_rows(world.ids)[route]
    url = _fill(row.url, world.ids)
    problems: list[str] = []
    browsers = {persona: client(world, persona) for persona in PERSONAS}
    before = writes()
    for persona in PERSONAS:
        cache.clear()
        response = browsers[persona].get(url)
        got = outcome(response)
        if got != row.get[persona]:
            problems.append(f"GET {url} as {persona}: expected {row.get[persona]}, got {got}")
            continue
        if response.status_code != 200:
            continue
        body = text(response)
        for figure in row.hide.get(persona, ()):
            if figure in body:
                problems.append(f"GET {url} as {persona}: shows {figure}, which it must not")
        for figure in row.show.get(persona, ()):
            if figure not in body:
                problems.append(f"GET {url} as {persona}: should show {figure} but does not")
    if writes() != before:
        problems.append(f"GET {url} changed the database")

    for write in row.writes:
        target = _fill(write.url or row.url, world.ids)
        for persona in PERSONAS:
            wanted = write.expect[persona]
            if wanted == SKIP:
                continue
            cache.clear()
            with transaction.atomic():
                browser = client(world, persona)
                before = writes()
                response = _send(browser, target, write, world.ids)
                changed = writes() != before
                transaction.set_rollback(True)
            what = f"{write.method.upper()} {target} as {persona}"
            got = outcome(response)
            if got != wanted:
                problems.append(f"{what}: expected {wanted}, got {got}")
            if changed and persona not in write.changes:
                problems.append(f"{what}: changed the database, which it must not")
            if not changed and persona in write.changes:
                problems.append(f"{what}: changed nothing (is the request in the matrix valid?)")
    assert not problems, "\n".join(problems)


# --- permission bugs the matrix led to, each with the test that would have caught it ----------


@pytest.mark.django_db
def test_the_performance_team_cannot_make_itself_a_superuser(world: World) -> None:
    pat = world.users["pat"]
    assert pat is not None
    browser = client(world, "pat")
    url = f"/admin/targets/user/{pat.pk}/change/"
    form = browser.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data |= {
        "is_superuser": "on",
        "groups": [Group.objects.get().pk],
        "username": "pat",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "service_roles-TOTAL_FORMS": "0",
        "service_roles-INITIAL_FORMS": "0",
    }
    response = browser.post(url, data)

    assert response.status_code == 302  # the rest of the account may still be edited
    pat.refresh_from_db()
    assert not pat.is_superuser
    assert not pat.groups.exists()


@pytest.mark.django_db
def test_the_admin_cannot_approve_or_publish_a_value(world: World) -> None:
    value = world.values["WST-SUB"]
    browser = client(world, "pat")
    url = f"/admin/targets/value/{value.pk}/change/"
    form = browser.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.pop("evidence", None)
    alice = world.users["alice"]
    assert alice is not None

    response = browser.post(url, {**data, "status": "published", "approved_by": str(alice.pk)})

    assert response.status_code == 200
    assert "can only be moved back here" in response.content.decode()
    value.refresh_from_db()
    assert (value.status, value.approved_by_id) == ("submitted", None)
    # Back is allowed (returning it to draft here, or un-publishing a published value).
    assert browser.post(url, {**data, "status": "draft"}).status_code == 302
    value.refresh_from_db()
    assert value.status == "draft"


@pytest.mark.django_db
def test_a_stale_copy_cannot_let_someone_approve_their_own_figure(world: World) -> None:
    """hannah changes alice's draft, alice submits it: hannah may not approve it, even when
    asked with a copy of the value read before hannah's change."""
    alice, hannah = world.users["alice"], world.users["hannah"]
    assert alice is not None and hannah is not None
    stale = Value.objects.get(pk=world.values["WST-DRF"].pk)
    value = services.value_save(
        measure=world.measures["WST-DRF"],
        period=parse_period(stale.period),
        data=services.ValueInput(actual=Decimal("44.5"), corrective_action="Recovery plan"),
        user=hannah,
        expected_version=stale.version,
    )
    services.value_submit(value, user=alice)

    with pytest.raises(PermissionDenied, match="you entered or submitted"):
        services.value_approve(stale, user=hannah)
    assert Value.objects.get(pk=stale.pk).status == "submitted"


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["approve", "submit", "return", "publish"])
def test_workflow_actions_with_a_format_suffix_answer_without_a_server_error(
    world: World, action: str
) -> None:
    value = world.values["WST-SUB"]
    response = client(world, "pat").post(
        f"/api/v1/values/{value.pk}/{action}.json",
        json.dumps({"reason": "Check it"}),
        content_type="application/json",
    )
    assert response.status_code in (200, 400)


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_a_workflow_form_never_redirects_off_the_site(world: World, next_url: str) -> None:
    value = world.values["WST-SUB"]
    response = client(world, "hannah").post(
        f"/values/{value.pk}/approve/", {"next": next_url, "version": value.version}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("my_work")


@pytest.mark.django_db
def test_a_workflow_form_goes_back_to_the_page_it_came_from(world: World) -> None:
    value = world.values["WST-SUB"]
    response = client(world, "hannah").post(
        f"/values/{value.pk}/approve/", {"next": "/services/waste/", "version": value.version}
    )
    assert response["Location"] == "/services/waste/"
