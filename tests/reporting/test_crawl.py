"""Issue 16: no page reachable by clicking, for any demo role, answers a 403 or a 5xx.

Each role signs in to the demo council and follows every same-site link from the landing page,
breadth first (`tests/crawler.py`: GET only, no sign-out, no downloads, a few pages of each URL
pattern). The demo is loaded once for the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from targets.models import ServiceRole, User
from tests.conftest import module_world
from tests.crawler import crawl

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 26, 12, tzinfo=UTC)
# performance, CMT, the executive board and the scrutiny councillor (the member role); an officer
# who is also the service's data-quality champion, a head, and another service's officer.
ROLES = [
    "performance",
    "cmt",
    "ceb",
    "scrutiny",
    "waste-officer",
    "waste-head",
    "housing-officer",
]


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with module_world(django_db_blocker), time_machine.travel(TODAY, tick=False):
        call_command("load_demo", stdout=StringIO())
        yield


def test_the_demo_has_each_kind_of_person(demo: None) -> None:
    champions = ServiceRole.objects.filter(role=ServiceRole.Role.DQ_CHAMPION)
    assert champions.filter(user__username="waste-officer").exists()
    assert User.objects.get(username="scrutiny").corporate_role == "scrutiny"


@pytest.mark.parametrize("username", ROLES)
def test_no_link_a_person_is_shown_answers_403_or_5xx(demo: None, username: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))

    result = crawl(client, "/", limit=150, per_route=2)

    assert len(result.visits) > 40  # the crawl went somewhere: the landing page has links
    failures = [f"{v.status} {v.url} (linked from {v.came_from})" for v in result.failures()]
    assert failures == []
