"""The Oxford Improvement Model's scoring rules: plain functions over Decimals, no ORM.

The rules, in the order they are applied (README, "How OIM scores are worked out"):

1. A factor's raw figure becomes a score from 1 (weak) to 4 (strong) through three cut-offs
   ``low < mid < high``. Higher is better: 1 + the number of cut-offs the figure reaches
   (figure ≥ cut-off). Lower is better: 1 + the number of cut-offs the figure does not exceed
   (figure ≤ cut-off). A figure exactly on a cut-off gets the better score. A factor assessed by
   hand is given its score directly (a whole number from 1 to 4). No figure: no score — never 0.
2. A quadrant's score is the weighted mean of the scores of its factors that have one, the
   weights renormalised over those factors, rounded to 2 places (half up). A quadrant none of
   whose factors has a score is missing.
3. The overall score is the weighted mean of the quadrant scores that are present (as rounded),
   with the quadrant weights renormalised the same way (equal weights unless configured),
   rounded to 2 places. No quadrant: no overall score.
4. A service is ranked when at least ``MIN_QUADRANTS`` (3) of the 4 quadrants have a score. Rank 1
   is the highest overall score; equal scores share the best rank (1, 2, 2, 4).
5. Candidates: a ranked service whose overall score is at or below the lower quartile (P25,
   linear interpolation, of the ranked services' overall scores; only with 4 or more ranked), or
   any service with a quadrant scoring 1.5 or less. A candidate in the bottom quartile whose
   "size of budget/cost" quadrant scores 2.5 or less is named for a fundamental service review
   (FSR); every other candidate for a service review.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

SCALE_MIN = 1
SCALE_MAX = 4
PLACES = Decimal("0.01")
MIN_QUADRANTS = 3
BOTTOM_QUARTILE_MIN_RANKED = 4
WEAK_QUADRANT = Decimal("1.5")
FSR_COST_QUADRANT = Decimal("2.5")


class Quadrant(StrEnum):
    CUSTOMER = "customer"
    PEOPLE = "people"
    PERFORMANCE = "performance"
    COST = "cost"

    @property
    def label(self) -> str:
        return QUADRANT_LABELS[self]


QUADRANT_LABELS = {
    Quadrant.CUSTOMER: "Customer service satisfaction",
    Quadrant.PEOPLE: "People, process and systems",
    Quadrant.PERFORMANCE: "Performance results",
    Quadrant.COST: "Size of budget/cost",
}
QUADRANTS: tuple[Quadrant, ...] = tuple(Quadrant)


def round2(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Cutoffs:
    """Three cut-offs in ascending order, and which way is better."""

    low: Decimal
    mid: Decimal
    high: Decimal
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        if not self.low < self.mid < self.high:
            raise ValueError(
                f"Cut-offs must rise: {self.low} < {self.mid} < {self.high} does not hold."
            )

    @property
    def bands(self) -> list[tuple[int, str]]:
        """Each score with the figures that earn it, in words, best first."""
        low, mid, high = (_words(c) for c in (self.low, self.mid, self.high))
        if self.higher_is_better:
            return [
                (4, f"{high} or more"),
                (3, f"{mid} or more, below {high}"),
                (2, f"{low} or more, below {mid}"),
                (1, f"below {low}"),
            ]
        return [
            (4, f"{low} or less"),
            (3, f"above {low}, up to {mid}"),
            (2, f"above {mid}, up to {high}"),
            (1, f"above {high}"),
        ]


def _words(figure: Decimal) -> str:
    """A cut-off as a person would write it: 2.50 -> 2.5, 1000000 -> 1,000,000."""
    text = format(figure.normalize(), "f")
    return f"{figure:,.0f}" if "." not in text and abs(figure) >= 10000 else text


def factor_score(raw: Decimal | None, cutoffs: Cutoffs) -> int | None:
    """A computed factor's score, or None when there is no figure."""
    if raw is None:
        return None
    cuts = (cutoffs.low, cutoffs.mid, cutoffs.high)
    if cutoffs.higher_is_better:
        return SCALE_MIN + sum(1 for c in cuts if raw >= c)
    return SCALE_MIN + sum(1 for c in cuts if raw <= c)


def assessed_score(score: int | None) -> int | None:
    """A hand-assessed score, checked to be on the scale."""
    if score is None:
        return None
    if not SCALE_MIN <= score <= SCALE_MAX or int(score) != score:
        raise ValueError(f"A score is a whole number from {SCALE_MIN} to {SCALE_MAX}.")
    return int(score)


def weighted_mean(pairs: Iterable[tuple[Decimal | int | None, Decimal]]) -> Decimal | None:
    """Σ(score × weight) ÷ Σ weight over the pairs with a score, to 2 places; None if none."""
    present = [(Decimal(s), Decimal(w)) for s, w in pairs if s is not None]
    if any(w <= 0 for _, w in present):
        raise ValueError("Weights must be greater than 0.")
    if not present:
        return None
    total = sum((w for _, w in present), Decimal(0))
    return round2(sum((s * w for s, w in present), Decimal(0)) / total)


@dataclass(frozen=True)
class FactorScore:
    """One factor's result for one service: `score` None means missing."""

    factor: Hashable
    quadrant: Quadrant
    weight: Decimal
    score: int | None


@dataclass(frozen=True)
class Result:
    """A service's quadrant scores (None = missing), overall score and whether it is ranked."""

    quadrants: dict[Quadrant, Decimal | None]
    overall: Decimal | None
    factors: tuple[FactorScore, ...] = ()

    @property
    def present(self) -> list[Quadrant]:
        return [q for q in QUADRANTS if self.quadrants.get(q) is not None]

    @property
    def missing(self) -> list[Quadrant]:
        return [q for q in QUADRANTS if self.quadrants.get(q) is None]

    @property
    def rankable(self) -> bool:
        return len(self.present) >= MIN_QUADRANTS

    @property
    def missing_factors(self) -> list[FactorScore]:
        return [f for f in self.factors if f.score is None]


def quadrant_scores(factors: Iterable[FactorScore]) -> dict[Quadrant, Decimal | None]:
    """Each quadrant's weighted mean over its factors with a score."""
    grouped: dict[Quadrant, list[tuple[int | None, Decimal]]] = {q: [] for q in QUADRANTS}
    for f in factors:
        grouped[Quadrant(f.quadrant)].append((f.score, f.weight))
    return {q: weighted_mean(pairs) for q, pairs in grouped.items()}


def overall_score(
    quadrants: Mapping[Quadrant, Decimal | None], weights: Mapping[Quadrant, Decimal] | None = None
) -> Decimal | None:
    """The weighted mean of the quadrants present (equal weights unless given)."""
    weights = weights or {}
    return weighted_mean((quadrants.get(q), weights.get(q, Decimal(1))) for q in QUADRANTS)


def score_service(
    factors: Sequence[FactorScore], weights: Mapping[Quadrant, Decimal] | None = None
) -> Result:
    quadrants = quadrant_scores(factors)
    return Result(quadrants, overall_score(quadrants, weights), tuple(factors))


def competition_rank(scores: Mapping[K, Decimal]) -> dict[K, int]:
    """Rank 1 = highest; equal scores share the best rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(scores.values(), reverse=True)
    first: dict[Decimal, int] = {}
    for position, score in enumerate(ordered, start=1):
        first.setdefault(score, position)
    return {key: first[score] for key, score in scores.items()}


def rank_services(results: Mapping[K, Result]) -> dict[K, int]:
    """Ranks of the services that meet the coverage minimum; the others are left out."""
    return competition_rank(
        {k: r.overall for k, r in results.items() if r.rankable and r.overall is not None}
    )


def percentile(values: Sequence[Decimal], fraction: Decimal) -> Decimal:
    """Linear interpolation between closest ranks (Excel PERCENTILE.INC), in Decimal."""
    if not values:
        raise ValueError("No values.")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


class CandidateKind(StrEnum):
    FSR = "fsr"
    REVIEW = "review"

    @property
    def label(self) -> str:
        return "Fundamental service review" if self is CandidateKind.FSR else "Service review"


@dataclass(frozen=True)
class Candidate:
    kind: CandidateKind
    reasons: list[str] = field(default_factory=list)


def candidates(results: Mapping[K, Result]) -> dict[K, Candidate]:
    """The services named for a review, with the reasons (rule 5 above)."""
    ranked = {k: r.overall for k, r in results.items() if r.rankable and r.overall is not None}
    p25 = None
    if len(ranked) >= BOTTOM_QUARTILE_MIN_RANKED:
        p25 = percentile(list(ranked.values()), Decimal("0.25"))
    found: dict[K, Candidate] = {}
    for key, result in results.items():
        reasons = []
        overall = ranked.get(key)
        bottom = p25 is not None and overall is not None and overall <= p25
        if bottom and p25 is not None:
            reasons.append(
                f"overall score {overall} is in the bottom quartile (at or below {round2(p25)})"
            )
        for q in QUADRANTS:
            score = result.quadrants.get(q)
            if score is not None and score <= WEAK_QUADRANT:
                reasons.append(f"{q.label} scores {score} (1.5 or less)")
        if not reasons:
            continue
        cost = result.quadrants.get(Quadrant.COST)
        fsr = bottom and cost is not None and cost <= FSR_COST_QUADRANT
        if fsr:
            reasons.append(f"{Quadrant.COST.label} scores {cost} (2.5 or less): value for money")
        found[key] = Candidate(CandidateKind.FSR if fsr else CandidateKind.REVIEW, reasons)
    return found
