"""Figures as people read them: decimals, units, a true minus, percentage points."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.formatting import MINUS, difference, figure, number
from targets.rules import round_to

D = Decimal


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "text"),
    [
        ("48", "percent", 1, "48.0%"),
        ("79.95", "percent", 1, "80.0%"),  # half up, as the RAG rules round
        ("45.25", "percent", 1, "45.3%"),
        ("-21.72", "currency", 2, "−£21.72"),
        ("1234.5", "currency", 2, "£1,234.50"),
        ("-1234567", "currency", 0, "−£1,234,567"),
        ("832408", "count", 0, "832,408"),
        ("12", "days", 0, "12 days"),
        ("-3.46", "score", 1, "−3.5"),
        ("-0.04", "percent", 1, "0.0%"),  # rounds to zero: no sign
        ("0", "ratio", 2, "0.00"),
    ],
)
def test_figure_in_its_unit(value: str, unit: str, decimals: int, text: str) -> None:
    assert figure(D(value), unit=unit, decimals=decimals) == text


def test_no_figure_is_a_dash() -> None:
    assert figure(None, unit="percent", decimals=1) == "–"
    assert difference(None, unit="percent", decimals=1) == "–"


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "text"),
    [
        ("0.65", "percent", 1, "0.7 percentage points"),
        ("1", "percent", 0, "1 percentage point"),
        ("2.5", "percent", 1, "2.5 percentage points"),
        ("21.72", "currency", 2, "£21.72"),
        ("3", "days", 0, "3 days"),
    ],
)
def test_a_gap_between_percentages_is_in_points(
    value: str, unit: str, decimals: int, text: str
) -> None:
    assert difference(D(value), unit=unit, decimals=decimals) == text


def test_the_minus_is_a_true_minus_sign() -> None:
    assert MINUS == "\u2212"
    assert "-" not in figure(D("-5"), unit="currency", decimals=2)


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False),
    st.integers(min_value=0, max_value=3),
)
def test_number_reads_back_as_the_rounded_value(value: Decimal, decimals: int) -> None:
    text = number(value, decimals)
    assert Decimal(text.replace(",", "").replace(MINUS, "-")) == round_to(value, decimals)
    assert "-" not in text
    places = text.split(".")[1] if "." in text else ""
    assert len(places) == decimals
