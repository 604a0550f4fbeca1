"""/api/v1/benchmarks/position/ and trend/: fields, clear errors, versions, own values, access."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, override_settings

from benchmarking.models import Authority, ComparatorGroup, Metric
from targets.models import Service, User, ValueStatus
from tests.benchmarking.conftest import group, metric, values
from tests.conftest import client_for
from tests.factories import MeasureFactory, ValueFactory

pytestmark = [pytest.mark.django_db]
URL = "/api/v1/benchmarks/position/"
A, B, C, D, E, F = "E07000001", "E07000002", "E07000003", "E07000004", "E07000005", "E06000001"


@pytest.fixture
def rates(five: list[Authority]) -> Metric:
    rates = metric("RATE", polarity="up", decimals=1)
    values(rates, "2022/23", {A: "40.04", B: "50", C: "50", D: "30", E: "60", F: "70"})
    values(rates, "2023/24", {A: "45", B: "55", D: "35"})
    return rates


@pytest.fixture
def api(carol: User) -> Client:
    return client_for(carol)


def get(client: Client, **params: str) -> Any:
    return client.get(URL, {"metric": "RATE", "period": "2022/23", "area": A, **params})


def test_it_returns_the_position_fields(api: Client, rates: Metric) -> None:
    response = get(api, group="type:NMD")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("n", "value", "rank", "rank_text", "quartile")} == {
        "n": 5,
        "value": "40.0",
        "rank": 4,
        "rank_text": "4/5",
        "quartile": 3,  # 40 is on P25 (h = 1): the better quartile, 3
    }
    assert {k: body[k] for k in ("p25", "median", "p75", "min", "max")} == {
        "p25": "40.0",
        "median": "50.0",
        "p75": "50.0",
        "min": "30.0",
        "max": "60.0",
    }
    assert (body["gap_to_median"], body["gap_to_top_quartile"]) == ("-10.0", "-10.0")
    assert body["group_label"] == "All non-metropolitan districts (NMD)"
    assert [(r["name"], r["rank"], r["quartile"]) for r in body["ranking"]] == [
        ("District E", 1, 1),
        ("District B", 2, 1),  # on P75, tied with C: both top quartile
        ("District C", 2, 1),
        ("District A", 4, 3),
        ("District D", 5, 4),
    ]


def test_all_authorities_and_types(api: Client, rates: Metric) -> None:
    assert get(api, group="all").json()["rank_text"] == "5/6"
    # A district compared with the unitaries is compared with them plus itself.
    assert get(api, group="type:ua").json()["rank_text"] == "2/2"


def test_a_named_group_is_its_members_plus_the_area(api: Client, rates: Metric) -> None:
    group("pair", [B, D])
    body = get(api, group="pair").json()
    assert (body["n"], body["rank_text"]) == (3, "2/3")


def test_nearest_is_the_areas_own_group(api: Client, rates: Metric, five: list[Authority]) -> None:
    group("nearest-e07000001", [A, E], kind="nearest", owner=five[0])
    body = get(api).json()  # nearest by default
    assert (body["group"], body["n"], body["rank_text"]) == ("nearest", 2, "2/2")
    assert get(api, area=B).status_code == 404


def test_lower_is_better_is_mirrored(api: Client, rates: Metric) -> None:
    rates.polarity = Metric.Polarity.DOWN
    rates.save()
    body = get(api, group="type:NMD").json()
    assert (body["rank_text"], body["quartile"]) == ("2/5", 1)  # on P25: top quartile


def test_a_comparison_uses_the_membership_valid_that_year(api: Client, rates: Metric) -> None:
    group("club", [B, C], valid_from=None)
    group("club", [D], valid_from=2023)
    assert get(api, group="club", period="2022/23").json()["n"] == 3
    body = get(api, group="club", period="2023/24").json()
    assert (body["n"], body["rank_text"]) == (2, "1/2")


def test_before_a_groups_first_version_there_is_no_membership(api: Client, rates: Metric) -> None:
    group("late", [B], valid_from=2023)
    body = get(api, group="late", period="2022/23").json()
    assert body["n"] == 0
    assert body["message"] == (
        "Late has no membership for 2022/23: its first membership applies from 2023/24."
    )


@pytest.mark.parametrize(
    ("params", "status", "field", "text"),
    [
        ({"metric": ""}, 400, "metric", "Give a metric code"),
        ({"metric": "NOPE"}, 404, "detail", "Unknown metric NOPE."),
        ({"period": ""}, 400, "period", "Give a period"),
        ({"period": "2023"}, 400, "period", "2023 is a calendar year"),
        ({"period": "2022-23"}, 400, "period", "is not a benchmark period"),
        ({"period": "2025-04"}, 400, "period", "is a monthly period"),
        ({"period": "2030/31"}, 404, "detail", "RATE has no values for 2030/31."),
        ({"area": "E09999999"}, 404, "detail", "Unknown area E09999999"),
        ({"group": "nobody"}, 404, "detail", "Unknown comparator group nobody."),
        ({"group": "type:XYZ"}, 404, "detail", "No authorities of type XYZ."),
        ({"group": "type:"}, 400, "group", "Give a type after type:"),
    ],
)
def test_bad_requests_get_clear_messages(
    api: Client, rates: Metric, params: dict[str, str], status: int, field: str, text: str
) -> None:
    response = get(api, **{"group": "all", **params})
    assert response.status_code == status
    message = response.json()[field]
    assert text in (message if isinstance(message, str) else message[0])


def test_an_area_without_a_value_is_described_not_ranked(api: Client, rates: Metric) -> None:
    body = get(api, area=C, period="2023/24", group="all").json()
    assert (body["value"], body["rank"], body["quartile"]) == (None, None, None)
    assert body["n"] == 3
    assert body["message"] == "District C has no value of RATE for 2023/24: it is not ranked."


def test_a_single_member_set_and_all_equal_values(api: Client, rates: Metric) -> None:
    group("alone", [])
    body = get(api, group="alone").json()
    assert (body["n"], body["rank_text"], body["quartile"]) == (1, "1/1", None)
    assert "only authority" in body["message"]
    group("twins", [B, C])
    body = get(api, area=B, group="twins").json()
    assert (body["rank_text"], body["quartile"]) == ("1/2", 1)
    assert body["message"] == "All 2 values are equal for 2022/23: every authority ranks 1st."


def test_all_equal_values_share_first_place(api: Client, five: list[Authority]) -> None:
    flat = metric("RATE")
    values(flat, "2022/23", {A: "5", B: "5", C: "5"})
    body = get(api, group="all").json()
    assert (body["rank_text"], body["quartile"]) == ("1/3", 1)
    assert body["message"] == "All 3 values are equal for 2022/23: every authority ranks 1st."


@override_settings(COUNCIL_AREA_CODE=A)
def test_our_published_value_fills_a_missing_figure(
    api: Client, rates: Metric, waste: Service
) -> None:
    measure = MeasureFactory(code="NI192", service=waste, frequency="annual")
    rates.measure, rates.add_own_values = measure, True
    rates.save()
    ValueFactory(measure=measure, period="2023/24", actual=Decimal("47"))  # published
    ValueFactory(measure=measure, period="2022/23", actual=Decimal("99"))
    body = get(api, area=A, period="2023/24", group="all").json()
    # The imported 45 stands; the own figure only fills gaps.
    assert (body["value"], body["own_value"]) == ("45.0", False)
    rates.values.filter(authority__code=A, period="2023/24").delete()
    body = get(api, period="2023/24", group="all").json()
    assert (body["value"], body["own_value"], body["rank_text"]) == ("47.0", True, "2/3")
    ValueFactory(measure=measure, period="2021/22", actual=Decimal("1"), status=ValueStatus.DRAFT)
    assert get(api, period="2021/22", group="all").status_code == 404  # no one else has one


def test_the_trend_lists_every_period_oldest_first(api: Client, rates: Metric) -> None:
    response = api.get("/api/v1/benchmarks/trend/", {"metric": "RATE", "area": A, "group": "all"})
    assert response.status_code == 200
    body = response.json()
    assert (body["group"], body["group_label"]) == ("all", "All authorities")
    assert [(p["period"], p["rank_text"]) for p in body["periods"]] == [
        ("2022/23", "5/6"),
        ("2023/24", "2/3"),
    ]


def test_the_trend_needs_a_known_metric(api: Client, rates: Metric) -> None:
    response = api.get("/api/v1/benchmarks/trend/", {"metric": "NOPE"})
    assert response.status_code == 404


def test_anonymous_callers_get_nothing(rates: Metric) -> None:
    assert Client().get(URL, {"metric": "RATE", "period": "2022/23"}).status_code in (401, 403)


@pytest.mark.parametrize(
    "path",
    [
        "metrics/",
        "metrics/RATE/",
        "authorities/?type=NMD",
        "groups/",
        "values/?metric=RATE&period=2022/23",
        "exercises/",
        "good-practice/",
    ],
)
def test_the_register_can_be_listed(api: Client, rates: Metric, path: str) -> None:
    group("pair", [B, D])
    response = api.get(f"/api/v1/benchmarks/{path}")
    assert response.status_code == 200, response.content


def test_values_and_groups_are_filtered(api: Client, rates: Metric) -> None:
    group("pair", [B, D])
    body = api.get("/api/v1/benchmarks/values/", {"metric": "RATE", "area": A}).json()
    assert [(r["period"], r["value"]) for r in body["results"]] == [
        ("2022/23", "40.040000"),
        ("2023/24", "45.000000"),
    ]
    pair = api.get("/api/v1/benchmarks/groups/pair/").json()
    assert pair["versions"] == [{"valid_from": None, "members": [B, D], "source": ""}]
    assert ComparatorGroup.objects.count() == 1
