"""Issue 16: no page reachable by clicking, for any demo role, answers a 403 or a 5xx.

Each role signs in to the demo council and follows every same-site link from the landing page,
breadth first (`tests/crawler.py`: GET only, no sign-out, no downloads, a few pages of each URL
pattern). The demo is loaded once for the module.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

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


# Every list page with a FilterSet exports what it shows: the same rows, in the same order, with
# the filters of its query string (the demo council's data, filtered where the filter is known).
LISTS = [
    "/?kind=",
    "/?kind=&rag=red",
    "/services/",
    "/services/waste/",
    "/fsr/reviews/",
    "/fsr/peer-reviews/",
    "/feedback/arrangements/",
    "/feedback/mystery-shopping/",
    "/feedback/complaints/?page=2",
    "/benchmarking/exercises/",
    "/benchmarking/metrics/",
]


def _first_cells(html: bytes) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    tables = soup.select("main table.scorecard") or soup.select("main table")[:1]
    cells = []
    for table in tables:
        for tr in table.select("tbody tr"):
            if tr.th is not None:
                link = tr.th.find("a")
                cells.append((link or tr.th).get_text(" ", strip=True))
    return cells


@pytest.mark.parametrize("address", LISTS)
def test_each_list_exports_its_rows_in_its_order(demo: None, address: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username="performance"))
    page = client.get(address)
    assert page.status_code == 200
    shown = _first_cells(page.content)
    assert shown, f"{address} shows no rows to compare"
    links = BeautifulSoup(page.content, "html.parser").select(".export-links a")
    assert len(links) == 2

    for link in links:
        response = client.get(link["href"])
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        if link["href"].endswith("export=csv") or "export=csv" in link["href"]:
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        else:
            sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
            rows = [
                ["" if c is None else str(c) for c in r] for r in sheet.iter_rows(values_only=True)
            ]
        body = rows[1:]
        assert len(body) == len(shown)
        header = rows[0]
        column = next(
            (header.index(h) for h in ("Code", "Reviewer", "Reference") if h in header), 0
        )
        if address.startswith(("/?", "/services/waste")):
            # The scorecard's first cell is "code title": compare the codes.
            assert [r[column] for r in body] == [s.split(" ")[0] for s in shown]
        else:
            assert [r[column] for r in body] == shown
