"""The pure rules: the nine-month limit, the four-year rule and the aims."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from fsr import rules
from fsr.rules import RuleStatus


@pytest.mark.parametrize(
    ("start", "latest"),
    [
        (date(2026, 4, 1), date(2027, 1, 1)),
        (date(2026, 5, 31), date(2027, 2, 28)),
        (date(2027, 5, 31), date(2028, 2, 29)),  # a leap year
        (date(2026, 6, 30), date(2027, 3, 30)),
        (date(2026, 12, 31), date(2027, 9, 30)),
    ],
)
def test_the_latest_planned_end_is_nine_calendar_months_on(start: date, latest: date) -> None:
    assert rules.latest_planned_end(start) == latest


def test_exactly_nine_months_is_accepted() -> None:
    assert rules.duration_problem(date(2026, 5, 31), date(2027, 2, 28)) is None


def test_nine_months_and_a_day_is_refused_naming_the_limit_and_the_dates() -> None:
    problem = rules.duration_problem(date(2026, 5, 31), date(2027, 3, 1))
    assert problem == (
        "A review may last at most nine months: it starts on 31 May 2026, so it must be "
        "planned to end by 28 February 2027, not 1 March 2027."
    )


def test_ten_months_is_refused() -> None:
    problem = rules.duration_problem(date(2026, 4, 1), date(2027, 2, 1))
    assert problem is not None and "at most nine months" in problem
    assert "1 January 2027" in problem


def test_an_end_before_the_start_is_refused() -> None:
    problem = rules.duration_problem(date(2026, 4, 1), date(2026, 3, 31))
    assert problem == "The planned end (31 March 2026) is before the start (1 April 2026)."


TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("last_ended", "status"),
    [
        (TODAY - relativedelta(years=3, months=11), RuleStatus.DUE_SOON),
        (TODAY - relativedelta(years=4), RuleStatus.DUE_SOON),  # due today: still kept
        (TODAY - relativedelta(years=4, days=1), RuleStatus.OVERDUE),
        (TODAY - relativedelta(years=2), RuleStatus.OK),
        (TODAY - relativedelta(years=3), RuleStatus.OK),
        (TODAY - relativedelta(years=3, days=1), RuleStatus.DUE_SOON),
        (None, RuleStatus.NEVER),
    ],
)
def test_the_four_year_rule(last_ended: date | None, status: RuleStatus) -> None:
    check = rules.four_year_check(last_ended, TODAY)
    assert check.status == status
    assert check.flagged == (status in (RuleStatus.OVERDUE, RuleStatus.NEVER))


def test_the_deadline_of_a_leap_day_review_is_the_28th() -> None:
    check = rules.four_year_check(date(2024, 2, 29), TODAY)
    assert check.deadline == date(2028, 2, 29)
    assert rules.four_year_check(date(2020, 2, 29), TODAY).deadline == date(2024, 2, 29)
    assert rules.four_year_check(date(2023, 3, 31), TODAY).deadline == date(2027, 3, 31)


def test_years_between() -> None:
    assert rules.years_between(date(2022, 11, 20), TODAY) == Decimal("4.0")
    assert rules.years_between(date(2025, 5, 20), TODAY) == Decimal("1.5")


def comparison(**fields: object) -> rules.Comparison:
    values: dict[str, object] = {
        "baseline_cost": Decimal("1000000"),
        "outcome_cost": Decimal("850000"),
        "baseline_percent": Decimal("60"),
        "outcome_percent": Decimal("75"),
        "aim_performance_pct": Decimal("20"),
        "aim_cost_pct": Decimal("20"),
        **fields,
    }
    return rules.Comparison(**values)  # type: ignore[arg-type]


def test_the_comparison_with_the_aims() -> None:
    c = comparison()
    assert c.target_cost == Decimal("800000.00")
    assert c.savings == Decimal("150000")
    assert c.savings_pct == Decimal("15.0")
    assert c.cost_aim_met is False
    assert c.target_percent == Decimal("72.0")
    assert c.change_points == Decimal("15")
    assert c.change_pct == Decimal("25.0")
    assert c.performance_aim_met is True


def test_the_performance_aim_is_at_most_100_percent() -> None:
    c = comparison(baseline_percent=Decimal("90"), outcome_percent=Decimal("100"))
    assert c.target_percent == Decimal("100")
    assert c.performance_aim_met is True


def test_missing_figures_stay_missing_never_zero() -> None:
    c = comparison(outcome_cost=None, baseline_percent=None)
    assert (c.savings, c.savings_pct, c.cost_aim_met) == (None, None, None)
    assert (c.target_percent, c.change_points, c.change_pct) == (None, None, None)
    assert c.performance_aim_met is None
    assert c.target_cost == Decimal("800000.00")


def test_a_service_that_costs_more_saved_a_negative_amount() -> None:
    c = comparison(outcome_cost=Decimal("1100000"))
    assert c.savings == Decimal("-100000")
    assert c.cost_aim_met is False


def test_percent() -> None:
    assert rules.percent(2, 3) == Decimal("66.7")
    assert rules.percent(0, 0) is None
