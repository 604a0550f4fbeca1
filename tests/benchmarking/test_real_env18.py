"""Positions of real councils in DEFRA's ENV18 recycling rates, through the position API, against
answers worked out here from the published files with plain Python (csv, Decimal, Fraction).

The real register, nearest-neighbour groups, Trafford's three CIPFA groups and ENV18 are
imported once for the module.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarking.imports import MetricSpec, import_authorities, import_benchmarks, import_groups
from benchmarking.models import Authority, BenchmarkValue, ComparatorGroup, Metric
from targets.models import User
from tests.benchmarking.conftest import OXFORD, REAL
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db]
URL = "/api/v1/benchmarks/position/"
TRAFFORD = "E08000009"
TRAFFORD_GROUPS = (("cipfa2019.csv", None), ("cipfa2021.csv", 2021), ("cipfalga0724.csv", 2024))


# Independent answers from the published files.


def _rows(path: str) -> list[dict[str, str]]:
    with (REAL / path).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


REGISTER = {r["gss-code"]: r for r in _rows("uk_local_authorities.csv") if r["gss-code"]}
NEIGHBOURS: dict[str, set[str]] = defaultdict(set)
for _r in _rows("nearest_neighbours.csv"):
    if _r["authority_code"] in REGISTER and _r["neighbour_code"] in REGISTER:
        NEIGHBOURS[_r["authority_code"]].add(_r["neighbour_code"])
PUBLISHED: dict[str, dict[str, Decimal]] = defaultdict(dict)
for _r in _rows("recycling_rates_env18.csv"):
    if _r["value"] not in ("", "NA") and "/" in _r["period"]:
        PUBLISHED[_r["period"]][_r["area_code"]] = Decimal(_r["value"]).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def trafford_group(name: str) -> set[str]:
    return {r["area_code"] for r in _rows(f"trafford/{name}")}


def percentile(values: list[Decimal], p: Fraction) -> Fraction:
    ordered = sorted(Fraction(v) for v in values)
    h = (len(ordered) - 1) * p
    low = int(h)
    if low + 1 >= len(ordered):
        return ordered[low]
    return ordered[low] + (h - low) * (ordered[low + 1] - ordered[low])


def expected(period: str, area: str, members: set[str]) -> dict[str, Any]:
    figures = {
        code: PUBLISHED[period][code] for code in members | {area} if code in PUBLISHED[period]
    }
    mine = figures[area]
    p25, median, p75 = (percentile(list(figures.values()), Fraction(q, 4)) for q in (1, 2, 3))
    v = Fraction(mine)
    rank = 1 + sum(1 for x in figures.values() if x > mine)
    return {
        "n": len(figures),
        "value": mine,
        "rank": rank,
        "rank_text": f"{rank}/{len(figures)}",
        "quartile": 1 if v >= p75 else 2 if v >= median else 3 if v >= p25 else 4,
        "p25": p25,
        "median": median,
        "p75": p75,
        "min": min(figures.values()),
        "max": max(figures.values()),
        "gap_to_median": v - median,
        "gap_to_top_quartile": v - p75,
    }


def type_members(kind: str) -> set[str]:
    return {code for code, row in REGISTER.items() if row["local-authority-type"] == kind}


# The database, loaded once.


@pytest.fixture(scope="module")
def real(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        with (REAL / "uk_local_authorities.csv").open("rb") as f:
            assert import_authorities(f).ok
        with (REAL / "nearest_neighbours.csv").open("rb") as f:
            assert import_groups(f).ok
        for name, year in TRAFFORD_GROUPS:
            with (REAL / "trafford" / name).open("rb") as f:
                report = import_groups(
                    f, name="Trafford CIPFA", valid_from=year, from_start=year is None
                )
                assert report.ok, report.lines()
        with (REAL / "trafford" / "cipfalga0724.csv").open("rb") as f:
            assert import_groups(f, name="Trafford CIPFA 2024").ok
        with (REAL / "recycling_rates_env18.csv").open("rb") as f:
            spec = MetricSpec("ENV18", title="Recycling", polarity="up", decimals=1)
            assert import_benchmarks(f, spec).ok
        yield
        BenchmarkValue.objects.all().delete()
        Metric.objects.all().delete()
        ComparatorGroup.objects.all().delete()
        Authority.objects.all().delete()


@pytest.fixture
def carol_client(carol: User, real: None) -> Any:
    return client_for(carol)


def get(client: Any, **params: str) -> dict[str, Any]:
    response = client.get(URL, {"metric": "ENV18", **params})
    assert response.status_code == 200, response.json()
    return response.json()  # type: ignore[no-any-return]


def assert_matches(body: dict[str, Any], want: dict[str, Any]) -> None:
    assert body["n"] == want["n"]
    assert Decimal(body["value"]) == want["value"]
    assert body["rank"] == want["rank"]
    assert body["rank_text"] == want["rank_text"]
    assert body["quartile"] == want["quartile"]
    for name in ("p25", "median", "p75", "gap_to_median", "gap_to_top_quartile"):
        assert Fraction(Decimal(body[name])) == want[name], name
    assert Decimal(body["min"]) == want["min"]
    assert Decimal(body["max"]) == want["max"]


@pytest.mark.parametrize(
    ("area", "period"),
    [
        (OXFORD, "2023/24"),
        (OXFORD, "2017/18"),  # Oxford is exactly on P75: top quartile
        (OXFORD, "2015/16"),
        ("E07000067", "2015/16"),  # Braintree: 52.400000000000006, on P75 and tied
        ("E06000014", "2015/16"),  # York: exactly on P25, and tied
        ("E07000175", "2019/20"),  # Newark and Sherwood: exactly on P25
        ("E06000001", "2018/19"),  # Hartlepool
        ("E09000007", "2015/16"),  # Camden
        ("E08000009", "2022/23"),  # Trafford
    ],
)
def test_nearest_neighbour_positions_match_the_published_figures(
    carol_client: Any, area: str, period: str
) -> None:
    body = get(carol_client, period=period, area=area, group="nearest")
    assert_matches(body, expected(period, area, NEIGHBOURS[area]))
    assert body["group_label"] == f"Nearest neighbours of {REGISTER[area]['nice-name']}"


def test_oxford_2023_24_against_its_nearest_neighbours(carol_client: Any) -> None:
    body = get(carol_client, period="2023/24")  # the council and its neighbours by default
    assert (body["area"], body["group"]) == (OXFORD, "nearest")
    assert (body["value"], body["rank_text"], body["quartile"]) == ("48.3", "5/15", 2)
    assert (body["p25"], body["median"], body["p75"]) == ("35.25", "44.0", "48.95")
    assert [r["name"] for r in body["ranking"][:5]] == [
        "Guildford",
        "Warwick",
        "Woking",
        "Watford",
        "Oxford",
    ]
    assert body["ranking"][4]["is_area"] is True


@pytest.mark.parametrize(
    ("area", "period", "kind"),
    [
        (OXFORD, "2023/24", "NMD"),
        (OXFORD, "2017/18", "NMD"),
        ("E07000209", "2023/24", "NMD"),  # Guildford: tied with Mid Devon
        ("E06000014", "2020/21", "UA"),
        ("E08000009", "2021/22", "MD"),
        ("E09000007", "2019/20", "LBO"),
    ],
)
def test_positions_among_all_authorities_of_a_type(
    carol_client: Any, area: str, period: str, kind: str
) -> None:
    body = get(carol_client, period=period, area=area, group=f"type:{kind}")
    assert_matches(body, expected(period, area, type_members(kind)))


def test_tied_districts_share_the_lowest_rank(carol_client: Any) -> None:
    body = get(carol_client, period="2023/24", group="type:NMD")
    ranks = {r["name"]: r["rank"] for r in body["ranking"]}
    assert ranks["Guildford"] == ranks["Mid Devon"] == 9
    assert 10 not in ranks.values()


def test_positions_among_all_authorities(carol_client: Any) -> None:
    body = get(carol_client, period="2021/22", group="all")
    assert_matches(body, expected("2021/22", OXFORD, set(REGISTER)))


@pytest.mark.parametrize(
    ("period", "version"),
    [
        ("2015/16", "cipfa2019.csv"),  # the first version applies from the start
        ("2019/20", "cipfa2019.csv"),
        ("2020/21", "cipfa2019.csv"),
        ("2021/22", "cipfa2021.csv"),
        ("2023/24", "cipfa2021.csv"),
    ],
)
def test_a_named_group_uses_the_membership_valid_in_that_year(
    carol_client: Any, period: str, version: str
) -> None:
    body = get(carol_client, period=period, area=TRAFFORD, group="trafford-cipfa")
    assert_matches(body, expected(period, TRAFFORD, trafford_group(version)))
    assert body["group_label"] == "Trafford CIPFA"


def test_a_named_group_is_found_by_its_slugified_name(carol_client: Any) -> None:
    body = get(carol_client, period="2023/24", area=TRAFFORD, group="trafford-cipfa-2024")
    assert_matches(body, expected("2023/24", TRAFFORD, trafford_group("cipfalga0724.csv")))


def test_a_named_group_includes_the_area_compared(carol_client: Any) -> None:
    # Oxford is in none of Trafford's groups: it is compared with their members all the same.
    body = get(carol_client, period="2022/23", area=OXFORD, group="trafford-cipfa")
    assert_matches(body, expected("2022/23", OXFORD, trafford_group("cipfa2021.csv")))


def test_bristol_without_a_value_is_not_ranked_but_the_set_is_described(carol_client: Any) -> None:
    body = get(carol_client, period="2023/24", area="E06000023", group="nearest")
    assert body["value"] is None
    assert body["rank"] is None
    assert body["quartile"] is None
    assert body["n"] == len([c for c in NEIGHBOURS["E06000023"] if c in PUBLISHED["2023/24"]])
    assert "Bristol has no value of ENV18 for 2023/24" in body["message"]


def test_scottish_calendar_years_are_not_periods(carol_client: Any) -> None:
    response = carol_client.get(URL, {"metric": "ENV18", "period": "2023"})
    assert response.status_code == 400
    assert "calendar year" in response.json()["period"][0]


def test_the_trend_covers_every_year_with_that_years_group(carol_client: Any) -> None:
    response = carol_client.get(
        "/api/v1/benchmarks/trend/",
        {"metric": "ENV18", "area": TRAFFORD, "group": "trafford-cipfa"},
    )
    assert response.status_code == 200
    years = {p["period"]: p for p in response.json()["periods"]}
    assert list(years) == sorted(PUBLISHED)[: len(years)]
    for period, body in years.items():
        version = "cipfa2019.csv" if period < "2021/22" else "cipfa2021.csv"
        if period >= "2024/25":
            version = "cipfalga0724.csv"
        if TRAFFORD in PUBLISHED[period]:
            assert_matches(body, expected(period, TRAFFORD, trafford_group(version)))


def test_a_position_costs_the_same_queries_whatever_the_set(carol_client: Any) -> None:
    counts = []
    for group in ("nearest", "type:NMD", "all", "trafford-cipfa"):
        with CaptureQueriesContext(connection) as queries:
            get(carol_client, period="2020/21", group=group)
        counts.append(len(queries))
    assert max(counts) <= 9
