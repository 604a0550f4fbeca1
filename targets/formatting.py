"""Figures as people read them: at the measure's (or metric's) decimals, in its unit.

Pure functions, no Django, shared by measures, benchmark metrics, the packs and the API's text.
Rounding is half up, as the RAG rules round (`rules.round_to`), so a figure shown as 80.0% is
the figure rated. A negative figure takes a true minus sign (U+2212) before the unit:
−£21.72, −3.5%.
"""

from __future__ import annotations

from decimal import Decimal

from targets.rules import round_to

MINUS = "\u2212"
MISSING = "–"

# The units' codes, as `Measure.Unit` stores them.
PERCENT = "percent"
CURRENCY = "currency"
DAYS = "days"


def number(value: Decimal, decimals: int) -> str:
    """The value rounded half up to `decimals` places, with thousands separators.

    A value that rounds to zero has no sign: −0.04 at one place is 0.0, never −0.0.
    """
    rounded = round_to(value, decimals)
    text = f"{abs(rounded):,.{decimals}f}"
    return f"{MINUS}{text}" if rounded < 0 else text


def figure(value: Decimal | None, *, unit: str, decimals: int) -> str:
    """A figure in its unit: 48.0%, £1,234.50, 12 days, −£21.72; – when there is none."""
    if value is None:
        return MISSING
    # Rounded once (half up is symmetric: the size of the rounded figure is the rounded size).
    rounded = round_to(value, decimals)
    text = f"{abs(rounded):,.{decimals}f}"
    sign = MINUS if rounded < 0 else ""
    if unit == PERCENT:
        return f"{sign}{text}%"
    if unit == CURRENCY:
        return f"{sign}£{text}"
    if unit == DAYS:
        return f"{sign}{text} days"
    return f"{sign}{text}"


def difference(value: Decimal | None, *, unit: str, decimals: int) -> str:
    """The size of a gap between two figures of a unit: a gap between two percentages is in
    percentage points ("0.7 percentage points"), never a percentage."""
    if value is None:
        return MISSING
    if unit == PERCENT:
        text = number(value, decimals)
        return f"{text} percentage point{'' if text == '1' else 's'}"
    return figure(value, unit=unit, decimals=decimals)


def stored(value: Decimal | None, decimals: int) -> str:
    """The stored figure, exactly, to at least `decimals` places: 7041.000000 at 0 places is
    7041, 12.500000 at 2 is 12.50, but 12.345000 at 1 is 12.345 (never rounded: the admin shows
    what is stored, without the six places of the column). Empty when there is none."""
    if value is None:
        return ""
    value = abs(value) if value == 0 else value
    exponent = value.normalize().as_tuple().exponent
    places = max(decimals, -exponent if isinstance(exponent, int) else 0, 0)
    return f"{value:.{places}f}"
