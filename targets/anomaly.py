"""Is a figure worth questioning before it is submitted? The rule, over plain values (no Django).

A value is *questioned* (a `Question`, else None) when one of three checks fails, taken in this
order, the first failing one answering:

1. **Ratio** — a measure whose numerator is a part of its denominator (a percentage of a whole:
   unit percent, aggregation ratio) cannot have a numerator larger than its denominator.
2. **History** — the value is far outside the measure's own history: the last `WINDOW` (24)
   periods before it, at least `MIN_HISTORY` (6) of them. The band is a robust one:

       centre ± K × spread,   spread = max(1.4826 × MAD, floor),
       floor = max(FLOOR_FRACTION × |centre|, the measure's resolution (10^−decimals))

   where the centre is the median of the history and MAD the median absolute deviation from
   it (× 1.4826, MAD is the standard deviation of normal noise; median and MAD ignore the odd
   outlier in the history, which a mean and a standard deviation would not). The floor keeps a
   flat series (all 12s, MAD 0) from questioning every change: with K = 5 and a 2.5% floor a
   flat series questions a move of more than 12.5%.

   *Seasonal* measures: a monthly measure with a full 24 months of history is compared with
   its own calendar month. Each calendar month's offset from the overall median is the median
   of that month's values less the overall median (deseasonalising by month medians); the
   centre is the overall median plus the new month's offset, and the spread comes from the
   residuals (each value less the overall median and its month's offset). Each month's offset
   is estimated from its own n values (2 in 24 months), which takes (n−1)/n of their variance
   with it, so each residual is scaled back by √(n/(n−1)). A council's summer peak of
   missed bins or a winter peak of homelessness applications is then expected in its season,
   and a summer-sized figure in winter is questioned.
3. **Benchmark peers** — when a linked benchmark metric has values of other authorities for
   the same period (at least `MIN_PEERS`), a value outside their range widened by
   `PEER_MARGIN` of the range each side.

The constants were tuned on the demo's history (`targets.questions.false_alarm_rate`, the
`question_history` command): see docs/questioned-values.md for the figures.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from targets import formatting
from targets.periods import Frequency, Period

K = Decimal(5)
MAD_SCALE = Decimal("1.4826")
FLOOR_FRACTION = Decimal("0.025")
WINDOW = 24
MIN_HISTORY = 6
SEASONAL_HISTORY = 24  # months: two of each calendar month
MIN_PEERS = 3
PEER_MARGIN = Decimal("0.1")


class Kind(StrEnum):
    RATIO = "ratio"
    HISTORY = "history"
    SEASONAL = "seasonal"
    PEERS = "peers"


@dataclass(frozen=True)
class Facts:
    """What the rule needs to know about a measure."""

    unit: str = "count"
    decimals: int = 0
    frequency: str = Frequency.MONTHLY
    bounded_ratio: bool = False  # the numerator is part of the denominator
    polarity: str = "up"
    aggregation: str = "snapshot"

    @property
    def resolution(self) -> Decimal:
        return Decimal(1).scaleb(-self.decimals)

    def format(self, figure: Decimal) -> str:
        return formatting.figure(figure, unit=self.unit, decimals=self.decimals)


@dataclass(frozen=True)
class Question:
    kind: Kind
    reason: str  # plain English, naming the figure, the band and where it comes from
    low: Decimal
    high: Decimal
    basis: str  # "last 24 months", "same month in the last 2 years", "benchmark peers (12)"
    k: Decimal | None = None  # the band's width in spreads (None for the ratio check)
    centre: Decimal | None = None


def question(
    facts: Facts,
    history: Sequence[tuple[Period, Decimal]],
    value: Decimal,
    *,
    period: Period | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    peers: Sequence[Decimal] = (),
) -> Question | None:
    """The question about `value` (for `period`), or None when it is unremarkable. `history`:
    the measure's earlier (period, value) pairs, any order; only the latest `WINDOW` count."""
    return (
        ratio_question(facts, numerator, denominator)
        or history_question(facts, history, value, period=period)
        or peer_question(facts, peers, value)
    )


def ratio_question(
    facts: Facts, numerator: Decimal | None, denominator: Decimal | None
) -> Question | None:
    if not facts.bounded_ratio or numerator is None or denominator is None:
        return None
    if denominator <= 0 or numerator <= denominator:
        return None
    number = formatting.number
    places = max(facts.decimals, 0)
    return Question(
        kind=Kind.RATIO,
        reason=(
            f"The numerator ({number(numerator, places)}) is larger than the denominator "
            f"({number(denominator, places)}): the numerator of this measure is a part of its "
            "denominator, so it cannot be more than 100%."
        ),
        low=Decimal(0),
        high=denominator,
        basis="numerator within denominator",
    )


def _median(values: Sequence[Decimal]) -> Decimal:
    return Decimal(statistics.median(values))


def _mad(values: Sequence[Decimal], centre: Decimal) -> Decimal:
    return _median([abs(v - centre) for v in values])


def band(
    facts: Facts, history: Sequence[tuple[Period, Decimal]], *, period: Period | None = None
) -> tuple[Decimal, Decimal, Decimal, str] | None:
    """(low, high, centre, basis) of the history band, or None with too little history."""
    recent = sorted(history, key=lambda pair: pair[0])[-WINDOW:]
    if len(recent) < MIN_HISTORY:
        return None
    values = [v for _, v in recent]
    level = _median(values)
    seasonal = _seasonal(recent, level, period) if _is_seasonal(facts, recent, period) else None
    if seasonal is not None:
        centre, residuals, years = seasonal
        basis = f"same month in the last {years} years"
        mad = _median([abs(r) for r in residuals])
    else:
        centre, basis = level, f"last {len(recent)} {_noun(facts, len(recent))}"
        mad = _mad(values, level)
    floor = max(FLOOR_FRACTION * abs(centre), facts.resolution)
    spread = max(MAD_SCALE * mad, floor)
    return centre - K * spread, centre + K * spread, centre, basis


def _noun(facts: Facts, count: int) -> str:
    noun = {"monthly": "month", "quarterly": "quarter", "annual": "year"}.get(
        str(facts.frequency), "period"
    )
    return noun if count == 1 else f"{noun}s"


def _is_seasonal(
    facts: Facts, recent: Sequence[tuple[Period, Decimal]], period: Period | None
) -> bool:
    return (
        period is not None
        and str(facts.frequency) == Frequency.MONTHLY
        and len(recent) >= SEASONAL_HISTORY
    )


def _seasonal(
    recent: Sequence[tuple[Period, Decimal]], level: Decimal, period: Period | None
) -> tuple[Decimal, list[Decimal], int] | None:
    """(centre, residuals, years) deseasonalised by month medians; None when the new value's
    calendar month has fewer than two values."""
    by_month: dict[int, list[Decimal]] = defaultdict(list)
    for p, v in recent:
        by_month[p.index].append(v)
    if period is None or len(by_month.get(period.index, [])) < 2:
        return None
    offsets = {month: _median(vs) - level for month, vs in by_month.items()}
    residuals = []
    for month, vs in by_month.items():
        n = len(vs)
        if n < 2:
            continue
        correction = (Decimal(n) / Decimal(n - 1)).sqrt()
        residuals += [(v - level - offsets[month]) * correction for v in vs]
    return level + offsets[period.index], residuals, len(by_month[period.index])


def history_question(
    facts: Facts,
    history: Sequence[tuple[Period, Decimal]],
    value: Decimal,
    *,
    period: Period | None = None,
) -> Question | None:
    found = band(facts, history, period=period)
    if found is None:
        return None
    low, high, centre, basis = found
    if low <= value <= high:
        return None
    side = "above" if value > high else "below"
    centre_name = "month's median" if basis.startswith("same month") else "median"
    times = ""
    if centre > 0 and value > 0:
        factor = value / centre
        if factor >= 3:
            times = f" It is {formatting.number(factor, 1)} times the usual level."
        elif factor <= Decimal("0.34"):
            times = f" It is {formatting.number(factor * 100, 0)}% of the usual level."
    return Question(
        kind=Kind.SEASONAL if basis.startswith("same month") else Kind.HISTORY,
        reason=(
            f"{facts.format(value)} is far {side} this measure's history ({basis}): "
            f"expected between {facts.format(low)} and {facts.format(high)} (the {centre_name}, "
            f"{facts.format(centre)}, ± {formatting.number(K, 0)} × the spread).{times}"
        ),
        low=low,
        high=high,
        basis=basis,
        k=K,
        centre=centre,
    )


def peer_question(facts: Facts, peers: Sequence[Decimal], value: Decimal) -> Question | None:
    if len(peers) < MIN_PEERS:
        return None
    least, most = min(peers), max(peers)
    margin = max(PEER_MARGIN * (most - least), facts.resolution)
    low, high = least - margin, most + margin
    if low <= value <= high:
        return None
    side = "above" if value > high else "below"
    return Question(
        kind=Kind.PEERS,
        reason=(
            f"{facts.format(value)} is {side} every benchmark peer's figure for this period: "
            f"{len(peers)} authorities range from {facts.format(least)} to {facts.format(most)} "
            f"(allowed {facts.format(low)} to {facts.format(high)})."
        ),
        low=low,
        high=high,
        basis=f"benchmark peers ({len(peers)})",
    )
