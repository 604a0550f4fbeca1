"""The questioning rule (targets/anomaly.py) on synthetic series, none of them the demo's."""

from __future__ import annotations

import math
import random
from decimal import Decimal

import pytest

from targets import anomaly
from targets.anomaly import Facts, Kind
from targets.periods import Frequency, Period, last_n, parse_period

D = Decimal
APRIL_2026 = parse_period("2026-04")
MARCH_2026 = APRIL_2026.previous()


def months(values: list[float], *, ending: Period = MARCH_2026) -> list:
    """(period, value) pairs of consecutive months ending with `ending`."""
    periods = last_n(ending, len(values))
    return [(p, D(f"{v:.6f}")) for p, v in zip(periods, values, strict=True)]


def ask(history: list, value: float | str, facts: Facts | None = None, **kw: object):
    return anomaly.question(
        facts or Facts(decimals=1), history, D(str(value)), period=APRIL_2026, **kw
    )


def noisy(level: float, cv: float, n: int = 24, seed: int = 1) -> list[float]:
    rng = random.Random(seed)
    return [level * (1 + rng.gauss(0, cv)) for _ in range(n)]


def test_flat_series_is_not_questioned_for_a_small_move() -> None:
    history = months([100.0] * 24)
    assert ask(history, 100) is None
    assert ask(history, 110) is None
    assert ask(history, 90) is None


def test_flat_series_questions_a_ten_times_typo_and_a_tenth() -> None:
    history = months([100.0] * 20)
    high = ask(history, 1000)
    assert high is not None and high.kind == Kind.HISTORY
    assert "above" in high.reason and "10.0 times" in high.reason
    low = ask(history, 10)
    assert low is not None and "below" in low.reason


def test_all_equal_zero_history_uses_the_resolution_floor() -> None:
    history = months([0.0] * 24)
    facts = Facts(decimals=0)
    assert ask(history, 3, facts) is None
    assert ask(history, 50, facts) is not None


def test_trending_series_keeps_its_next_step() -> None:
    history = months([100 * 1.02**i for i in range(24)])
    next_step = 100 * 1.02**24
    assert ask(history, next_step) is None
    assert ask(history, next_step * 10) is not None


def test_noisy_series_questions_typos_but_not_typical_values() -> None:
    values = noisy(500, 0.1)
    history = months(values)
    rng = random.Random(7)
    typical = [500 * (1 + rng.gauss(0, 0.1)) for _ in range(200)]
    flagged = sum(ask(history, round(v, 1)) is not None for v in typical)
    assert flagged <= 2  # well under 1% of typical values
    assert ask(history, 5000) is not None
    assert ask(history, 50) is not None


def test_an_outlier_in_the_history_does_not_widen_the_band() -> None:
    values = [100.0] * 23 + [10_000.0]
    assert ask(months(values), 1000) is not None


def seasonal(n: int = 24, level: float = 1000, peak: float = 0.5, noise: float = 0.03) -> list:
    """A summer peak: July 1.5 × the level, January at the level's low."""
    rng = random.Random(3)
    ending = APRIL_2026.previous()
    periods = last_n(ending, n)
    out = []
    for p in periods:
        month = p.start.month
        season = 1 + peak * math.cos((month - 7) / 12 * 2 * math.pi)
        out.append((p, D(f"{level * season * (1 + rng.gauss(0, noise)):.1f}")))
    return out


def seasonal_ask(history: list, value: float, month: str) -> anomaly.Question | None:
    return anomaly.question(Facts(decimals=1), history, D(str(value)), period=parse_period(month))


def test_seasonal_series_expects_its_summer_peak() -> None:
    history = seasonal()
    july = [v for p, v in history if p.start.month == 7]
    summer = float(sum(july) / len(july))
    assert seasonal_ask(history, summer, "2026-07") is None


def test_seasonal_series_questions_a_summer_figure_in_winter() -> None:
    history = seasonal()
    july = float(max(v for p, v in history if p.start.month == 7))
    q = seasonal_ask(history, july, "2027-01")
    assert q is not None and q.kind == Kind.SEASONAL
    assert q.basis == "same month in the last 2 years"


def test_the_same_winter_figure_is_not_questioned_without_seasonality() -> None:
    """With 23 months the rule is not seasonal: a summer figure in winter is within the range."""
    history = seasonal(n=23)
    july = float(max(v for p, v in history if p.start.month == 7))
    assert seasonal_ask(history, july, "2027-01") is None


def test_seasonal_series_questions_a_ten_times_typo() -> None:
    history = seasonal()
    q = seasonal_ask(history, 15_000, "2026-07")
    assert q is not None and q.kind == Kind.SEASONAL


def test_quarterly_measures_are_not_seasonal() -> None:
    quarters = [Period(y, Frequency.QUARTERLY, q) for y in range(2020, 2026) for q in (1, 2, 3, 4)]
    history = [(p, D(100 + (20 if p.index == 2 else 0))) for p in quarters]
    facts = Facts(decimals=0, frequency=Frequency.QUARTERLY)
    q = anomaly.question(facts, history, D(2000), period=Period(2026, Frequency.QUARTERLY, 1))
    assert q is not None and q.basis == "last 24 quarters"


def test_short_history_asks_nothing() -> None:
    history = months([100.0] * 5)
    assert ask(history, 100_000) is None
    assert ask(months([100.0] * 6), 100_000) is not None


def test_only_the_last_24_periods_count() -> None:
    history = months([1.0] * 12 + [100.0] * 24)
    assert ask(history, 100) is None
    assert ask(history, 1) is not None


def test_negative_values() -> None:
    history = months(noisy(-50, 0.1))
    assert ask(history, -52) is None
    assert ask(history, -500) is not None
    assert ask(history, 50) is not None


def test_band_is_reported_with_k_and_basis() -> None:
    history = months([100.0] * 20)
    q = ask(history, 1000)
    assert q is not None
    assert q.k == anomaly.K and q.basis == "last 20 months"
    assert q.low < D(100) < q.high
    # The floor: 2.5% of 100, times K either side.
    assert q.high == D(100) + anomaly.K * D("2.5")
    assert "expected between" in q.reason


def test_ratio_numerator_above_denominator_is_questioned() -> None:
    facts = Facts(unit="percent", decimals=1, bounded_ratio=True, aggregation="ratio")
    q = anomaly.question(facts, [], D(120), numerator=D(120), denominator=D(100))
    assert q is not None and q.kind == Kind.RATIO
    assert "larger than the denominator" in q.reason
    assert anomaly.question(facts, [], D(90), numerator=D(90), denominator=D(100)) is None


def test_ratio_is_not_checked_when_the_measure_allows_it() -> None:
    facts = Facts(unit="percent", decimals=1, bounded_ratio=False, aggregation="ratio")
    assert anomaly.question(facts, [], D(120), numerator=D(120), denominator=D(100)) is None


def test_peers_range() -> None:
    peers = [D(40), D(45), D(50), D(60)]
    facts = Facts(decimals=1)
    assert anomaly.question(facts, [], D(55), peers=peers) is None
    assert anomaly.question(facts, [], D(61), peers=peers) is None  # within the margin
    q = anomaly.question(facts, [], D(600), peers=peers)
    assert q is not None and q.kind == Kind.PEERS and q.basis == "benchmark peers (4)"
    assert anomaly.question(facts, [], D(600), peers=peers[:2]) is None


@pytest.mark.parametrize("factor", [10, 0.1])
def test_typos_on_a_steady_percentage(factor: float) -> None:
    history = months(noisy(80, 0.03))
    facts = Facts(unit="percent", decimals=1)
    assert ask(history, 80, facts) is None
    assert ask(history, round(80 * factor, 1), facts) is not None
