"""The UK local government reporting calendar: financial years (1 April to 31 March) and the
monthly, bi-monthly, quarterly and annual periods within them.

Pure Python so that it can be tested exhaustively without a database.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property, lru_cache


class Frequency(StrEnum):
    MONTHLY = "monthly"
    BIMONTHLY = "bimonthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


class PeriodError(ValueError):
    """A period, period code or financial year that does not exist."""


PERIODS_PER_YEAR: dict[Frequency, int] = {
    Frequency.MONTHLY: 12,
    Frequency.BIMONTHLY: 6,
    Frequency.QUARTERLY: 4,
    Frequency.ANNUAL: 1,
}

# Four-digit years keep every code unambiguous, and the last financial year must end by 9999.
MIN_YEAR = 1000
MAX_YEAR = 9998

# Fixed English names: calendar.month_abbr follows the server's locale.
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PREFIX = {Frequency.BIMONTHLY: "B", Frequency.QUARTERLY: "Q"}
_FREQUENCY_OF_PREFIX = {prefix: frequency for frequency, prefix in _PREFIX.items()}

_MONTH_CODE = re.compile(r"(\d{4})-(\d{2})")
_FY_CODE = re.compile(r"(\d{4})/(\d{2})")
_PART_CODE = re.compile(r"(\d{4}/\d{2})-([QB])(\d+)")
_EXPECTED_CODES = "expected 2025-04, 2025/26-Q1, 2025/26-B1 or 2025/26"


def as_frequency(value: Frequency | str) -> Frequency:
    try:
        return Frequency(value)
    except ValueError:
        raise PeriodError(
            f"{value!r} is not a frequency (expected monthly, bimonthly, quarterly or annual)"
        ) from None


def fy_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _calendar_month(year: int, month_index: int) -> tuple[int, int]:
    """Return (calendar year, month) of month `month_index` (1 = April) of financial year `year`."""
    month = (month_index + 2) % 12 + 1
    return (year if month >= 4 else year + 1), month


@dataclass(frozen=True, order=True)
class Period:
    year: int
    frequency: Frequency
    index: int

    def __post_init__(self) -> None:
        # Accept a plain string (e.g. a model field's value) but always hold the enum.
        object.__setattr__(self, "frequency", as_frequency(self.frequency))
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise PeriodError(
                f"Financial year {self.year} is out of range "
                f"({fy_label(MIN_YEAR)} to {fy_label(MAX_YEAR)})"
            )
        count = PERIODS_PER_YEAR[self.frequency]
        if not 1 <= self.index <= count:
            raise PeriodError(
                f"There is no {self.frequency} period {self.index} in a financial year "
                f"(expected 1 to {count})"
            )

    def __str__(self) -> str:
        return self.code

    # Worked out once a period (a large council's dashboard asks tens of thousands of times);
    # a frozen dataclass still: the cached values sit beside its fields, outside eq and hash.

    @cached_property
    def code(self) -> str:
        if self.frequency == Frequency.MONTHLY:
            year, month = _calendar_month(self.year, self.index)
            return f"{year}-{month:02d}"
        if self.frequency == Frequency.ANNUAL:
            return self.fy_label
        return f"{self.fy_label}-{_PREFIX[self.frequency]}{self.index}"

    @cached_property
    def label(self) -> str:
        if self.frequency == Frequency.MONTHLY:
            year, month = _calendar_month(self.year, self.index)
            return f"{_MONTH_ABBR[month - 1]} {year}"
        if self.frequency == Frequency.ANNUAL:
            return self.fy_label
        return f"{_PREFIX[self.frequency]}{self.index} {self.fy_label}"

    @property
    def fy_label(self) -> str:
        return fy_label(self.year)

    @property
    def _month_span(self) -> tuple[int, int]:
        """Return the first and last month index (1 = April) that the period covers."""
        width = 12 // PERIODS_PER_YEAR[self.frequency]
        return (self.index - 1) * width + 1, self.index * width

    @cached_property
    def start(self) -> date:
        year, month = _calendar_month(self.year, self._month_span[0])
        return date(year, month, 1)

    @cached_property
    def end(self) -> date:
        year, month = _calendar_month(self.year, self._month_span[1])
        return date(year, month, calendar.monthrange(year, month)[1])

    def previous(self) -> Period:
        if self.index > 1:
            return Period(self.year, self.frequency, self.index - 1)
        return Period(self.year - 1, self.frequency, PERIODS_PER_YEAR[self.frequency])

    def next(self) -> Period:
        if self.index < PERIODS_PER_YEAR[self.frequency]:
            return Period(self.year, self.frequency, self.index + 1)
        return Period(self.year + 1, self.frequency, 1)

    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.frequency, self.index)

    def due_date(self, due_days: int) -> date:
        return self.end + timedelta(days=due_days)

    def is_late(self, due_days: int, today: date) -> bool:
        """Return whether a value not yet submitted by `today` is late (the due date is not)."""
        return today > self.due_date(due_days)

    def months(self) -> list[Period]:
        first, last = self._month_span
        return [Period(self.year, Frequency.MONTHLY, i) for i in range(first, last + 1)]

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


def parse_financial_year(text: str) -> int:
    """Return the first calendar year of a financial year label: "2025/26" -> 2025."""
    cleaned = text.strip() if isinstance(text, str) else ""
    match = _FY_CODE.fullmatch(cleaned)
    if match is None or int(match[2]) != (int(match[1]) + 1) % 100:
        raise PeriodError(f"{text!r} is not a financial year (expected e.g. 2025/26)")
    return int(match[1])


def parse_period(code: str) -> Period:
    """Return the period for a code: "2025-04", "2025/26-B1", "2025/26-Q1" or "2025/26".

    Surrounding spaces are ignored and the Q/B letter may be lower case.
    """
    cleaned = code.strip().upper() if isinstance(code, str) else ""
    if match := _MONTH_CODE.fullmatch(cleaned):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(f"Period {cleaned} does not exist")
        fy = year if month >= 4 else year - 1
        return Period(fy, Frequency.MONTHLY, (month - 4) % 12 + 1)
    if match := _PART_CODE.fullmatch(cleaned):
        year = parse_financial_year(match[1])
        frequency = _FREQUENCY_OF_PREFIX[match[2]]
        index = int(match[3])
        if not 1 <= index <= PERIODS_PER_YEAR[frequency]:
            raise PeriodError(f"Period {cleaned} does not exist")
        return Period(year, frequency, index)
    if _FY_CODE.fullmatch(cleaned):
        return Period(parse_financial_year(cleaned), Frequency.ANNUAL, 1)
    raise PeriodError(f"{code!r} is not a period code ({_EXPECTED_CODES})")


def financial_year_of(d: date) -> int:
    return d.year if d.month >= 4 else d.year - 1


def period_containing(d: date, frequency: Frequency | str) -> Period:
    frequency = as_frequency(frequency)
    month_index = (d.month - 4) % 12 + 1
    width = 12 // PERIODS_PER_YEAR[frequency]
    return Period(financial_year_of(d), frequency, (month_index - 1) // width + 1)


def periods_in_year(year: int, frequency: Frequency | str) -> list[Period]:
    frequency = as_frequency(frequency)
    return [Period(year, frequency, i) for i in range(1, PERIODS_PER_YEAR[frequency] + 1)]


def periods_to_date(period: Period) -> list[Period]:
    """Return the periods from the start of `period`'s financial year up to and including it."""
    return list(_periods_to_date(period))


# Dashboards ask these of the same few periods thousands of times: periods are immutable, so the
# answers are cached.
@lru_cache(maxsize=8192)
def _periods_to_date(period: Period) -> tuple[Period, ...]:
    return tuple(Period(period.year, period.frequency, i) for i in range(1, period.index + 1))


def latest_complete_period(today: date, frequency: Frequency | str) -> Period:
    """Return the last period of `frequency` that ended before `today`."""
    return period_containing(today, frequency).previous()


@lru_cache(maxsize=8192)
def latest_ending_by(month: Period, frequency: Frequency | str) -> Period:
    """Return the last period of `frequency` that ends on or before `month` ends."""
    candidate = period_containing(month.end, frequency)
    return candidate if candidate.end <= month.end else candidate.previous()


@lru_cache(maxsize=8192)
def is_due_in(frequency: Frequency | str, month: Period) -> bool:
    """Return whether a measure of `frequency` reports in `month`: a period of it ends then."""
    return period_containing(month.end, frequency).end == month.end


def last_n(period: Period, n: int) -> list[Period]:
    """Return the `n` periods ending with `period`, oldest first."""
    if n < 0:
        raise PeriodError(f"Cannot take the last {n} periods (expected 0 or more)")
    return list(_last_n(period, n))


# Every row of a scorecard asks this for its sparkline, and the trend for its window.
@lru_cache(maxsize=8192)
def _last_n(period: Period, n: int) -> tuple[Period, ...]:
    result: list[Period] = []
    for _ in range(n):
        # Step back only as often as needed, so the earliest supported year is reachable.
        result.append(result[-1].previous() if result else period)
    return tuple(result[::-1])


def span_label(chosen: Sequence[Period]) -> str:
    """Name the months some periods of one financial year cover: "Apr–Jun", "Apr–May, Jul".

    Periods that follow each other are joined into one run; a year is named by its label
    ("2025/26"). Used wherever a year to date says which periods it was taken over.
    """
    ordered = sorted(set(chosen))
    if not ordered:
        return ""
    runs: list[list[Period]] = []
    for period in ordered:
        if runs and runs[-1][-1].next() == period:
            runs[-1].append(period)
        else:
            runs.append([period])
    return ", ".join(_run_label(run) for run in runs)


def _run_label(run: list[Period]) -> str:
    first, last = run[0], run[-1]
    if first.frequency == Frequency.ANNUAL:
        return first.fy_label if first == last else f"{first.fy_label}–{last.fy_label}"
    start, end = _MONTH_ABBR[first.start.month - 1], _MONTH_ABBR[last.end.month - 1]
    return start if first.start.month == last.end.month and len(run) == 1 else f"{start}–{end}"
