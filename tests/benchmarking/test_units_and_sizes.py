"""Benchmarking in words that mean what they say: figures at the metric's decimals, gaps
between percentages in points, a true minus before £, and group sizes that say what they
count."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings

from benchmarking.comparisons import size_text
from benchmarking.models import Authority, Metric
from targets.models import User
from tests.benchmarking.conftest import group, metric, values
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db]
A, B, C, D = "E07000001", "E07000002", "E07000003", "E07000004"
council = override_settings(COUNCIL_AREA_CODE=A)


def facts(response: Any) -> dict[str, str]:
    page = BeautifulSoup(response.content, "html.parser")
    return {
        dt.get_text(strip=True): dt.find_next("dd").get_text(" ", strip=True)
        for dt in page.select("dl dt")
    }


@pytest.fixture
def rates(five: list[Authority]) -> Metric:
    found = metric("ENV18", title="Recycling", polarity="up", unit="percent", decimals=1)
    values(found, "2022/23", {A: "40", B: "50", C: "30", D: "45"})
    group("nearest-e07000001", [A, B, C, D], kind="nearest", owner=five[0])
    return found


@council
def test_quartiles_and_gaps_are_at_the_metrics_decimals_and_in_points(
    carol: User, rates: Metric
) -> None:
    found = facts(client_for(carol).get("/benchmarking/metrics/ENV18/", {"period": "2022/23"}))
    # P75 of 30, 40, 45, 50 is 46.25: shown at one decimal, half up, like any figure.
    assert found["Upper quartile (P75)"] == "46.3%"
    assert found["Lower quartile (P25)"] == "37.5%"
    assert found["Median"] == "42.5%"
    assert found["Against the top quartile"] == "6.3 percentage points short of the top quartile"
    assert found["Against the median"] == "2.5 percentage points below the median (worse)"


@council
def test_negative_money_has_a_true_minus_before_the_pound(
    carol: User, five: list[Authority]
) -> None:
    cost = metric("RO1", title="Net cost per head", polarity="down", unit="currency", decimals=2)
    values(cost, "2017/18", {A: "-21.72", B: "10", C: "12.5"})
    found = facts(client_for(carol).get("/benchmarking/metrics/RO1/", {"group": "all"}))
    assert found["Value"] == "−£21.72"
    assert found["Range"].startswith("−£21.72 to £12.50")
    assert "£-" not in str(found)


@council
def test_group_sizes_say_what_they_count(carol: User, rates: Metric) -> None:
    found = facts(client_for(carol).get("/benchmarking/metrics/ENV18/", {"period": "2022/23"}))
    assert found["Compared with"] == (
        "3 nearest neighbours (4 including District A); 4 authorities with a value for 2022/23"
    )
    assert found["Rank"] == "3/4"
    page = BeautifulSoup(client_for(carol).get("/benchmarking/").content, "html.parser")
    assert "its 3 nearest neighbours (4 including District A)" in page.select_one(".lede").text


@council
def test_a_rank_out_of_fewer_than_the_group_says_why(carol: User, rates: Metric) -> None:
    values(rates, "2023/24", {A: "44", B: "51", D: "47"})  # C has no figure for 2023/24
    found = facts(client_for(carol).get("/benchmarking/metrics/ENV18/", {"period": "2023/24"}))
    assert found["Rank"] == "3/3"
    assert found["Compared with"] == (
        "3 nearest neighbours (4 including District A); 3 authorities with a value for 2023/24"
    )


@pytest.mark.parametrize(
    ("members", "includes", "nearest", "text"),
    [
        (16, True, True, "15 nearest neighbours (16 including Oxford)"),
        (15, False, True, "15 nearest neighbours (16 including Oxford)"),
        (2, True, True, "1 nearest neighbour (2 including Oxford)"),
        (8, False, False, "8 other authorities (9 including Oxford)"),
        (2, True, False, "1 other authority (2 including Oxford)"),
    ],
)
def test_size_text(members: int, includes: bool, nearest: bool, text: str) -> None:
    assert size_text(members, includes_area=includes, area_name="Oxford", nearest=nearest) == text
