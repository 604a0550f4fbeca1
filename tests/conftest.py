"""Personas shared by the suite: one council, a few people in named roles.

alice: Waste officer (updater); hannah: head of Waste; dora: Waste data quality champion;
bob: Housing officer; pat: performance team; carol: CMT; sam: scrutiny panel.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from targets.models import CorporateRole, Priority, Service, ServiceRole, User
from tests.factories import ServiceFactory, UserFactory

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: cached pages never leak from one test to the next."""
    cache.clear()


@pytest.fixture
def waste() -> Service:
    return ServiceFactory(code="waste", name="Waste and Recycling")


@pytest.fixture
def housing() -> Service:
    return ServiceFactory(code="housing", name="Housing")


@pytest.fixture
def priority() -> Priority:
    return Priority.objects.create(number=4, name="A cleaner greener city")


def _member(username: str, service: Service, role: str) -> User:
    user = UserFactory(username=username)
    ServiceRole.objects.create(user=user, service=service, role=role)
    return user


@pytest.fixture
def alice(waste: Service) -> User:
    return _member("alice", waste, ServiceRole.Role.UPDATER)


@pytest.fixture
def bob(housing: Service) -> User:
    return _member("bob", housing, ServiceRole.Role.UPDATER)


@pytest.fixture
def hannah(waste: Service) -> User:
    user = UserFactory(username="hannah")
    waste.head = user
    waste.save()
    return user


@pytest.fixture
def dora(waste: Service) -> User:
    return _member("dora", waste, ServiceRole.Role.DQ_CHAMPION)


@pytest.fixture
def pat() -> User:
    return UserFactory(username="pat", corporate_role=CorporateRole.PERFORMANCE)


@pytest.fixture
def carol() -> User:
    return UserFactory(username="carol", corporate_role=CorporateRole.CMT)


@pytest.fixture
def sam() -> User:
    return UserFactory(username="sam", corporate_role=CorporateRole.SCRUTINY)


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
