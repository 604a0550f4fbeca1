"""What people see of LG Inform Plus: the fetches page (performance team), the metric page's LG
Inform id, and the API (`/api/v1/benchmarks/fetches/`, the metrics' `lginform_id`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from benchmarking.lginform.client import LGInformClient
from benchmarking.lginform.fetch import lginform_fetch
from benchmarking.models import Fetch, Metric
from targets.models import User
from tests.benchmarking.conftest import authority, metric
from tests.benchmarking.lginform.recorded import AREAS, FakeTransport, pages, recorded
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db]


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def rows(page: BeautifulSoup, selector: str) -> list[list[str]]:
    table = page.select_one(selector)
    assert table is not None
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.select("tbody tr")
    ]


def fetch_with(transport: FakeTransport) -> None:
    client = LGInformClient(key="k", transport=transport, areas_per_request=2, sleep=lambda s: None)
    lginform_fetch(client=client)


@pytest.fixture
def fetched() -> Metric:
    """ENV18 (LG Inform 46) fetched twice: fourteen values, then nothing new; and a failed
    fetch of a metric type that is gone."""
    for code in AREAS:
        authority(code)
    env18 = metric("ENV18", title="Household waste recycled", unit="percent", lginform_id=46)
    fetch_with(FakeTransport(pages))
    fetch_with(FakeTransport(pages))
    metric("A-GONE", title="A withdrawn metric type", lginform_id=999999)
    fetch_with(FakeTransport(lambda r: recorded("not-authorized.txt", 401)))
    return env18


def test_the_team_sees_each_fetch_with_what_it_wrote(pat: User, fetched: Metric) -> None:
    page = soup(client_for(pat).get("/benchmarking/fetches/"))
    assert page.h1 is not None and page.h1.get_text() == "LG Inform Plus fetches"
    found = rows(page, "#fetches")
    # Newest first: the run that failed on the refused key stopped at its first metric.
    assert [r[1:9] for r in found] == [
        ["A-GONE (999999)", "✗ Failed", "–", "0", "0", "0", "0", "0"],
        ["ENV18 (46)", "✓ Fetched", "2021/22, 2022/23, 2023/24", "15", "0", "14", "1", "0"],
        [
            "ENV18 (46)",
            "✓ Fetched",
            "2021/22, 2022/23, 2023/24",
            "15",
            "14 (14 new, 0 changed)",
            "0",
            "1",
            "0",
        ],
    ]
    assert found[0][9].startswith("LG Inform Plus refused the key (HTTP 401: Not Authorized)")
    assert found[1][0].endswith("Command")
    assert rows(page, "table[aria-labelledby=metrics-title]")[0][:3] == [
        "A-GONE",
        "A withdrawn metric type",
        "999999 on LG Inform Plus",
    ]


@override_settings(LGINFORM_API_KEY="")
def test_the_page_says_when_lginform_is_not_configured(pat: User, fetched: Metric) -> None:
    notice = soup(client_for(pat).get("/benchmarking/fetches/")).select_one(".notice")
    assert notice is not None
    assert "LG Inform Plus is not configured on this server" in notice.get_text()


@override_settings(LGINFORM_API_KEY="ExamplePPK")
def test_the_page_says_when_the_next_fetch_runs(pat: User, fetched: Metric) -> None:
    notice = soup(client_for(pat).get("/benchmarking/fetches/")).select_one(".notice")
    assert notice is not None
    assert "the next scheduled fetch runs every Monday at 06:15" in notice.get_text()


def test_the_fetches_can_be_filtered(pat: User, fetched: Metric) -> None:
    page = soup(client_for(pat).get("/benchmarking/fetches/?metric=ENV18&status=done"))
    assert len(rows(page, "#fetches")) == 2
    response = client_for(pat).get("/benchmarking/fetches/?status=sideways")
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["carol", "alice", "sam"])
def test_only_the_performance_team_sees_the_fetches(
    who: str, request: pytest.FixtureRequest, fetched: Metric
) -> None:
    user = request.getfixturevalue(who)
    assert client_for(user).get("/benchmarking/fetches/").status_code == 403
    assert client_for(user).get("/api/v1/benchmarks/fetches/").status_code == 403


def test_the_page_costs_the_same_queries_whatever_the_fetches(pat: User, fetched: Metric) -> None:
    viewer = client_for(pat)
    with CaptureQueriesContext(connection) as few:
        viewer.get("/benchmarking/fetches/")
    for _ in range(3):
        fetch_with(FakeTransport(pages))
    metric("LGI-17482", title="Major planning applications", lginform_id=17482)
    with CaptureQueriesContext(connection) as many:
        viewer.get("/benchmarking/fetches/")
    assert len(many) == len(few)


def test_a_metric_page_shows_its_lginform_id_and_last_fetch(
    carol: User, pat: User, fetched: Metric
) -> None:
    fact = soup(client_for(carol).get("/benchmarking/metrics/ENV18/")).find(
        "dt", string="LG Inform Plus"
    )
    assert fact is not None
    text = fact.find_next("dd").get_text(" ", strip=True)  # type: ignore[union-attr]
    last = Fetch.objects.filter(metric=fetched, status="done").first()
    assert last is not None and last.finished_at is not None
    assert text == (
        f"metric type 46 , fetched every Monday at 06:15; last fetched "
        f"{last.finished_at:%-d %b %Y} (0 values written)"
    )
    link = fact.find_next("dd").find("a")  # type: ignore[union-attr]
    assert link is not None and link["href"] == "https://id.esd.org.uk/metricType/46"
    team = soup(client_for(pat).get("/benchmarking/metrics/ENV18/"))
    assert team.find("a", href="/benchmarking/fetches/?metric=ENV18") is not None
    assert (
        soup(client_for(carol).get("/benchmarking/metrics/ENV18/")).find(
            "a", href="/benchmarking/fetches/?metric=ENV18"
        )
        is None
    )


def test_the_api_lists_the_fetches_for_the_team(pat: User, fetched: Metric) -> None:
    body = client_for(pat).get("/api/v1/benchmarks/fetches/?metric=ENV18").json()
    assert body["count"] == 2
    first = body["results"][-1]
    assert {k: first[k] for k in ("metric", "lginform_id", "trigger", "status", "periods")} == {
        "metric": "ENV18",
        "lginform_id": 46,
        "trigger": "command",
        "status": "done",
        "periods": ["2021/22", "2022/23", "2023/24"],
    }
    counts = ("requests", "rows_read", "written", "created", "updated", "unchanged", "missing")
    assert [first[k] for k in counts] == [3, 15, 14, 14, 0, 0, 1]
    one = client_for(pat).get(f"/api/v1/benchmarks/fetches/{first['id']}/").json()
    assert one["batch"] == first["batch"]
    failed = client_for(pat).get("/api/v1/benchmarks/fetches/?status=failed").json()["results"]
    assert [f["metric"] for f in failed] == ["A-GONE"]


def test_the_metrics_api_gives_the_lginform_id(carol: User, fetched: Metric) -> None:
    body = client_for(carol).get("/api/v1/benchmarks/metrics/ENV18/").json()
    assert body["lginform_id"] == 46


def test_fetches_are_listed_newest_first() -> None:
    for code in AREAS:
        authority(code)
    metric("ENV18", title="Household waste recycled", lginform_id=46)
    fetch_with(FakeTransport(pages))
    older = Fetch.objects.get()
    older.started_at = datetime(2026, 4, 27, 6, 15, tzinfo=UTC)
    older.save()
    fetch_with(FakeTransport(pages))
    assert list(Fetch.objects.all())[-1] == older
