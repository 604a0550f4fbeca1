from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from targets import periods, rules
from targets.rules import (
    DIRECTION_ARROWS,
    DIRECTION_LABELS,
    Aggregation,
    Direction,
    GreyReason,
    OnTargetSummary,
    PeriodFigures,
    Polarity,
    Rag,
    RagResult,
    TargetSpec,
    YearToDate,
    counts_towards_ytd,
    direction_of_travel,
    forecast_rag,
    period_target,
    rag_status,
    ratio_actual,
    round_to,
    summarise,
    tolerance_amount,
    year_to_date,
    year_to_date_like_for_like,
    ytd_target,
)

D = Decimal
UP, DOWN, RANGE, NONE = Polarity.UP, Polarity.DOWN, Polarity.RANGE, Polarity.NONE
GREEN, AMBER, RED, GREY = Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY
IMPROVING, WORSENING, NO_CHANGE = Direction.IMPROVING, Direction.WORSENING, Direction.NO_CHANGE
INCREASING, DECREASING = Direction.INCREASING, Direction.DECREASING


def target(value: str) -> TargetSpec:
    return TargetSpec(value=D(value))


def between(lower: str, upper: str) -> TargetSpec:
    return TargetSpec(lower=D(lower), upper=D(upper))


def dec(value: str | None) -> Decimal | None:
    return None if value is None else D(value)


# --- rounding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("79.95", 1, "80.0"),
        ("79.94", 1, "79.9"),
        ("2.5", 0, "3"),
        ("-2.5", 0, "-3"),  # half up means away from zero, as people round by hand
        ("0.125", 2, "0.13"),
        ("7", 2, "7.00"),
        ("1234", -2, "1.2E+3"),
    ],
)
def test_round_to_rounds_half_up(value: str, decimals: int, expected: str) -> None:
    assert round_to(D(value), decimals) == D(expected)


# --- tolerance -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "pct", "absolute", "expected"),
    [
        ("80", "5", None, "4"),
        ("-80", "5", None, "4"),  # a percentage is of |target|, so it still widens the band
        ("80", None, "2.5", "2.5"),
        ("80", "5", "1", "1"),  # absolute wins
        ("80", None, None, "0"),
        ("0", "5", None, "0"),
    ],
)
def test_tolerance_amount(
    reference: str, pct: str | None, absolute: str | None, expected: str
) -> None:
    amount = tolerance_amount(D(reference), tolerance_pct=dec(pct), tolerance_abs=dec(absolute))
    assert amount == D(expected)


def test_negative_tolerance_is_rejected() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        tolerance_amount(D(80), tolerance_pct=None, tolerance_abs=D(-1))


# --- RAG status ------------------------------------------------------------------------------

# (actual, target, polarity, decimals, tolerance %, tolerance abs, expected)
RAG_CASES = [
    # higher is better, target 80, 5% tolerance = 4
    ("80", "80", UP, 1, "5", None, GREEN),  # exactly on target
    ("95", "80", UP, 1, "5", None, GREEN),
    ("79.9", "80", UP, 1, "5", None, AMBER),
    ("76", "80", UP, 1, "5", None, AMBER),  # exactly on the tolerance edge
    ("75.9", "80", UP, 1, "5", None, RED),  # just past it
    ("79.9", "80", UP, 1, None, None, RED),  # no tolerance: anything short is red
    # the actual is rounded to the measure's decimals before comparing; the target is not
    ("79.95", "80", UP, 1, "5", None, GREEN),
    ("79.95", "80", UP, 2, "5", None, AMBER),
    ("79.94", "80", UP, 1, None, None, RED),
    ("75.95", "80", UP, 1, "5", None, AMBER),
    ("75.94", "80", UP, 1, "5", None, RED),
    ("80", "80.4", UP, 0, None, None, RED),
    # absolute tolerance, and absolute winning over a percentage
    ("78", "80", UP, 1, None, "2", AMBER),
    ("77.9", "80", UP, 1, None, "2", RED),
    ("78", "80", UP, 1, "5", "1", RED),
    # lower is better mirrored: target 10 days, 10% = 1
    ("10", "10", DOWN, 1, "10", None, GREEN),
    ("2", "10", DOWN, 1, "10", None, GREEN),
    ("10.1", "10", DOWN, 1, "10", None, AMBER),
    ("11", "10", DOWN, 1, "10", None, AMBER),
    ("11.1", "10", DOWN, 1, "10", None, RED),
    ("12", "10", DOWN, 1, None, "2", AMBER),
    ("12.1", "10", DOWN, 1, None, "2", RED),
    ("10.04", "10", DOWN, 1, None, None, GREEN),
    # negative targets: a percentage tolerance is of |t|
    ("-10", "-10", UP, 1, "10", None, GREEN),
    ("-11", "-10", UP, 1, "10", None, AMBER),
    ("-11.1", "-10", UP, 1, "10", None, RED),
    ("-9", "-10", DOWN, 1, "10", None, AMBER),
    ("-8.9", "-10", DOWN, 1, "10", None, RED),
    ("-10.5", "-10", DOWN, 1, "10", None, GREEN),
]


@pytest.mark.parametrize(
    ("actual", "target_value", "polarity", "decimals", "pct", "absolute", "expected"), RAG_CASES
)
def test_rag_status_higher_and_lower_is_better(
    actual: str,
    target_value: str,
    polarity: Polarity,
    decimals: int,
    pct: str | None,
    absolute: str | None,
    expected: Rag,
) -> None:
    result = rag_status(
        D(actual),
        target(target_value),
        polarity=polarity,
        decimals=decimals,
        tolerance_pct=dec(pct),
        tolerance_abs=dec(absolute),
    )
    assert result == RagResult(expected)


# range 95 to 105; 10% is taken of the bound that is crossed: 9.5 below, 10.5 above
RANGE_CASES = [
    ("100", "10", None, GREEN),
    ("95", "10", None, GREEN),  # lower edge is inside
    ("105", "10", None, GREEN),  # upper edge is inside
    ("94.9", "10", None, AMBER),
    ("85.5", "10", None, AMBER),  # tolerance edge below
    ("85.4", "10", None, RED),
    ("105.1", "10", None, AMBER),
    ("115.5", "10", None, AMBER),  # tolerance edge above
    ("115.6", "10", None, RED),
    ("93", None, "2", AMBER),
    ("92.9", None, "2", RED),
    ("107", None, "2", AMBER),
    ("107.1", None, "2", RED),
    ("94.96", None, None, GREEN),  # rounds to 95.0
    ("94.9", None, None, RED),
    ("105.1", None, None, RED),
]


@pytest.mark.parametrize(("actual", "pct", "absolute", "expected"), RANGE_CASES)
def test_rag_status_range(
    actual: str, pct: str | None, absolute: str | None, expected: Rag
) -> None:
    result = rag_status(
        D(actual),
        between("95", "105"),
        polarity=RANGE,
        decimals=1,
        tolerance_pct=dec(pct),
        tolerance_abs=dec(absolute),
    )
    assert result.rag == expected


def test_exactly_on_target_is_green() -> None:
    assert rag_status(D(80), target("80"), polarity=UP, decimals=0).rag == GREEN


def test_exactly_on_the_tolerance_edge_is_amber() -> None:
    result = rag_status(D(76), target("80"), polarity=UP, decimals=0, tolerance_pct=D(5))
    assert result.rag == AMBER


@pytest.mark.parametrize(
    ("actual", "spec", "polarity", "reason"),
    [
        ("50", target("80"), NONE, GreyReason.DATA_ONLY),
        (None, None, NONE, GreyReason.DATA_ONLY),  # data only comes before anything else
        ("50", None, UP, GreyReason.NO_TARGET),
        ("50", TargetSpec(), DOWN, GreyReason.NO_TARGET),
        ("50", TargetSpec(lower=D(10)), RANGE, GreyReason.NO_TARGET),  # a range needs both
        ("50", target("80"), RANGE, GreyReason.NO_TARGET),
        ("50", between("1", "2"), UP, GreyReason.NO_TARGET),
        (None, None, UP, GreyReason.NO_TARGET),  # no target comes before no data
        (None, target("80"), UP, GreyReason.NO_DATA),
        (None, between("1", "2"), RANGE, GreyReason.NO_DATA),
    ],
)
def test_grey_says_why(
    actual: str | None, spec: TargetSpec | None, polarity: Polarity, reason: GreyReason
) -> None:
    result = rag_status(dec(actual), spec, polarity=polarity, decimals=0)
    assert result == RagResult(GREY, reason)


def test_polarity_and_strings_from_the_database_are_accepted() -> None:
    assert rag_status(D(9), target("10"), polarity="down", decimals=0).rag == GREEN


@pytest.mark.parametrize(
    ("result", "label", "symbol"),
    [
        (RagResult(GREEN), "On target", "✓"),
        (RagResult(AMBER), "Within tolerance", "!"),
        (RagResult(RED), "Off target", "✗"),
        (RagResult(GREY, GreyReason.NO_TARGET), "No target", "–"),
        (RagResult(GREY, GreyReason.NO_DATA), "No data", "–"),
        (RagResult(GREY, GreyReason.DATA_ONLY), "Data only", "–"),
    ],
)
def test_rag_result_label_and_symbol(result: RagResult, label: str, symbol: str) -> None:
    assert (result.label, result.symbol) == (label, symbol)


def test_only_grey_has_a_reason() -> None:
    with pytest.raises(ValueError, match="Only a grey status has a reason"):
        RagResult(GREEN, GreyReason.NO_DATA)


@pytest.mark.parametrize(
    ("spec", "polarity", "expected"),
    [
        (target("1"), UP, True),
        (target("1"), DOWN, True),
        (TargetSpec(), UP, False),
        (between("1", "2"), RANGE, True),
        (TargetSpec(upper=D(2)), RANGE, False),
        (target("1"), RANGE, False),
        (target("1"), NONE, True),
    ],
)
def test_target_is_set(spec: TargetSpec, polarity: Polarity, expected: bool) -> None:
    assert spec.is_set(polarity) is expected


@pytest.mark.parametrize(
    ("forecast", "expected"),
    [("120", RagResult(GREEN)), ("114", RagResult(AMBER)), ("113.9", RagResult(RED)),
     (None, RagResult(GREY, GreyReason.NO_DATA))],
)  # fmt: skip
def test_forecast_is_rated_against_the_annual_target(
    forecast: str | None, expected: RagResult
) -> None:
    result = forecast_rag(dec(forecast), target("120"), polarity=UP, decimals=1, tolerance_pct=D(5))
    assert result == expected


# --- direction of travel ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "decimals", "expected"),
    [
        ("81", "80", UP, 0, IMPROVING),
        ("79", "80", UP, 0, WORSENING),
        ("79", "80", DOWN, 0, IMPROVING),
        ("81", "80", DOWN, 0, WORSENING),
        ("81", "80", NONE, 0, INCREASING),
        ("79", "80", NONE, 0, DECREASING),
        ("81", "80", RANGE, 0, INCREASING),  # no range to judge by
        ("79", "80", RANGE, 0, DECREASING),
        ("80", "80", UP, 0, NO_CHANGE),
        ("80", "80", DOWN, 0, NO_CHANGE),
        ("80", "80", NONE, 0, NO_CHANGE),
        ("80", "80", RANGE, 0, NO_CHANGE),
        # equal at the measure's decimals is no change
        ("80.04", "80.01", UP, 1, NO_CHANGE),
        ("80.04", "80.01", UP, 2, IMPROVING),
        ("80.04", "80.01", DOWN, 2, WORSENING),
        ("80.04", "79.96", NONE, 1, NO_CHANGE),
        ("80.05", "80.04", NONE, 1, INCREASING),  # 80.1 against 80.0
    ],
)
def test_direction_of_travel(
    current: str, previous: str, polarity: Polarity, decimals: int, expected: Direction
) -> None:
    result = direction_of_travel(D(current), D(previous), polarity=polarity, decimals=decimals)
    assert result == expected


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        ("94", "90", IMPROVING),  # closer from below
        ("90", "94", WORSENING),
        ("100", "110", IMPROVING),  # into the range from above
        ("110", "104", WORSENING),  # out of the range
        ("102", "100", INCREASING),  # both inside: same distance (0)
        ("98", "100", DECREASING),
        ("106", "94", INCREASING),  # both 1 away, on opposite sides
        ("94", "106", DECREASING),
        ("100", "100", NO_CHANGE),
    ],
)
def test_direction_of_travel_for_a_range(current: str, previous: str, expected: Direction) -> None:
    result = direction_of_travel(
        D(current), D(previous), polarity=RANGE, decimals=0, target=between("95", "105")
    )
    assert result == expected


@pytest.mark.parametrize(("current", "previous"), [(None, "1"), ("1", None), (None, None)])
def test_direction_of_travel_needs_both_values(current: str | None, previous: str | None) -> None:
    assert direction_of_travel(dec(current), dec(previous), polarity=UP, decimals=0) is None


def test_every_direction_has_an_arrow_and_a_word() -> None:
    for direction in Direction:
        assert direction.arrow == DIRECTION_ARROWS[direction] != ""
        assert direction.label == DIRECTION_LABELS[direction] != ""
    assert len(set(DIRECTION_ARROWS.values())) == len(Direction)
    assert Direction.NO_CHANGE.label == "No change"


# --- year to date ----------------------------------------------------------------------------


def figures(*actuals: str | None) -> list[PeriodFigures]:
    return [PeriodFigures(dec(a)) for a in actuals]


@pytest.mark.parametrize(
    ("aggregation", "values", "expected"),
    [
        (Aggregation.SNAPSHOT, figures("10", "12", "11"), "11"),
        (Aggregation.SNAPSHOT, figures("10", "12", None), "12"),  # latest that has a value
        (Aggregation.SUM, figures("10", "12", "11"), "33"),
        (Aggregation.SUM, figures("10", None, "5"), "15"),
        (Aggregation.MEAN, figures("10", "12", "11"), "11"),
        (Aggregation.MEAN, figures("10", None, "20"), "15"),  # the missing month is not a zero
        (Aggregation.SUM, figures("-5", "5"), "0"),
    ],
)
def test_year_to_date(aggregation: Aggregation, values: list[PeriodFigures], expected: str) -> None:
    assert year_to_date(values, aggregation) == D(expected)


@pytest.mark.parametrize("aggregation", list(Aggregation))
@pytest.mark.parametrize("values", [[], figures(None, None)])
def test_year_to_date_of_nothing_is_none(
    aggregation: Aggregation, values: list[PeriodFigures]
) -> None:
    assert year_to_date(values, aggregation) is None


def test_ratio_year_to_date_is_not_an_average_of_percentages() -> None:
    values = [
        PeriodFigures(D(50), numerator=D(1), denominator=D(2)),  # 50%
        PeriodFigures(D(90), numerator=D(90), denominator=D(100)),  # 90%
    ]
    ytd = year_to_date(values, Aggregation.RATIO, scale=D(100))
    average_of_percentages = year_to_date(values, Aggregation.MEAN)
    assert ytd is not None
    assert round_to(ytd, 2) == D("89.22")  # 91 / 102
    assert average_of_percentages == D(70)
    assert ytd != average_of_percentages


def test_ratio_year_to_date_skips_periods_without_numerator_and_denominator() -> None:
    values = [
        PeriodFigures(D(50), numerator=D(1), denominator=D(2)),
        PeriodFigures(D(99)),
        PeriodFigures(None),
        PeriodFigures(D(75), numerator=D(2), denominator=None),
        PeriodFigures(D(100), numerator=D(3), denominator=D(2)),
    ]
    assert year_to_date(values, "ratio") == D(1)


def test_ratio_year_to_date_with_zero_denominator_is_none() -> None:
    values = [PeriodFigures(D(0), numerator=D(0), denominator=D(0))]
    assert year_to_date(values, Aggregation.RATIO, scale=D(100)) is None


@pytest.mark.parametrize(
    ("numerator", "denominator", "scale", "expected"),
    [
        ("45", "60", "100", "75"),
        ("45", "60", "1", "0.75"),
        ("1", "0", "100", None),
        ("1", None, "100", None),
        (None, "2", "100", None),
    ],
)
def test_ratio_actual(
    numerator: str | None, denominator: str | None, scale: str, expected: str | None
) -> None:
    result = ratio_actual(dec(numerator), dec(denominator), scale=D(scale))
    assert result == dec(expected)


def test_ratio_actual_scales_before_dividing() -> None:
    assert ratio_actual(D(1), D(3), scale=D(100)) == D(100) / D(3)


# --- period and year-to-date targets ---------------------------------------------------------


@pytest.mark.parametrize(
    ("aggregation", "periods", "expected"),
    [
        (Aggregation.SUM, 12, target("10")),  # 120 a year is 10 a month
        (Aggregation.SUM, 4, target("30")),
        (Aggregation.SNAPSHOT, 12, target("120")),
        (Aggregation.MEAN, 12, target("120")),
        (Aggregation.RATIO, 4, target("120")),
    ],
)
def test_period_target_from_annual(
    aggregation: Aggregation, periods: int, expected: TargetSpec
) -> None:
    result = period_target(target("120"), aggregation=aggregation, periods_in_year=periods)
    assert result == expected


def test_period_target_of_a_sum_range_divides_both_bounds() -> None:
    result = period_target(between("120", "240"), aggregation="sum", periods_in_year=12)
    assert result == between("10", "20")


@pytest.mark.parametrize("aggregation", list(Aggregation))
def test_profiled_period_target_wins(aggregation: Aggregation) -> None:
    result = period_target(
        target("120"), aggregation=aggregation, periods_in_year=12, profiled=target("7")
    )
    assert result == target("7")


def test_period_target_without_annual_or_profile_is_none() -> None:
    assert period_target(None, aggregation=Aggregation.SUM, periods_in_year=12) is None


def unprofiled(annual: TargetSpec, aggregation: Aggregation, count: int) -> list[TargetSpec | None]:
    return [period_target(annual, aggregation=aggregation, periods_in_year=12)] * count


def test_sum_ytd_target_is_20_by_may_for_120_a_year() -> None:
    so_far = unprofiled(target("120"), Aggregation.SUM, 2)
    result = ytd_target(
        target("120"), aggregation=Aggregation.SUM, periods_in_year=12, period_targets_so_far=so_far
    )
    assert result == target("20")


def test_sum_ytd_target_adds_profiled_targets() -> None:
    so_far: list[TargetSpec | None] = [target("5"), target("15"), target("30")]
    result = ytd_target(
        target("120"), aggregation=Aggregation.SUM, periods_in_year=12, period_targets_so_far=so_far
    )
    assert result == target("50")


def test_unprofiled_sum_ytd_target_at_year_end_is_exactly_the_annual() -> None:
    # 100 / 12 is a recurring decimal; twelve of them must still make exactly 100
    so_far = unprofiled(target("100"), Aggregation.SUM, 12)
    result = ytd_target(
        target("100"), aggregation=Aggregation.SUM, periods_in_year=12, period_targets_so_far=so_far
    )
    assert result == target("100")
    assert rag_status(D(100), result, polarity=DOWN, decimals=0).rag == GREEN


def test_snapshot_ytd_target_is_the_latest_period_target() -> None:
    so_far: list[TargetSpec | None] = [target("70"), target("75"), target("80")]
    result = ytd_target(
        target("80"),
        aggregation=Aggregation.SNAPSHOT,
        periods_in_year=12,
        period_targets_so_far=so_far,
    )
    assert result == target("80")


@pytest.mark.parametrize("aggregation", [Aggregation.MEAN, Aggregation.RATIO])
def test_mean_and_ratio_ytd_target_is_the_mean_of_period_targets(
    aggregation: Aggregation,
) -> None:
    profiled: list[TargetSpec | None] = [target("80"), target("90")]
    result = ytd_target(
        target("85"), aggregation=aggregation, periods_in_year=12, period_targets_so_far=profiled
    )
    assert result == target("85")
    so_far = unprofiled(target("92.5"), aggregation, 5)
    result = ytd_target(
        target("92.5"), aggregation=aggregation, periods_in_year=12, period_targets_so_far=so_far
    )
    assert result == target("92.5")


def test_ytd_target_of_a_range_combines_both_bounds() -> None:
    so_far: list[TargetSpec | None] = [between("1", "3"), between("2", "5")]
    result = ytd_target(
        None, aggregation=Aggregation.SUM, periods_in_year=12, period_targets_so_far=so_far
    )
    assert result == between("3", "8")


@pytest.mark.parametrize("aggregation", list(Aggregation))
@pytest.mark.parametrize("so_far", [[], [target("1"), None], [None]])
def test_ytd_target_is_none_when_a_period_target_is_missing(
    aggregation: Aggregation, so_far: list[TargetSpec | None]
) -> None:
    result = ytd_target(
        target("120"), aggregation=aggregation, periods_in_year=12, period_targets_so_far=so_far
    )
    assert result is None


# --- year to date over the same periods --------------------------------------------------------


def like_for_like(
    actuals: list[str | None], aggregation: Aggregation, annual: str = "120", **kw: object
) -> YearToDate:
    figures = [PeriodFigures(actual=dec(a)) for a in actuals]
    share = period_target(target(annual), aggregation=aggregation, periods_in_year=12)
    return year_to_date_like_for_like(
        figures,
        [share] * len(figures),
        annual=target(annual),
        aggregation=aggregation,
        periods_in_year=12,
        **kw,  # type: ignore[arg-type]
    )


def test_seven_months_of_actuals_meet_seven_months_of_target() -> None:
    # Published to October, November not yet: the target stops at October too.
    result = like_for_like(["10"] * 7 + [None], Aggregation.SUM)
    assert result.actual == D(70)
    assert result.target == target("70")
    assert result.counted == tuple(range(7))


def test_a_gap_leaves_its_target_out_as_well() -> None:
    result = like_for_like(["10", None, "12"], Aggregation.SUM)
    assert (result.actual, result.target, result.counted) == (D(22), target("20"), (0, 2))


def test_snapshot_takes_the_target_of_the_latest_period_with_a_value() -> None:
    figures = [PeriodFigures(actual=D(5)), PeriodFigures(actual=D(6)), PeriodFigures(None)]
    result = year_to_date_like_for_like(
        figures,
        [target("4"), target("5"), target("9")],
        annual=target("9"),
        aggregation=Aggregation.SNAPSHOT,
        periods_in_year=12,
    )
    assert (result.actual, result.target) == (D(6), target("5"))


def test_ratio_counts_only_periods_with_numerator_and_denominator() -> None:
    figures = [
        PeriodFigures(actual=D(50), numerator=D(1), denominator=D(2)),
        PeriodFigures(actual=D(70)),  # no numerator or denominator: not in the ratio
        PeriodFigures(actual=D(25), numerator=D(1), denominator=D(4)),
    ]
    result = year_to_date_like_for_like(
        figures,
        [target("40"), target("60"), target("50")],
        annual=target("50"),
        aggregation=Aggregation.RATIO,
        periods_in_year=12,
        scale=D(100),
    )
    assert result.counted == (0, 2)
    assert result.actual == D(2) * 100 / D(6)
    assert result.target == target("45")


@pytest.mark.parametrize("aggregation", list(Aggregation))
def test_nothing_to_count_gives_no_actual_and_no_target(aggregation: Aggregation) -> None:
    assert like_for_like([None, None], aggregation) == YearToDate(actual=None, target=None)


def test_figures_and_targets_must_pair_up() -> None:
    with pytest.raises(ValueError, match="2 periods of figures but 1 of targets"):
        year_to_date_like_for_like(
            [PeriodFigures(D(1)), PeriodFigures(D(2))],
            [target("1")],
            annual=None,
            aggregation=Aggregation.SUM,
            periods_in_year=12,
        )


@pytest.mark.parametrize("aggregation", list(Aggregation))
def test_counts_towards_ytd(aggregation: Aggregation) -> None:
    with_pair = PeriodFigures(actual=None, numerator=D(1), denominator=D(2))
    actual_only = PeriodFigures(actual=D(3))
    ratio = aggregation == Aggregation.RATIO
    assert counts_towards_ytd(with_pair, aggregation) is ratio
    assert counts_towards_ytd(actual_only, aggregation) is not ratio
    assert counts_towards_ytd(PeriodFigures(None), aggregation) is False


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=500)), max_size=12))
def test_like_for_like_sum_target_is_a_twelfth_per_period_counted(
    actuals: list[int | None],
) -> None:
    result = like_for_like([None if a is None else str(a) for a in actuals], Aggregation.SUM)
    counted = [a for a in actuals if a is not None]
    assert len(result.counted) == len(counted)
    if counted:
        assert result.actual == sum(counted)
        assert result.target == target(str(10 * len(counted)))
    else:
        assert result.target is None


# --- x of y on target ------------------------------------------------------------------------


def test_38_of_46_on_target() -> None:
    items = (
        [(GREEN, False)] * 38 + [(AMBER, False)] * 5 + [(RED, False)] * 3 + [(GREY, False)] * 4
    ) + [(GREY, True)] * 2
    summary = summarise(items)
    assert summary.text == "38 of 46 (83%) on target"
    assert summary.as_dict() == {
        "rated": 46,
        "green": 38,
        "amber": 5,
        "red": 3,
        "grey": 6,
        "late": 2,
        "percent_on_target": 83,
    }


def test_nothing_rated_reads_0_of_0() -> None:
    summary = summarise([(GREY, False), (GREY, True)])
    assert summary.rated == 0
    assert summary.percent_on_target is None
    assert summary.text == "0 of 0 on target"
    assert summarise([]) == OnTargetSummary()


def test_a_late_measure_counts_as_late_and_grey() -> None:
    summary = summarise([(GREY, True), (GREEN, True), (GREEN, False)])
    assert (summary.late, summary.grey, summary.green, summary.rated) == (2, 2, 1, 1)


@pytest.mark.parametrize(
    ("green", "rated", "percent"), [(1, 8, 13), (2, 3, 67), (1, 3, 33), (5, 5, 100), (0, 4, 0)]
)
def test_percent_on_target_rounds_half_up(green: int, rated: int, percent: int) -> None:
    summary = OnTargetSummary(green=green, red=rated - green)
    assert summary.percent_on_target == percent


def test_summarise_accepts_rag_strings() -> None:
    assert summarise([("green", False), ("red", False)]).text == "1 of 2 (50%) on target"


# --- properties ------------------------------------------------------------------------------

RANK = {RED: 0, AMBER: 1, GREEN: 2}
figures_2dp = st.decimals(
    min_value=-10_000, max_value=10_000, places=2, allow_nan=False, allow_infinity=False
)
tolerances = st.decimals(
    min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False
)
decimal_places = st.integers(min_value=0, max_value=3)


def rank(
    actual: Decimal, spec: TargetSpec, polarity: Polarity, decimals: int, **tol: Decimal
) -> int:
    return RANK[rag_status(actual, spec, polarity=polarity, decimals=decimals, **tol).rag]


@given(figures_2dp, figures_2dp, figures_2dp, tolerances, decimal_places)
def test_higher_actual_is_never_worse_when_higher_is_better(
    a: Decimal, b: Decimal, t: Decimal, pct: Decimal, decimals: int
) -> None:
    low, high = sorted([a, b])
    spec = TargetSpec(value=t)
    assert rank(low, spec, UP, decimals, tolerance_pct=pct) <= rank(
        high, spec, UP, decimals, tolerance_pct=pct
    )


@given(figures_2dp, figures_2dp, figures_2dp, tolerances, decimal_places)
def test_lower_actual_is_never_worse_when_lower_is_better(
    a: Decimal, b: Decimal, t: Decimal, tol: Decimal, decimals: int
) -> None:
    low, high = sorted([a, b])
    spec = TargetSpec(value=t)
    assert rank(high, spec, DOWN, decimals, tolerance_abs=tol) <= rank(
        low, spec, DOWN, decimals, tolerance_abs=tol
    )


@given(
    figures_2dp,
    figures_2dp,
    figures_2dp,
    tolerances,
    tolerances,
    st.sampled_from([UP, DOWN, RANGE]),
    st.sampled_from(["tolerance_pct", "tolerance_abs"]),
)
def test_wider_tolerance_is_never_worse(
    actual: Decimal,
    x: Decimal,
    y: Decimal,
    tol_a: Decimal,
    tol_b: Decimal,
    polarity: Polarity,
    kind: str,
) -> None:
    narrow, wide = sorted([tol_a, tol_b])
    lower, upper = sorted([x, y])
    spec = TargetSpec(value=x, lower=lower, upper=upper)
    assert rank(actual, spec, polarity, 2, **{kind: narrow}) <= rank(
        actual, spec, polarity, 2, **{kind: wide}
    )


@given(figures_2dp, figures_2dp, tolerances, decimal_places)
def test_green_exactly_when_rounded_actual_meets_target(
    actual: Decimal, t: Decimal, pct: Decimal, decimals: int
) -> None:
    spec = TargetSpec(value=t)
    a = round_to(actual, decimals)
    up = rag_status(actual, spec, polarity=UP, decimals=decimals, tolerance_pct=pct).rag
    down = rag_status(actual, spec, polarity=DOWN, decimals=decimals, tolerance_pct=pct).rag
    assert (up == GREEN) == (a >= t)
    assert (down == GREEN) == (a <= t)
    assert up != GREY and down != GREY


@given(figures_2dp, figures_2dp, figures_2dp)
def test_range_is_green_exactly_inside_its_bounds(actual: Decimal, x: Decimal, y: Decimal) -> None:
    lower, upper = sorted([x, y])
    result = rag_status(actual, TargetSpec(lower=lower, upper=upper), polarity=RANGE, decimals=2)
    assert (result.rag == GREEN) == (lower <= actual <= upper)


OPPOSITE = {
    IMPROVING: WORSENING,
    WORSENING: IMPROVING,
    INCREASING: DECREASING,
    DECREASING: INCREASING,
    NO_CHANGE: NO_CHANGE,
}


@given(figures_2dp, figures_2dp, st.sampled_from(list(Polarity)), decimal_places)
def test_swapping_current_and_previous_reverses_the_direction(
    a: Decimal, b: Decimal, polarity: Polarity, decimals: int
) -> None:
    spec = TargetSpec(lower=D(-100), upper=D(100))
    forward = direction_of_travel(a, b, polarity=polarity, decimals=decimals, target=spec)
    backward = direction_of_travel(b, a, polarity=polarity, decimals=decimals, target=spec)
    assert forward is not None
    assert backward == OPPOSITE[forward]
    assert (forward == NO_CHANGE) == (round_to(a, decimals) == round_to(b, decimals))


@given(st.lists(st.one_of(st.none(), figures_2dp), max_size=12))
def test_year_to_date_sum_and_mean_agree(actuals: list[Decimal | None]) -> None:
    values = [PeriodFigures(a) for a in actuals]
    present = [a for a in actuals if a is not None]
    assume(present)
    total = year_to_date(values, Aggregation.SUM)
    mean = year_to_date(values, Aggregation.MEAN)
    assert total == sum(present, D(0))
    assert mean is not None
    assert min(present) <= mean <= max(present)
    assert year_to_date(values, Aggregation.SNAPSHOT) == present[-1]


# --- Enum members looked up (rules.member) -----------------------------------------------------


ENUMS = [Polarity, Aggregation, Rag, GreyReason, Direction, periods.Frequency]


@pytest.mark.parametrize("kind", ENUMS)
def test_member_is_the_enums_own_member_for_a_value_or_a_member(kind: Any) -> None:
    for each in kind:
        assert rules.member(kind, each.value) is kind(each.value)
        assert rules.member(kind, each) is each


@pytest.mark.parametrize("kind", ENUMS)
def test_member_refuses_what_the_enum_refuses(kind: Any) -> None:
    with pytest.raises(ValueError, match="is not a valid"):
        rules.member(kind, "sideways")


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("79.95", Rag.GREEN),  # 80.0 at one decimal meets 80
        ("79.94", Rag.AMBER),
        ("75.95", Rag.AMBER),  # 76.0: exactly the 5% tolerance
        ("75.94", Rag.RED),
        ("90", Rag.GREEN),
    ],
)
@pytest.mark.parametrize("polarity", ["up", Polarity.UP])
def test_a_rating_is_the_same_for_a_polarity_given_as_its_value_or_its_member(
    actual: str, expected: Rag, polarity: Polarity | str
) -> None:
    result = rules.rag_status(
        Decimal(actual),
        TargetSpec(value=Decimal("80")),
        polarity=polarity,
        decimals=1,
        tolerance_pct=Decimal("5"),
    )
    assert result == RagResult(expected)
