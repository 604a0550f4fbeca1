"""Personas shared by the suite: one council, a few people in named roles.

alice: Waste officer (updater); hannah: head of Waste; dora: Waste data quality champion;
bob: Housing officer; pat: performance team; carol: CMT; sam: scrutiny panel.

A persona is taken from the database when a module's world (`module_world`) already holds it,
so that a world built once per module and the personas a test asks for are the same rows.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from targets.models import CorporateRole, Priority, Service, ServiceRole, User
from tests.factories import ServiceFactory, UserFactory

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: cached pages never leak from one test to the next."""
    cache.clear()


@contextmanager
def module_world(django_db_blocker: Any) -> Iterator[None]:
    """Data shared by a module's tests, built once: inside a transaction that is rolled back
    when the module ends. Each test's own transaction is a savepoint within it, so a test's
    changes are undone before the next test, as usual. Use from a module-scoped fixture that
    asks for `django_db_setup` and `django_db_blocker` (see tests/security/conftest.py)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def make_waste() -> Service:
    found = Service.objects.filter(code="waste").first()
    return found or ServiceFactory(code="waste", name="Waste and Recycling")


def make_housing() -> Service:
    found = Service.objects.filter(code="housing").first()
    return found or ServiceFactory(code="housing", name="Housing")


def make_priority() -> Priority:
    found = Priority.objects.filter(number=4).first()
    return found or Priority.objects.create(number=4, name="A cleaner greener city")


@pytest.fixture
def waste() -> Service:
    return make_waste()


@pytest.fixture
def housing() -> Service:
    return make_housing()


@pytest.fixture
def priority() -> Priority:
    return make_priority()


def _user(username: str, **fields: Any) -> User:
    found: User | None = User.objects.filter(username=username).first()
    return found or UserFactory(username=username, **fields)


def _member(username: str, service: Service, role: str) -> User:
    user = _user(username)
    ServiceRole.objects.get_or_create(user=user, service=service, role=role)
    return user


@pytest.fixture
def alice(waste: Service) -> User:
    return _member("alice", waste, ServiceRole.Role.UPDATER)


@pytest.fixture
def bob(housing: Service) -> User:
    return _member("bob", housing, ServiceRole.Role.UPDATER)


@pytest.fixture
def hannah(waste: Service) -> User:
    user = _user("hannah")
    waste.head = user
    waste.save()
    return user


@pytest.fixture
def dora(waste: Service) -> User:
    return _member("dora", waste, ServiceRole.Role.DQ_CHAMPION)


@pytest.fixture
def pat() -> User:
    return _user("pat", corporate_role=CorporateRole.PERFORMANCE)


@pytest.fixture
def carol() -> User:
    return _user("carol", corporate_role=CorporateRole.CMT)


@pytest.fixture
def sam() -> User:
    return _user("sam", corporate_role=CorporateRole.SCRUTINY)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Browser tests: Debian's chromium, never a downloaded browser.
@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, object]:
    if not CHROMIUM.exists():
        message = f"browser tests need Chromium at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("GOLDTHREAD_REQUIRE_BROWSER"):
            pytest.fail(message)  # CI must never pass by skipping them
        pytest.skip(message)
    return {
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# A test on a transactional database (browser tests, live servers, real workers) ends with every
# table emptied, the report schedules seeded by a migration included. Run alone, pytest-django
# puts those tests last; spread over workers (pytest-xdist), others may follow them on the same
# worker's database, so the seed is put back after each of them.
@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    result = yield
    if nextitem is not None and _empties_the_database(item):
        _reseed(item.config)
    return result


def _empties_the_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    fixtures = getattr(item, "fixturenames", ())
    return bool(transactional) or "transactional_db" in fixtures or "live_server" in fixtures


def _reseed(config: pytest.Config) -> None:
    from django.apps import apps
    from pytest_django.plugin import blocking_manager_key

    from reporting.models import ReportSchedule

    with config.stash[blocking_manager_key].unblock():
        if not ReportSchedule.objects.exists():
            seed = importlib.import_module("reporting.migrations.0002_seed_schedules").seed
            seed(apps, None)
