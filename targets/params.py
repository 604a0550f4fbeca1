"""Query parameters every page, export and API reads the same way: a financial year (`?year=`) and
a period (`?period=`), and the years a page offers.

A year is written `2026/27` or `2026` (its first calendar year); a period by its code (`2026-05`,
`2026/27-Q1`, `2026/27-B1`, `2026/27`). An empty parameter means the page's default. A bad value
is always refused the same way, whoever reads it: `BadParameter`, a 400 with a message saying
which parameter is wrong and why — rendered as the error page for pages (by
`config.middleware.BadParameterMiddleware`), as `{"year": ["…"]}` by the API, and as the filter's
error by a FilterSet (`YearFilter`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import django_filters
from django import forms
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from targets import periods
from targets.periods import Frequency, Period, PeriodError

EXAMPLES: dict[Frequency, tuple[str, str]] = {
    Frequency.MONTHLY: ("a month", "2025-04"),
    Frequency.QUARTERLY: ("a quarter", "2025/26-Q1"),
    Frequency.BIMONTHLY: ("a bi-month", "2025/26-B1"),
    Frequency.ANNUAL: ("a year", "2025/26"),
}


class BadParameter(ValidationError):
    """A query parameter that is not what it should be: a 400, saying which and why."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__({name: [message]})
        self.name = name
        self.message = message

    def __str__(self) -> str:
        return self.message


def this_year(today: date | None = None) -> int:
    return periods.financial_year_of(today or timezone.localdate())


def parse_year(text: str, *, name: str = "year") -> int:
    """The financial year of `2026/27` or `2026`, or BadParameter."""
    cleaned = text.strip()
    try:
        if cleaned.isdigit() and len(cleaned) == 4:
            year = int(cleaned)
        else:
            year = periods.parse_financial_year(cleaned)
        Period(year, Frequency.ANNUAL, 1)  # in the calendar's range
    except PeriodError:
        raise BadParameter(
            name, f"{cleaned!r} is not a financial year: use one such as 2026/27 or 2026."
        ) from None
    return year


def year_param(
    query: Mapping[str, Any],
    *,
    default: int,
    name: str = "year",
    choices: list[tuple[int, str]] | None = None,
) -> int:
    """The year asked for in `query` (`default` when none is), one of `choices` if given."""
    text = str(query.get(name) or "").strip()
    if not text:
        return default
    year = parse_year(text, name=name)
    offered = [y for y, _ in choices] if choices is not None else None
    if offered is not None and year not in offered:
        raise BadParameter(
            name,
            f"{periods.fy_label(year)} is not one of the years offered here "
            f"({periods.fy_label(min(offered))} to {periods.fy_label(max(offered))}).",
        )
    return year


def period_param(
    query: Mapping[str, Any],
    *,
    default: Period,
    name: str = "period",
    frequency: str | None = None,
) -> Period:
    """The period asked for in `query` (`default` when none is), of `frequency` if given."""
    text = str(query.get(name) or "").strip()
    if not text:
        return default
    try:
        period = periods.parse_period(text)
    except PeriodError as exc:
        raise BadParameter(name, str(exc)) from None
    if frequency is not None and period.frequency != frequency:
        wanted = Frequency(frequency)
        example = EXAMPLES.get(wanted, ("a period of that kind", "2025/26"))
        kind, code = example
        raise BadParameter(name, f"{period.code} is not {kind}: choose one such as {code}.")
    return period


def year_choices(
    *, back: int, ahead: int = 1, around: int | None = None, today: date | None = None
) -> list[tuple[int, str]]:
    """(year, label) from `ahead` years after this one back to `back` years before it, newest
    first, with `around` added when it falls outside."""
    now = this_year(today)
    years = set(range(now - back, now + ahead + 1))
    if around is not None:
        years.add(around)
    return [(y, periods.fy_label(y)) for y in sorted(years, reverse=True)]


def refusal(message: str) -> forms.ValidationError:
    """A form field's refusal whose text may quote what was typed, "%" and all: given as a
    parameter, so that django-filter (which formats every message with its parameters) prints it
    as it is instead of failing with a 500."""
    return forms.ValidationError("%(refusal)s", params={"refusal": message})


class YearField(forms.CharField):
    """A form field for a financial year, read as `year_param` reads one."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_year(text)
        except BadParameter as exc:
            raise refusal(exc.message) from None


class YearFilter(django_filters.Filter):
    """A FilterSet's financial year (2026/27 or 2026)."""

    field_class = YearField
