"""Performance rules: RAG status, direction of travel, year to date and "x of y on target".

Pure functions over Decimals (never floats), so that they can be tested exhaustively.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


class Polarity(StrEnum):
    UP = "up"
    DOWN = "down"
    RANGE = "range"
    NONE = "none"


class Aggregation(StrEnum):
    SNAPSHOT = "snapshot"
    SUM = "sum"
    MEAN = "mean"
    RATIO = "ratio"


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"


class GreyReason(StrEnum):
    NO_TARGET = "no_target"
    NO_DATA = "no_data"
    DATA_ONLY = "data_only"


class Direction(StrEnum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no_change"
    INCREASING = "increasing"
    DECREASING = "decreasing"

    @property
    def arrow(self) -> str:
        return DIRECTION_ARROWS[self]

    @property
    def label(self) -> str:
        return DIRECTION_LABELS[self]


# Each StrEnum's members by value, made on first use. `Polarity(x)` goes through the enum
# machinery (about three times a dict's lookup); a large council's uncached dashboard asks
# for polarities, aggregations, RAGs and frequencies some 46,000 times.
_MEMBERS: dict[type[StrEnum], dict[str, StrEnum]] = {}


def member(kind: type[E], value: E | str) -> E:
    """`kind(value)` for any StrEnum (the same member, the same ValueError for a value that is
    none), looked up. A member is its own value's key: a StrEnum hashes and compares as its
    string."""
    members = _MEMBERS.get(kind)
    if members is None:
        members = _MEMBERS[kind] = {each.value: each for each in kind}
    found = members.get(value)
    return found if found is not None else kind(value)  # type: ignore[return-value]


DIRECTION_ARROWS: dict[Direction, str] = {
    Direction.IMPROVING: "▲",
    Direction.WORSENING: "▼",
    Direction.NO_CHANGE: "▶",
    Direction.INCREASING: "↑",
    Direction.DECREASING: "↓",
}

DIRECTION_LABELS: dict[Direction, str] = {
    Direction.IMPROVING: "Improving",
    Direction.WORSENING: "Worsening",
    Direction.NO_CHANGE: "No change",
    Direction.INCREASING: "Increasing",
    Direction.DECREASING: "Decreasing",
}


_QUANTA = {decimals: Decimal(1).scaleb(-decimals) for decimals in range(10)}


def round_to(value: Decimal, decimals: int) -> Decimal:
    quantum = _QUANTA.get(decimals) or Decimal(1).scaleb(-decimals)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TargetSpec:
    """A target: `value` for higher/lower is better, `lower` and `upper` for a range."""

    value: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None

    def is_set(self, polarity: Polarity | str) -> bool:
        if polarity.__class__ is not Polarity:
            polarity = member(Polarity, polarity)
        if polarity == Polarity.RANGE:
            return self.lower is not None and self.upper is not None
        return self.value is not None


_RAG_LABELS = {Rag.GREEN: "On target", Rag.AMBER: "Within tolerance", Rag.RED: "Off target"}
_GREY_LABELS = {
    GreyReason.NO_TARGET: "No target",
    GreyReason.NO_DATA: "No data",
    GreyReason.DATA_ONLY: "Data only",
}
_RAG_SYMBOLS = {Rag.GREEN: "✓", Rag.AMBER: "!", Rag.RED: "✗", Rag.GREY: "–"}


@dataclass(frozen=True)
class RagResult:
    rag: Rag
    reason: GreyReason | None = None

    def __post_init__(self) -> None:
        if self.reason is not None and self.rag != Rag.GREY:
            raise ValueError(f"Only a grey status has a reason, not {self.rag} ({self.reason})")

    @property
    def label(self) -> str:
        if self.rag == Rag.GREY:
            return _GREY_LABELS[self.reason] if self.reason else "Not rated"
        return _RAG_LABELS[self.rag]

    @property
    def symbol(self) -> str:
        return _RAG_SYMBOLS[self.rag]


# The results rag_status gives, made once: a frozen result is shared, never changed.
_GREEN, _AMBER, _RED = RagResult(Rag.GREEN), RagResult(Rag.AMBER), RagResult(Rag.RED)
_DATA_ONLY = RagResult(Rag.GREY, GreyReason.DATA_ONLY)
_NO_TARGET = RagResult(Rag.GREY, GreyReason.NO_TARGET)
_NO_DATA = RagResult(Rag.GREY, GreyReason.NO_DATA)


def tolerance_amount(
    reference: Decimal, *, tolerance_pct: Decimal | None, tolerance_abs: Decimal | None
) -> Decimal:
    """Return how far past `reference` a value may fall and still be Amber.

    An absolute tolerance wins over a percentage, which is taken of |reference| so that it
    still widens the band for a negative target.
    """
    if tolerance_abs is not None:
        amount = tolerance_abs
    elif tolerance_pct is not None:
        amount = tolerance_pct * abs(reference) / 100
    else:
        return Decimal(0)
    if amount < 0:
        raise ValueError(f"Tolerance must not be negative (got {amount})")
    return amount


def rag_status(
    actual: Decimal | None,
    target: TargetSpec | None,
    *,
    polarity: Polarity | str,
    decimals: int,
    tolerance_pct: Decimal | None = None,
    tolerance_abs: Decimal | None = None,
) -> RagResult:
    if polarity.__class__ is not Polarity:  # a member already, mostly: no lookup
        polarity = member(Polarity, polarity)
    if polarity == Polarity.NONE:
        return _DATA_ONLY
    if target is None or not target.is_set(polarity):
        return _NO_TARGET
    if actual is None:
        return _NO_DATA

    # Only the actual is rounded: a published 79.95% shown as 80.0% must meet a target of 80.
    a = round_to(actual, decimals)

    def tol(reference: Decimal) -> Decimal:
        return tolerance_amount(reference, tolerance_pct=tolerance_pct, tolerance_abs=tolerance_abs)

    if polarity == Polarity.RANGE:
        assert target.lower is not None and target.upper is not None
        lo, hi = target.lower, target.upper
        if lo <= a <= hi:
            return _GREEN
        within = a >= lo - tol(lo) if a < lo else a <= hi + tol(hi)
        return _AMBER if within else _RED

    assert target.value is not None
    t = target.value
    if polarity == Polarity.UP:
        if a >= t:
            return _GREEN
        return _AMBER if a >= t - tol(t) else _RED
    if a <= t:
        return _GREEN
    return _AMBER if a <= t + tol(t) else _RED


def forecast_rag(
    forecast: Decimal | None,
    annual: TargetSpec | None,
    *,
    polarity: Polarity | str,
    decimals: int,
    tolerance_pct: Decimal | None = None,
    tolerance_abs: Decimal | None = None,
) -> RagResult:
    """Rate a forecast year-end outturn against the annual target."""
    return rag_status(
        forecast,
        annual,
        polarity=polarity,
        decimals=decimals,
        tolerance_pct=tolerance_pct,
        tolerance_abs=tolerance_abs,
    )


def _distance_from_range(value: Decimal, lower: Decimal, upper: Decimal) -> Decimal:
    if value < lower:
        return lower - value
    if value > upper:
        return value - upper
    return Decimal(0)


def direction_of_travel(
    current: Decimal | None,
    previous: Decimal | None,
    *,
    polarity: Polarity | str,
    decimals: int,
    target: TargetSpec | None = None,
) -> Direction | None:
    """Compare a value with an earlier one (previous period or same period last year).

    For a range, moving towards the range is improving; with no range to judge by, or the same
    distance from it, the movement is reported as increasing or decreasing.
    """
    if current is None or previous is None:
        return None
    polarity = member(Polarity, polarity)
    c, p = round_to(current, decimals), round_to(previous, decimals)
    if c == p:
        return Direction.NO_CHANGE
    if polarity == Polarity.UP:
        return Direction.IMPROVING if c > p else Direction.WORSENING
    if polarity == Polarity.DOWN:
        return Direction.IMPROVING if c < p else Direction.WORSENING
    if polarity == Polarity.RANGE and target is not None and target.is_set(Polarity.RANGE):
        assert target.lower is not None and target.upper is not None
        now = _distance_from_range(c, target.lower, target.upper)
        before = _distance_from_range(p, target.lower, target.upper)
        if now != before:
            return Direction.IMPROVING if now < before else Direction.WORSENING
    return Direction.INCREASING if c > p else Direction.DECREASING


@dataclass(frozen=True)
class PeriodFigures:
    actual: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def ratio_actual(
    numerator: Decimal | None, denominator: Decimal | None, *, scale: Decimal
) -> Decimal | None:
    """Return numerator / denominator × scale (100 for percentages), unrounded."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    # Multiply before dividing so that e.g. 1/3 as a percentage keeps full precision.
    return numerator * scale / denominator


def year_to_date(
    values: Sequence[PeriodFigures],
    aggregation: Aggregation | str,
    *,
    scale: Decimal = Decimal(1),
) -> Decimal | None:
    """Return the year-to-date figure from the periods so far, in period order.

    Missing periods (actual None) are skipped. A ratio is Σnumerator / Σdenominator over the
    periods that have both, never an average of the periods' percentages.
    """
    aggregation = member(Aggregation, aggregation)
    if aggregation == Aggregation.RATIO:
        pairs = [
            (v.numerator, v.denominator)
            for v in values
            if v.numerator is not None and v.denominator is not None
        ]
        if not pairs:
            return None
        return ratio_actual(
            sum((n for n, _ in pairs), Decimal(0)),
            sum((d for _, d in pairs), Decimal(0)),
            scale=scale,
        )
    actuals = [v.actual for v in values if v.actual is not None]
    if not actuals:
        return None
    if aggregation == Aggregation.SNAPSHOT:
        return actuals[-1]
    total = sum(actuals, Decimal(0))
    if aggregation == Aggregation.SUM:
        return total
    return total / len(actuals)


def _scale(target: TargetSpec, multiplier: int, divisor: int) -> TargetSpec:
    def part(x: Decimal | None) -> Decimal | None:
        return None if x is None else x * multiplier / divisor

    return TargetSpec(part(target.value), part(target.lower), part(target.upper))


def _total(targets: Sequence[TargetSpec], field: str) -> Decimal | None:
    parts: list[Decimal | None] = [getattr(t, field) for t in targets]
    if any(p is None for p in parts):
        return None
    return sum((p for p in parts if p is not None), Decimal(0))


def period_target(
    annual: TargetSpec | None,
    *,
    aggregation: Aggregation | str,
    periods_in_year: int,
    profiled: TargetSpec | None = None,
) -> TargetSpec | None:
    """Return one period's target: its profiled target if any, else derived from the annual.

    A sum measure's annual target is shared equally between the periods (120 a year is 10 a
    month); any other measure's period target is the annual target.
    """
    if profiled is not None:
        return profiled
    if annual is None:
        return None
    if member(Aggregation, aggregation) == Aggregation.SUM:
        return _scale(annual, 1, periods_in_year)
    return annual


def ytd_target(
    annual: TargetSpec | None,
    *,
    aggregation: Aggregation | str,
    periods_in_year: int,
    period_targets_so_far: Sequence[TargetSpec | None],
) -> TargetSpec | None:
    """Return the year-to-date target from the period targets from the start of the year.

    Sum: their total (120 a year is 20 by May). Snapshot: the latest. Mean and ratio: their
    mean. None when there are none, or any is missing.
    """
    aggregation = member(Aggregation, aggregation)
    if not period_targets_so_far or any(t is None for t in period_targets_so_far):
        return None
    targets = [t for t in period_targets_so_far if t is not None]
    if aggregation == Aggregation.SNAPSHOT:
        return targets[-1]
    count = len(targets)
    # An unprofiled share such as 100/12 is inexact; summing twelve of them would give
    # 99.999…96 and fail a lower-is-better year end of exactly 100. Scale the annual instead.
    share = None if annual is None else _scale(annual, 1, periods_in_year)
    if aggregation == Aggregation.SUM and annual is not None and all(t == share for t in targets):
        return _scale(annual, count, periods_in_year)
    totals = TargetSpec(
        _total(targets, "value"), _total(targets, "lower"), _total(targets, "upper")
    )
    return totals if aggregation == Aggregation.SUM else _scale(totals, 1, count)


def counts_towards_ytd(figures: PeriodFigures, aggregation: Aggregation | str) -> bool:
    """Whether a period's figures take part in the year to date: its actual, or for a ratio
    both its numerator and its denominator."""
    if member(Aggregation, aggregation) == Aggregation.RATIO:
        return figures.numerator is not None and figures.denominator is not None
    return figures.actual is not None


@dataclass(frozen=True)
class YearToDate:
    """A year to date whose actual and target are taken over the same periods."""

    actual: Decimal | None
    target: TargetSpec | None
    counted: tuple[int, ...] = ()  # positions, among the periods given, of those taken


def year_to_date_like_for_like(
    figures: Sequence[PeriodFigures],
    targets: Sequence[TargetSpec | None],
    *,
    annual: TargetSpec | None,
    aggregation: Aggregation | str,
    periods_in_year: int,
    scale: Decimal = Decimal(1),
) -> YearToDate:
    """Return the year to date over the periods so far that have figures, and the target over
    exactly those periods: seven months of actuals are never set against eight of target.

    `figures` and `targets` are the periods from the start of the year, in order (a period
    the viewer may not see has no figures). Nothing counted gives no actual and no target.
    """
    if len(figures) != len(targets):
        raise ValueError(f"{len(figures)} periods of figures but {len(targets)} of targets")
    counted = tuple(i for i, f in enumerate(figures) if counts_towards_ytd(f, aggregation))
    if not counted:
        return YearToDate(actual=None, target=None)
    actual = year_to_date([figures[i] for i in counted], aggregation, scale=scale)
    target = ytd_target(
        annual,
        aggregation=aggregation,
        periods_in_year=periods_in_year,
        period_targets_so_far=[targets[i] for i in counted],
    )
    return YearToDate(actual=actual, target=target, counted=counted)


@dataclass(frozen=True)
class OnTargetSummary:
    """Counts behind "x of y on target" for a set of measures and a period."""

    green: int = 0
    amber: int = 0
    red: int = 0
    grey: int = 0
    late: int = 0

    @property
    def rated(self) -> int:
        return self.green + self.amber + self.red

    @property
    def total(self) -> int:
        """Every row counted, rated or not (a late row is grey)."""
        return self.rated + self.grey

    @property
    def percent_on_target(self) -> int | None:
        if self.rated == 0:
            return None
        return int(round_to(Decimal(100 * self.green) / self.rated, 0))

    @property
    def text(self) -> str:
        if self.percent_on_target is None:
            return f"{self.green} of {self.rated} on target"
        return f"{self.green} of {self.rated} ({self.percent_on_target}%) on target"

    def as_dict(self) -> dict[str, int | None]:
        return {
            "rated": self.rated,
            "green": self.green,
            "amber": self.amber,
            "red": self.red,
            "grey": self.grey,
            "late": self.late,
            "percent_on_target": self.percent_on_target,
        }


def summarise(items: Iterable[tuple[Rag | str, bool]]) -> OnTargetSummary:
    """Count (rag, late) pairs, one per row of a scorecard.

    A late measure has no value, so it is counted as grey as well as late whatever RAG is given.
    """
    counts = dict.fromkeys(Rag, 0)
    late = 0
    for rag, is_late in items:
        if rag.__class__ is not Rag:
            rag = member(Rag, rag)
        if is_late:
            late += 1
            counts[Rag.GREY] += 1
        else:
            counts[rag] += 1
    return OnTargetSummary(
        green=counts[Rag.GREEN],
        amber=counts[Rag.AMBER],
        red=counts[Rag.RED],
        grey=counts[Rag.GREY],
        late=late,
    )
