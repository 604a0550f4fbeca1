"""The review programme's rules as plain functions over dates and Decimals (no Django).

- A review lasts at most nine calendar months: its planned end is on or before the same day
  nine months after its start (31 May + nine months = 28 February, or 29 in a leap year).
- The four-year rule: no service goes four years without a review. A service whose last review
  ended on D is due for another by D + four years (29 February + four years = 28 February when
  that year is not a leap year) and is flagged the day after; a service never reviewed is flagged.
- A review still open (planned or in progress) after its start + nine months is overrunning;
  one that ended after that day overran. Its actual end can be neither before its start nor
  in the future.
- Unable to deliver: a review whose improvement plan was agreed, and which has since missed a
  milestone or an improvement action's due date, is due for a market-testing recommendation.
  Only such a review may be market tested.
- Agreeing a review's plan needs its external challenge (the high performers it was compared
  with, and the evidence), the staff's involvement and the future service specification.
- Aims: a review aims to raise performance (the % of the service's measures on target) by a
  percentage of its baseline and to cut cost by a percentage of its baseline budget.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def actual_end_problem(
    start: date, ended_on: date, today: date, *, what: str = "end"
) -> str | None:
    """Why a review cannot be recorded as having ended (or completed: `what`) on `ended_on`."""
    if ended_on > today:
        return (
            f"The actual {what} ({long_date(ended_on)}) is in the future: record it on the day "
            f"it happened, today ({long_date(today)}) at the latest."
        )
    if ended_on < start:
        return (
            f"The actual {what} ({long_date(ended_on)}) is before the review started "
            f"({long_date(start)})."
        )
    return None


@dataclass(frozen=True)
class Overrun:
    """A review against the nine months, by its actual end (or today, while it is open)."""

    start: date
    ended_on: date | None
    is_open: bool
    today: date

    @property
    def limit(self) -> date:
        return latest_planned_end(self.start)

    @property
    def overrunning(self) -> bool:
        """Still open after the last day of its nine months."""
        return self.is_open and self.today > self.limit

    @property
    def overran(self) -> bool:
        """Ended after the last day of its nine months."""
        return self.ended_on is not None and self.ended_on > self.limit

    @property
    def flagged(self) -> bool:
        return self.overrunning or self.overran

    @property
    def days_over(self) -> int:
        end = self.today if self.overrunning else self.ended_on
        return max(0, (end - self.limit).days) if end else 0

    @property
    def text(self) -> str:
        if self.overrunning:
            return (
                f"Overrunning: still open {self.days_over} days after its nine months ended on "
                f"{long_date(self.limit)}"
            )
        if self.overran:
            return (
                f"Overran: ended {self.days_over} days after its nine months ended on "
                f"{long_date(self.limit)}"
            )
        return f"Within nine months (by {long_date(self.limit)})"


@dataclass(frozen=True)
class Delivery:
    """Whether a review's agreed improvement plan is being delivered by its dates."""

    plan_agreed: bool
    late_milestones: int
    late_actions: int

    @property
    def unable_to_deliver(self) -> bool:
        return self.plan_agreed and (self.late_milestones > 0 or self.late_actions > 0)

    @property
    def market_test_refusal(self) -> str | None:
        """Why no market test may be recorded for the review, or None when one may."""
        if not self.plan_agreed:
            return (
                "A market test may be recorded only for a review unable to deliver its agreed "
                "improvement plan: this review's plan has not been agreed yet."
            )
        if not self.unable_to_deliver:
            return (
                "A market test may be recorded only for a review unable to deliver its agreed "
                "improvement plan: this review is delivering (no milestone or improvement "
                "action is past its due date)."
            )
        return None

    @property
    def text(self) -> str:
        if not self.unable_to_deliver:
            return "Delivering its agreed plan" if self.plan_agreed else "Plan not agreed yet"
        parts = []
        if self.late_milestones:
            parts.append(_count(self.late_milestones, "milestone"))
        if self.late_actions:
            parts.append(_count(self.late_actions, "improvement action"))
        return f"Unable to deliver: {' and '.join(parts)} past due"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def agreement_missing(
    *,
    comparators: int,
    other_comparators: str,
    challenge_evidence: str,
    staff_involvement: str,
    future_specification: str,
) -> list[str]:
    """What a review must record before its improvement plan is agreed, in words."""
    missing = []
    if comparators == 0 and not other_comparators.strip():
        missing.append("the high performers it was compared with (external challenge)")
    if not challenge_evidence.strip():
        missing.append("the evidence of the external challenge")
    if not staff_involvement.strip():
        missing.append("how staff were involved")
    if not future_specification.strip():
        missing.append("the future service specification")
    return missing


def agreement_problem(missing: list[str]) -> str | None:
    if not missing:
        return None
    listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    return f"Record {listed} before agreeing the improvement plan."


def last_counted_end(
    reviews: Iterable[tuple[str, date | None]], kinds: Iterable[str]
) -> date | None:
    """The latest end of the ended reviews (kind, ended on) whose kind counts for the
    four-year rule."""
    counted = set(kinds)
    ends = [ended for kind, ended in reviews if kind in counted and ended is not None]
    return max(ends, default=None)


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
