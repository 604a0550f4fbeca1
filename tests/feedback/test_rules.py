"""The pure rules: normalising scores, timeliness, look-back windows, dates and stages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback import rules
from feedback.rules import Timeliness


@pytest.mark.parametrize(
    ("score", "low", "high", "expected"),
    [
        ("4.2", "1", "5", "80.0"),
        ("1", "1", "5", "0.0"),
        ("5", "1", "5", "100.0"),
        ("7", "0", "10", "70.0"),
        ("3", "1", "4", "66.7"),
    ],
)
def test_a_score_is_normalised_to_a_percentage(
    score: str, low: str, high: str, expected: str
) -> None:
    assert rules.normalise(Decimal(score), Decimal(low), Decimal(high)) == Decimal(expected)


def test_a_score_outside_its_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="between 1 and 5"):
        rules.normalise(Decimal("6"), Decimal(1), Decimal(5))
    with pytest.raises(ValueError, match="above the lowest"):
        rules.normalise(Decimal("3"), Decimal(5), Decimal(5))


@given(
    st.decimals(min_value=-100, max_value=100, places=2),
    st.decimals(min_value=Decimal("0.01"), max_value=100, places=2),
    st.floats(min_value=0, max_value=1),
)
def test_normalised_scores_stay_between_0_and_100(low: Decimal, width: Decimal, at: float) -> None:
    high = low + width
    score = min(high, max(low, (low + width * Decimal(str(at))).quantize(Decimal("0.01"))))
    assert Decimal(0) <= rules.normalise(score, low, high) <= Decimal(100)


def test_answered_on_the_due_date_is_on_time() -> None:
    due = date(2025, 4, 30)
    assert rules.timeliness(due, date(2025, 4, 30), date(2025, 6, 1)) == Timeliness.ON_TIME
    assert rules.timeliness(due, date(2025, 5, 1), date(2025, 6, 1)) == Timeliness.LATE


def test_unanswered_is_late_once_the_due_date_has_passed_and_pending_before() -> None:
    due = date(2025, 4, 30)
    assert rules.timeliness(due, None, date(2025, 4, 30)) == Timeliness.PENDING
    assert rules.timeliness(due, None, date(2025, 5, 1)) == Timeliness.LATE


@given(st.dates(), st.integers(min_value=0, max_value=40), st.dates())
def test_an_answered_complaint_never_depends_on_today(due: date, days: int, today: date) -> None:
    answered = due + timedelta(days=days) if due < date(9999, 11, 1) else due
    assert rules.timeliness(due, answered, today) == (
        Timeliness.ON_TIME if answered <= due else Timeliness.LATE
    )


def test_percent_has_no_value_without_a_denominator() -> None:
    assert rules.percent(0, 0) is None
    assert rules.percent(2, 3) == Decimal("66.7")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 26), 6, date(2026, 5, 26)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2026, 3, 15), 12, date(2025, 3, 15)),
        (date(2024, 8, 31), 6, date(2024, 2, 29)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert rules.months_before(day, months) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-30", date(2025, 4, 30)),
        ("30/04/2025", date(2025, 4, 30)),
        ("3/4/2025", date(2025, 4, 3)),
        ("2025-04-30 14:05:00", date(2025, 4, 30)),
        ("2025-04-30T14:05", date(2025, 4, 30)),
        ("30/04/2025 09:15", date(2025, 4, 30)),
    ],
)
def test_dates_iso_or_day_first(text: str, expected: date) -> None:
    assert rules.parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["04/30/2025", "31/02/2025", "2025-13-01", "last Tuesday", "45678"]
)
def test_dates_that_are_not_refused(text: str) -> None:
    with pytest.raises(ValueError):
        rules.parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", "1"),
        ("Stage 1", "1"),
        ("STAGE-2", "2"),
        ("stage_2", "2"),
        ("Ombudsman", "ombudsman"),
        ("LGSCO", "ombudsman"),
        ("Housing Ombudsman", "ombudsman"),
    ],
)
def test_stage_spellings(text: str, expected: str) -> None:
    assert rules.parse_stage(text) == expected


def test_an_unknown_stage_says_what_is_accepted() -> None:
    with pytest.raises(ValueError, match="Ombudsman"):
        rules.parse_stage("stage 3")
