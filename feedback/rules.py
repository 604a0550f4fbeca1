"""The feedback rules as plain functions over dates and Decimals (no Django): normalising a score,
when a complaint was answered in time, the look-back windows of the compliance view, and reading
the CRM's dates and stages.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

ONE_PLACE = Decimal("0.1")
# The framework's expectations (section 6.6).
FEEDBACK_EVERY_MONTHS = 6
INTERNAL_SURVEY_EVERY_MONTHS = 12
PANEL_SURVEYS_A_YEAR = 3


class Timeliness(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    PENDING = "pending"  # not answered, and not yet due


def normalise(score: Decimal, lowest: Decimal, highest: Decimal) -> Decimal:
    """A score on its own scale as a percentage: lowest = 0%, highest = 100% (4.2 on 1-5 = 80%)."""
    if highest <= lowest:
        raise ValueError("The highest score must be above the lowest.")
    if not lowest <= score <= highest:
        raise ValueError(f"The score must be between {lowest} and {highest}.")
    return ((score - lowest) * 100 / (highest - lowest)).quantize(ONE_PLACE, ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage to one place; None when there is nothing to divide."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(ONE_PLACE, ROUND_HALF_UP)


def timeliness(due: date, responded: date | None, today: date) -> Timeliness:
    """Answered on or before its due date is on time; answered after it, late; not answered,
    late once the due date has passed (today is after it), otherwise still pending."""
    if responded is not None:
        return Timeliness.ON_TIME if responded <= due else Timeliness.LATE
    return Timeliness.LATE if today > due else Timeliness.PENDING


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (31 Aug less 6 months is 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# Dates as CRMs export them: ISO (2025-04-30) or the UK's day first (30/04/2025), optionally with
# a time of day, which is dropped. A US month-first date is refused, never guessed.
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")


def parse_date(text: str) -> date:
    """Read a date written as 2025-04-30 or 30/04/2025; raise ValueError saying what is wrong."""
    cleaned = text.strip()
    if match := _ISO.fullmatch(cleaned):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _UK.fullmatch(cleaned):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        raise ValueError(f"{cleaned!r} is not a date: write it as 2025-04-30 or 30/04/2025")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{cleaned!r} is not a date that exists") from None


def date_text(day: date | datetime) -> str:
    return day.strftime("%d/%m/%Y")


_STAGES = {
    "1": ("1", "stage 1", "stage1", "stage one", "s1", "first stage"),
    "2": ("2", "stage 2", "stage2", "stage two", "s2", "second stage"),
    "ombudsman": (
        "ombudsman",
        "lgsco",
        "lgo",
        "local government ombudsman",
        "local government and social care ombudsman",
        "housing ombudsman",
        "ombudsman enquiry",
    ),
}
STAGE_SPELLINGS = {spelling: stage for stage, names in _STAGES.items() for spelling in names}


def parse_stage(text: str) -> str:
    """The stage a complaint reached: "1", "2" or "ombudsman" (see STAGE_SPELLINGS)."""
    key = " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
    if key in STAGE_SPELLINGS:
        return STAGE_SPELLINGS[key]
    raise ValueError(
        f"{text.strip()!r} is not a stage: write 1 (or Stage 1), 2 (or Stage 2) or Ombudsman"
    )
