"""Deterministic, plausible figures for a demo measure: one per period, around its targets.

Each measure follows a random walk seeded by its code, so the demo is the same on every run and
a later run only adds the periods that have ended since. The walk is measured in Amber bands:
0 is exactly on target, -1 the edge of Amber, so the RAG mix does not depend on the units.
Random draws are floats; every figure is a Decimal built from a formatted string and rounded to
the measure's decimals, as the rules engine compares them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import Decimal

from targets import periods, rules
from targets.demo.spec import NONE, PCT, PROFILE_YEAR, RANGE, RATIO, SUM, UP, YEARS, M
from targets.periods import Period
from targets.rules import RagResult, TargetSpec, round_to

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Point:
    period: Period
    actual: Decimal
    numerator: Decimal | None
    denominator: Decimal | None
    target: TargetSpec | None  # the period's stored target (None when the year has none)
    rag: RagResult
    forecast: Decimal | None = None


def rng_for(code: str, purpose: str = "figures") -> random.Random:
    # A string seed is hashed with SHA-512, so it does not depend on PYTHONHASHSEED.
    return random.Random(f"goldthread-demo:{code}:{purpose}")


def _dec(x: float, places: int = 6) -> Decimal:
    return Decimal(f"{x:.{places}f}")


def profile_targets(m: M) -> dict[str, TargetSpec]:
    """The profiled period targets of a sum measure in PROFILE_YEAR: its weights share the annual
    target out, the last period taking the remainder so that the periods add up to the year."""
    annual = m.target(PROFILE_YEAR)
    if not m.profile or annual is None or annual.value is None:
        return {}
    if m.aggregation != SUM:
        raise ValueError(f"{m.code}: only a sum measure's target is profiled by weights")
    in_year = periods.periods_in_year(PROFILE_YEAR, m.frequency)
    total, remaining = sum(m.profile), annual.value
    result: dict[str, TargetSpec] = {}
    for period, weight in zip(in_year, m.profile, strict=True):
        share = round_to(annual.value * weight / total, m.decimals)
        share = remaining if period == in_year[-1] else share
        remaining -= share
        result[period.code] = TargetSpec(value=share)
    return result


def period_target(m: M, period: Period, profiled: dict[str, TargetSpec]) -> TargetSpec | None:
    """The period's target as the scorecard derives it (a profiled one wins)."""
    return rules.period_target(
        m.target(period.year),
        aggregation=m.aggregation,
        periods_in_year=periods.PERIODS_PER_YEAR[period.frequency],
        profiled=profiled.get(period.code),
    )


class _Walk:
    """A measure's form over time, in Amber bands (positive is better than target)."""

    def __init__(self, rng: random.Random, form: str) -> None:
        self.rng = rng
        forms = {"strong": 1.3, "weak": -0.7}
        self.bias = forms[form] if form else rng.uniform(-0.8, 1.8)
        self.trend = rng.uniform(-0.35, 0.45)  # per year
        self.sigma = rng.uniform(0.7, 1.2)
        self.side = 1 if rng.random() < 0.5 else -1  # which side of a range it strays to
        self.noise = 0.0

    def step(self, years: float) -> float:
        self.noise = 0.5 * self.noise + self.rng.gauss(0, self.sigma)
        return self.bias + self.trend * years + self.noise


def _tolerance(m: M, reference: Decimal) -> Decimal:
    amount = rules.tolerance_amount(
        reference, tolerance_pct=m.tolerance_pct, tolerance_abs=m.tolerance_abs
    )
    return amount or max(abs(reference) / 20, Decimal(1))


def _raw(m: M, walk: _Walk, score: float, target: TargetSpec | None, years: float) -> Decimal:
    """The unrounded figure that puts the measure `score` Amber bands from its target."""
    if target is None:  # data only: drift around the typical level
        return m.level * (1 + _dec(0.04 * walk.trend * years + 0.03 * walk.noise))
    if m.polarity == RANGE:
        assert target.lower is not None and target.upper is not None
        middle = (target.lower + target.upper) / 2
        half = (target.upper - target.lower) / 2
        if score >= 0:
            return middle + walk.side * half * _dec(1 / (1 + score))
        bound = target.upper if walk.side > 0 else target.lower
        return bound + walk.side * _tolerance(m, bound) * _dec(-score)
    assert target.value is not None
    sign = 1 if m.polarity == UP else -1
    return target.value + sign * _tolerance(m, target.value) * _dec(score)


def _clamp(m: M, figure: Decimal) -> Decimal:
    # Only a range may dip below zero, and only when its lower bound does (a budget variance).
    lowest = min(Decimal(0), m.level) if m.polarity == RANGE else Decimal(0)
    figure = max(figure, lowest)
    if m.unit == PCT and m.polarity != RANGE:
        figure = min(figure, HUNDRED)
    return figure


def series(m: M, last: Period) -> list[Point]:
    """The measure's figures from the first demo year up to and including `last`."""
    rng = rng_for(m.code)
    wants_forecast = m.polarity != NONE and rng.random() < 0.35
    walk = _Walk(rng, m.form)
    profiled = profile_targets(m)
    per_year = periods.PERIODS_PER_YEAR[periods.as_frequency(m.frequency)]
    points: list[Point] = []
    for year in YEARS:
        for period in periods.periods_in_year(year, m.frequency):
            elapsed = year - YEARS[0] + (period.index - 1) / per_year  # in years
            basis = period_target(m, period, profiled)  # None for a data-only measure
            figure = _clamp(m, _raw(m, walk, walk.step(elapsed), basis, elapsed))
            numerator = denominator = None
            if m.aggregation == RATIO:
                denominator = Decimal(max(1, round(m.den * (1 + rng.gauss(0, 0.08)))))
                numerator = min(denominator, round_to(figure * denominator / HUNDRED, 0))
                figure = numerator * HUNDRED / denominator
            if period > last:
                continue  # still drawn, so that later periods do not depend on today
            actual = round_to(figure, m.decimals)
            target = basis if m.stores_target(year) else None
            rag = rules.rag_status(
                actual,
                target,
                polarity=m.polarity,
                decimals=m.decimals,
                tolerance_pct=m.tolerance_pct,
                tolerance_abs=m.tolerance_abs,
            )
            points.append(Point(period, actual, numerator, denominator, target, rag))
    return _with_forecasts(m, points, last.year) if wants_forecast else points


def _with_forecasts(m: M, points: list[Point], year: int) -> list[Point]:
    """Give the current year's values a forecast year-end outturn from the year so far."""
    result: list[Point] = []
    so_far: list[rules.PeriodFigures] = []
    per_year = periods.PERIODS_PER_YEAR[periods.as_frequency(m.frequency)]
    scale = HUNDRED if m.unit == PCT else Decimal(1)
    for point in points:
        if point.period.year != year:
            result.append(point)
            continue
        so_far.append(rules.PeriodFigures(point.actual, point.numerator, point.denominator))
        to_date = rules.year_to_date(so_far, m.aggregation, scale=scale)
        if to_date is not None and m.aggregation == SUM:
            to_date = to_date * per_year / len(so_far)
        forecast = None if to_date is None else round_to(to_date, m.decimals)
        result.append(replace(point, forecast=forecast))
    return result
