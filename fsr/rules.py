"""The review programme's rules as plain functions over dates and Decimals (no Django).

- A review lasts at most nine calendar months: its planned end is on or before the same day
  nine months after its start (31 May + nine months = 28 February, or 29 in a leap year).
- The four-year rule: no service goes four years without a review. A service whose last review
  ended on D is due for another by D + four years (29 February + four years = 28 February when
  that year is not a leap year) and is flagged the day after; a service never reviewed is flagged.
- Aims: a review aims to raise performance (the % of the service's measures on target) by a
  percentage of its baseline and to cut cost by a percentage of its baseline budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from dateutil.relativedelta import relativedelta

MAX_MONTHS = 9
RULE_YEARS = 4
DUE_SOON_MONTHS = 12
HUNDRED = Decimal(100)
ONE_PLACE = Decimal("0.1")


def long_date(d: date) -> str:
    """1 March 2027: the date as people in a UK council write it."""
    return f"{d.day} {d:%B %Y}"


def latest_planned_end(start: date) -> date:
    """The last day a review starting on `start` may be planned to end."""
    return start + relativedelta(months=MAX_MONTHS)


def duration_problem(start: date, planned_end: date) -> str | None:
    """Why a review cannot run from `start` to `planned_end`, or None when it may."""
    if planned_end < start:
        return (
            f"The planned end ({long_date(planned_end)}) is before the start ({long_date(start)})."
        )
    latest = latest_planned_end(start)
    if planned_end > latest:
        return (
            f"A review may last at most nine months: it starts on {long_date(start)}, so it "
            f"must be planned to end by {long_date(latest)}, not {long_date(planned_end)}."
        )
    return None


class RuleStatus(StrEnum):
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NEVER = "never"


@dataclass(frozen=True)
class FourYearCheck:
    last_ended: date | None
    deadline: date | None  # the last day on which the next review still keeps the rule
    status: RuleStatus

    @property
    def flagged(self) -> bool:
        """No review in the last four years (or none ever)."""
        return self.status in (RuleStatus.OVERDUE, RuleStatus.NEVER)

    @property
    def text(self) -> str:
        return {
            RuleStatus.OK: "Reviewed within four years",
            RuleStatus.DUE_SOON: "Due for review within a year",
            RuleStatus.OVERDUE: "Not reviewed for four years",
            RuleStatus.NEVER: "Never reviewed",
        }[self.status]


def four_year_check(last_ended: date | None, today: date) -> FourYearCheck:
    if last_ended is None:
        return FourYearCheck(None, None, RuleStatus.NEVER)
    deadline = last_ended + relativedelta(years=RULE_YEARS)
    if today > deadline:
        status = RuleStatus.OVERDUE
    elif today > deadline - relativedelta(months=DUE_SOON_MONTHS):
        status = RuleStatus.DUE_SOON
    else:
        status = RuleStatus.OK
    return FourYearCheck(last_ended, deadline, status)


def years_between(earlier: date, later: date) -> Decimal:
    """Whole and tenths of years from `earlier` to `later` (365.25 days a year)."""
    days = Decimal((later - earlier).days)
    return (days / Decimal("365.25")).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage to one decimal place; None when there is no whole."""
    if whole <= 0:
        return None
    return (Decimal(100 * part) / whole).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Comparison:
    """Baseline against the outcome for cost and performance, and against the aims.

    Any figure missing on either side leaves the figures that depend on it as None: missing
    data is shown as missing, never as zero.
    """

    baseline_cost: Decimal | None
    outcome_cost: Decimal | None
    baseline_percent: Decimal | None
    outcome_percent: Decimal | None
    aim_performance_pct: Decimal
    aim_cost_pct: Decimal

    @property
    def target_cost(self) -> Decimal | None:
        if self.baseline_cost is None:
            return None
        return _money(self.baseline_cost * (HUNDRED - self.aim_cost_pct) / HUNDRED)

    @property
    def savings(self) -> Decimal | None:
        """Baseline cost − current cost (negative when the service now costs more)."""
        if self.baseline_cost is None or self.outcome_cost is None:
            return None
        return self.baseline_cost - self.outcome_cost

    @property
    def savings_pct(self) -> Decimal | None:
        if self.savings is None or not self.baseline_cost:
            return None
        return _one_place(self.savings * HUNDRED / self.baseline_cost)

    @property
    def cost_aim_met(self) -> bool | None:
        if self.savings_pct is None:
            return None
        return self.savings_pct >= self.aim_cost_pct

    @property
    def target_percent(self) -> Decimal | None:
        """Baseline % on target raised by the aim, at most 100%."""
        if self.baseline_percent is None:
            return None
        raised = self.baseline_percent * (HUNDRED + self.aim_performance_pct) / HUNDRED
        return min(HUNDRED, _one_place(raised))

    @property
    def change_points(self) -> Decimal | None:
        """The change in % on target, in percentage points."""
        if self.baseline_percent is None or self.outcome_percent is None:
            return None
        return self.outcome_percent - self.baseline_percent

    @property
    def change_pct(self) -> Decimal | None:
        """The change in % on target as a percentage of the baseline."""
        if self.change_points is None or not self.baseline_percent:
            return None
        return _one_place(self.change_points * HUNDRED / self.baseline_percent)

    @property
    def performance_aim_met(self) -> bool | None:
        if self.outcome_percent is None or self.target_percent is None:
            return None
        return self.outcome_percent >= self.target_percent


def _one_place(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
