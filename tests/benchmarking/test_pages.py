"""The benchmarking pages: overview, metrics, a metric's positions, groups, the measure section."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from django.db import connection
from django.template import Context, Template
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from benchmarking.models import Authority, Metric
from targets.models import Measure, Service, User
from tests.benchmarking.conftest import group, metric, values
from tests.conftest import client_for
from tests.factories import MeasureFactory

pytestmark = [pytest.mark.django_db]
A, B, C, D, E, F = "E07000001", "E07000002", "E07000003", "E07000004", "E07000005", "E06000001"
council = override_settings(COUNCIL_AREA_CODE=A)


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def table_rows(page: BeautifulSoup | Tag, selector: str = "table") -> list[list[str]]:
    table = page if isinstance(page, Tag) and page.name == "table" else page.select_one(selector)
    assert table is not None
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.select("tbody tr")
    ]


@pytest.fixture
def linked(five: list[Authority], waste: Service) -> Metric:
    measure = MeasureFactory(code="NI192", service=waste, frequency="annual")
    rates = metric("ENV18", title="Recycling", polarity="up", measure=measure, unit="percent")
    values(rates, "2022/23", {A: "40", B: "50", C: "30", D: "45", E: "20", F: "60"})
    values(rates, "2023/24", {A: "44", B: "51", D: "47"})
    group("nearest-e07000001", [A, B, C], kind="nearest", owner=five[0])
    return rates


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get("/benchmarking/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@council
def test_the_overview_gives_each_linked_metric_our_latest_quartiles(
    carol: User, linked: Metric
) -> None:
    page = soup(client_for(carol).get("/benchmarking/"))
    assert table_rows(page) == [
        [
            "ENV18 Recycling",
            "NI192",
            "2023/24",
            "44.0%",
            "▼ Bottom quartile rank 2/2",
            "▼ Bottom quartile rank 3/3",
        ]
    ]
    headers = [th.get_text(strip=True) for th in page.select("table thead th")]
    assert headers[-1] == "Against all non-metropolitan districts (NMD)"


@council
def test_the_overview_costs_the_same_queries_whatever_the_number_of_metrics(
    carol: User, linked: Metric, waste: Service
) -> None:
    client = client_for(carol)
    client.get("/benchmarking/")
    with CaptureQueriesContext(connection) as few:
        client.get("/benchmarking/")
    for n in range(5):
        more = metric(f"X{n}", measure=MeasureFactory(service=waste))
        values(more, "2022/23", {A: str(n), B: "3"})
        values(metric(f"Y{n}"), "2023/24", {A: "1"})
    with CaptureQueriesContext(connection) as many:
        response = client.get("/benchmarking/")
    assert len(table_rows(soup(response))) == 6
    assert len(many) == len(few)


@council
def test_a_metric_without_our_value_says_so(carol: User, linked: Metric) -> None:
    values(metric("OTHER"), "2022/23", {B: "1", C: "2"})
    page = soup(client_for(carol).get("/benchmarking/"))
    others = page.select("table.summary-table")[1]
    assert table_rows(others) == [
        ["OTHER Metric OTHER", "–", "–", "No value for District A.", "No value for District A."]
    ]


@council
def test_the_metric_page_ranks_the_set_and_highlights_the_council(
    carol: User, linked: Metric
) -> None:
    response = client_for(carol).get("/benchmarking/metrics/ENV18/", {"period": "2022/23"})
    assert response.status_code == 200
    page = soup(response)
    chart = json.loads(page.select_one("#ranking-chart-data").string)
    assert chart["names"] == ["District B", "District A", "District C"]
    assert chart["highlight"] == [False, True, False]
    assert (chart["p25"], chart["median"], chart["p75"]) == (35.0, 40.0, 45.0)
    ranking = page.select("#ranking-chart-data ~ details table")[0]
    assert [r.get_text(" ", strip=True) for r in ranking.select("tr.is-area")] == [
        "2 District A (the area compared) 40.0% △ Second quartile"
    ]
    facts = {
        dt.get_text(strip=True): dt.find_next("dd").get_text(" ", strip=True)
        for dt in page.select("dl dt")
    }
    assert facts["Rank"] == "2/3"
    assert facts["Against the median"] == "At the median"
    assert facts["Against the top quartile"] == "5.0 percentage points short of the top quartile"


@council
def test_the_metric_page_defaults_to_the_latest_year_we_have_a_value(
    carol: User, linked: Metric
) -> None:
    page = soup(client_for(carol).get("/benchmarking/metrics/ENV18/"))
    assert page.select_one("#id_period option[selected]")["value"] == "2023/24"
    assert page.select_one("#id_group option[selected]")["value"] == "nearest"
    trend = json.loads(page.select_one("#rank-trend-data").string)
    assert trend["x"] == ["2022/23", "2023/24"]
    assert trend["rank"] == [2, 2]


@council
def test_the_metric_page_compares_with_other_sets_and_areas(carol: User, linked: Metric) -> None:
    client = client_for(carol)
    page = soup(client.get("/benchmarking/metrics/ENV18/", {"period": "2022/23", "group": "all"}))
    assert "2022/23: All authorities" in page.select_one("#position-title").get_text()
    page = soup(
        client.get(
            "/benchmarking/metrics/ENV18/", {"area": B, "group": "type:NMD", "period": "2022/23"}
        )
    )
    assert page.select_one("#position-title").get_text(strip=True) == (
        "District B, 2022/23: All non-metropolitan districts (NMD)"
    )


@council
def test_bad_choices_on_the_metric_page_are_refused_clearly(carol: User, linked: Metric) -> None:
    response = client_for(carol).get("/benchmarking/metrics/ENV18/", {"period": "1999/00"})
    assert response.status_code == 400
    assert "Select a valid choice" in soup(response).select_one(".error-summary").get_text()
    assert client_for(carol).get("/benchmarking/metrics/NOPE/").status_code == 404


@council
def test_an_area_without_a_nearest_group_gets_a_message(carol: User, linked: Metric) -> None:
    response = client_for(carol).get("/benchmarking/metrics/ENV18/", {"area": B})
    assert response.status_code == 200
    assert "District B has no nearest-neighbour group." in soup(response).get_text()


def test_metrics_list_is_filtered_by_the_shared_filterset(carol: User, linked: Metric) -> None:
    metric("RO590", title="Spending per head", source="government")
    client = client_for(carol)
    assert [r[0] for r in table_rows(soup(client.get("/benchmarking/metrics/")))] == [
        "ENV18",
        "RO590",
    ]
    linked_only = soup(client.get("/benchmarking/metrics/", {"linked": "true"}))
    assert [r[0] for r in table_rows(linked_only)] == ["ENV18"]
    api = client.get("/api/v1/benchmarks/metrics/", {"linked": "true"}).json()
    assert [m["code"] for m in api["results"]] == ["ENV18"]
    assert [
        r[0] for r in table_rows(soup(client.get("/benchmarking/metrics/", {"q": "head"})))
    ] == ["RO590"]


def test_groups_pages_show_every_version(carol: User, five: list[Authority]) -> None:
    group("club", [B, C])
    group("club", [D], valid_from=2023)
    client = client_for(carol)
    assert "Club" in soup(client.get("/benchmarking/groups/")).get_text()
    page = soup(client.get("/benchmarking/groups/club/"))
    assert [h.get_text(strip=True) for h in page.select("h2")] == [
        "Members from 2023/24 (1 authority)",
        "Members from the start (2 authorities)",
    ]


def test_a_nearest_neighbour_group_counts_its_neighbours(
    carol: User, five: list[Authority]
) -> None:
    group("nearest-e07000001", [A, B, C], kind="nearest", owner=five[0])
    page = soup(client_for(carol).get("/benchmarking/groups/nearest-e07000001/"))
    assert [h.get_text(" ", strip=True) for h in page.select("h2")] == [
        "Members from the start (3 authorities: District A and its 2 nearest neighbours)"
    ]


@council
def test_the_measure_section_lists_linked_positions(carol: User, linked: Metric) -> None:
    measure = Measure.objects.get(code="NI192")
    html = Template("{% load benchmarking %}{% benchmark_positions measure %}").render(
        Context({"measure": measure})
    )
    rows = table_rows(BeautifulSoup(html, "html.parser"))
    assert rows == [
        [
            "ENV18 Recycling",
            "2023/24",
            "44.0%",
            "▼ Bottom quartile rank 2/2",
            "▼ Bottom quartile rank 3/3",
        ]
    ]
    other = MeasureFactory(code="OTHER", service=measure.service)
    assert (
        Template("{% load benchmarking %}{% benchmark_positions m %}")
        .render(Context({"m": other}))
        .strip()
        == ""
    )
