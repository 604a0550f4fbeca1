"""Benchmark periods: financial years (`2023/24`) and their quarters (`2025/26-Q3`).

Published comparisons come by financial year or quarter. Extracts write quarters as `2025/26 Q3`
(LG Inform) as well as our `2025/26-Q3`; both are read. A bare calendar year (`2024`, as Scottish
figures are published) is refused rather than guessed: it straddles two financial years.
"""

from __future__ import annotations

import re

from targets import periods
from targets.periods import Frequency, Period, PeriodError

BENCHMARK_FREQUENCIES = (Frequency.ANNUAL, Frequency.QUARTERLY)
_SPACED_QUARTER = re.compile(r"(\d{4}/\d{2})\s+(Q\d)", re.IGNORECASE)
_CALENDAR_YEAR = re.compile(r"\d{4}")
EXPECTED = "expected a financial year such as 2023/24 or a quarter such as 2025/26-Q3"


class CalendarYearError(PeriodError):
    """A calendar year where a financial year was expected: not guessed."""


def parse(text: str) -> Period:
    """Return the period of a benchmark period code; raise PeriodError saying why not."""
    cleaned = text.strip() if isinstance(text, str) else ""
    if _CALENDAR_YEAR.fullmatch(cleaned):
        year = int(cleaned)
        raise CalendarYearError(
            f"{cleaned} is a calendar year, which could be {periods.fy_label(year - 1)} or "
            f"{periods.fy_label(year)}: it is not guessed"
        )
    if match := _SPACED_QUARTER.fullmatch(cleaned):
        cleaned = f"{match[1]}-{match[2]}"
    try:
        period = periods.parse_period(cleaned)
    except PeriodError:
        raise PeriodError(f"{text!r} is not a benchmark period ({EXPECTED})") from None
    if period.frequency not in BENCHMARK_FREQUENCIES:
        raise PeriodError(f"{period.code} is a {period.frequency} period ({EXPECTED})")
    return period


def sort_key(code: str) -> tuple[int, int, int]:
    """Order codes as time runs: a year before its quarters, quarters in order."""
    period = parse(code)
    return (period.year, 0 if period.frequency == Frequency.ANNUAL else 1, period.index)


def label(code: str) -> str:
    try:
        return parse(code).label
    except PeriodError:
        return code
