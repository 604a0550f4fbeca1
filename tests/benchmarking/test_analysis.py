"""The benchmarking maths (DESIGN.md section 2), checked against plain Python: exact percentiles
in Fractions, ranks by counting, quartiles by the written rule."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarking.analysis import position, positions, quartile, round_value

D = Decimal


def exact_percentile(values: list[Decimal], p: Fraction) -> Fraction:
    """Linear interpolation between closest ranks (Excel PERCENTILE.INC), in exact arithmetic."""
    ordered = sorted(Fraction(v) for v in values)
    h = (len(ordered) - 1) * p
    low = int(h)
    if low + 1 >= len(ordered):
        return ordered[low]
    return ordered[low] + (h - low) * (ordered[low + 1] - ordered[low])


def expected_rank(values: dict[str, Decimal], area: str, higher_is_better: bool) -> int:
    mine = values[area]
    better = [v for v in values.values() if (v > mine if higher_is_better else v < mine)]
    return len(better) + 1


def test_it_ranks_best_first_and_ties_share_the_lowest_rank() -> None:
    values = {"A": D("50"), "B": D("60"), "C": D("60"), "D": D("40")}
    result = position(values, area="A", decimals=0, higher_is_better=True)
    assert [(r["area"], r["rank"]) for r in result["ranking"]] == [
        ("B", 1),
        ("C", 1),
        ("A", 3),
        ("D", 4),
    ]
    assert result["rank_text"] == "3/4"


def test_it_ranks_lower_is_better_the_other_way() -> None:
    values = {"A": D("50"), "B": D("60"), "C": D("40")}
    result = position(values, area="A", decimals=0, higher_is_better=False)
    assert result["rank"] == 2
    assert result["ranking"][0]["area"] == "C"


def test_percentiles_are_linear_interpolation_and_exact() -> None:
    values = {c: D(v) for c, v in zip("ABCDE", ["1.1", "2.2", "3.3", "4.4", "10.0"], strict=True)}
    result = position(values, area="A", decimals=1, higher_is_better=True)
    # h = (n - 1) p: P25 = x[1] = 2.2, median = x[2] = 3.3, P75 = x[3] = 4.4
    assert (result["p25"], result["median"], result["p75"]) == (D("2.2"), D("3.3"), D("4.4"))
    four = {c: D(v) for c, v in zip("ABCD", ["27.7", "31.4", "35.2", "48.3"], strict=True)}
    result = position(four, area="D", decimals=1, higher_is_better=True)
    # P25: h = 0.75 -> 27.7 + 0.75 × 3.7 = 30.475; P75: h = 2.25 -> 35.2 + 0.25 × 13.1 = 38.475
    assert result["p25"] == D("30.475")
    assert result["median"] == D("33.3")
    assert result["p75"] == D("38.475")


def test_values_are_rounded_half_up_to_the_metrics_decimals_before_anything_else() -> None:
    values = {"A": D("27.700000000000003"), "B": D("27.75"), "C": D("27.65")}
    result = position(values, area="A", decimals=1, higher_is_better=True)
    assert [r["value"] for r in result["ranking"]] == [D("27.8"), D("27.7"), D("27.7")]
    assert result["rank"] == 2  # 27.7 ties with C's 27.65 once rounded
    assert round_value(D("2.5"), 0) == D("3")


@pytest.mark.parametrize(
    ("value", "higher", "expected"),
    [
        (D("75"), True, 1),  # exactly P75: top quartile when higher is better
        (D("74.9"), True, 2),
        (D("50"), True, 2),  # exactly the median
        (D("49.9"), True, 3),
        (D("25"), True, 3),  # exactly P25
        (D("24.9"), True, 4),
        (D("25"), False, 1),  # exactly P25: top quartile when lower is better
        (D("25.1"), False, 2),
        (D("50"), False, 2),
        (D("50.1"), False, 3),
        (D("75"), False, 3),
        (D("75.1"), False, 4),
    ],
)
def test_quartile_boundaries_go_to_the_better_quartile(
    value: Decimal, higher: bool, expected: int
) -> None:
    assert quartile(value, D(25), D(50), D(75), higher_is_better=higher) == expected


def test_a_value_equal_to_p75_with_a_tie_is_in_the_top_quartile() -> None:
    values = {"A": D("0.1"), "B": D("0.2"), "C": D("0.3"), "D": D("0.3"), "E": D("0.7")}
    result = position(values, area="C", decimals=1, higher_is_better=True)
    assert result["p75"] == D("0.3")
    assert result["quartile"] == 1
    assert [r["rank"] for r in result["ranking"]] == [1, 2, 2, 4, 5]


def test_percentiles_carry_no_float_noise() -> None:
    # In floats the median of 0.1 and 0.2 is 0.15000000000000002.
    result = position({"A": D("0.1"), "B": D("0.2")}, area="A", decimals=1, higher_is_better=True)
    assert result["median"] == D("0.15")
    assert str(result["median"]) == "0.15"


def test_all_equal_values_rank_first_together() -> None:
    values = {c: D("42.0") for c in "ABCD"}
    result = position(values, area="B", decimals=1, higher_is_better=True)
    assert result["rank_text"] == "1/4"
    assert result["quartile"] == 1
    assert result["all_equal"] is True
    assert result["gap_to_median"] == D("0.0")


def test_a_set_of_one_has_a_rank_but_no_quartile() -> None:
    result = position({"A": D("12.3")}, area="A", decimals=1, higher_is_better=True)
    assert result["n"] == 1
    assert result["rank_text"] == "1/1"
    assert result["quartile"] is None
    assert result["median"] == D("12.3")


def test_an_area_without_a_value_gets_the_set_but_no_position() -> None:
    result = position({"A": D("1"), "B": D("2")}, area="Z", decimals=0, higher_is_better=True)
    assert result["n"] == 2
    assert result["value"] is None
    assert result["rank"] is None
    assert result["quartile"] is None
    assert result["median"] == D("1.5")


def test_an_empty_set_gives_nothing() -> None:
    result = position({}, area="A", decimals=1, higher_is_better=True)
    assert result["n"] == 0
    assert result["ranking"] == []


def test_gaps_are_value_minus_median_and_top_boundary() -> None:
    values = {c: D(v) for c, v in zip("ABCDE", ["10", "20", "30", "40", "50"], strict=True)}
    up = position(values, area="B", decimals=0, higher_is_better=True)
    assert (up["gap_to_median"], up["gap_to_top_quartile"]) == (D("-10"), D("-20"))
    down = position(values, area="B", decimals=0, higher_is_better=False)
    assert (down["gap_to_median"], down["gap_to_top_quartile"]) == (D("-10"), D("0"))


def test_many_periods_are_worked_out_apart() -> None:
    rows = [("2022/23", "A", D("1")), ("2022/23", "B", D("2")), ("2023/24", "A", D("5"))]
    found = positions(rows, area="A", decimals=0, higher_is_better=True)
    assert found["2022/23"]["rank_text"] == "2/2"
    assert found["2023/24"]["rank_text"] == "1/1"


figures = st.decimals(min_value=-1000, max_value=1000, places=1, allow_nan=False)


@given(st.dictionaries(st.text("ABCDEFGHIJ", min_size=1, max_size=2), figures, min_size=2))
def test_it_agrees_with_plain_python_on_any_set(values: dict[str, Decimal]) -> None:
    area = sorted(values)[0]
    for higher in (True, False):
        result = position(values, area=area, decimals=1, higher_is_better=higher)
        assert result["n"] == len(values)
        assert result["rank"] == expected_rank(values, area, higher)
        p25, median, p75 = (
            exact_percentile(list(values.values()), Fraction(q, 4)) for q in (1, 2, 3)
        )
        assert (Fraction(result["p25"]), Fraction(result["median"]), Fraction(result["p75"])) == (
            p25,
            median,
            p75,
        )
        v = Fraction(values[area])
        if higher:
            want = 1 if v >= p75 else 2 if v >= median else 3 if v >= p25 else 4
        else:
            want = 1 if v <= p25 else 2 if v <= median else 3 if v <= p75 else 4
        assert result["quartile"] == want
        assert result["min"] == min(values.values())
        assert result["max"] == max(values.values())
