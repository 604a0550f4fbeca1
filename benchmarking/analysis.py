"""The benchmarking maths (DESIGN.md section 2): rank, quartile and percentiles of an area within a
comparison set, for one period or for many at once.

Pure functions: in go plain values (period, area code, Decimal), out come dicts. Values are
rounded to the metric's decimals (half up) before anything else. Ranks come from pandas
(`method="min"`: ties share the lowest rank); P25, P50 and P75 from `Series.quantile` (linear
interpolation, as Excel's PERCENTILE.INC). Interpolating between figures of d decimal places
gives at most d + 2 places, so each percentile is read back from its float exactly at d + 2
places, and every comparison with it is made in Decimal, never in float.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

QUANTILES = (0.25, 0.5, 0.75)


def places(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def round_value(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(places(decimals), rounding=ROUND_HALF_UP)


def tidy(value: Decimal, decimals: int) -> Decimal:
    """A percentile at the metric's places when that is exact, else with the places it needs."""
    short = value.quantize(places(decimals))
    if short == value:
        return short
    return value.normalize()


def quartile(
    value: Decimal, p25: Decimal, median: Decimal, p75: Decimal, *, higher_is_better: bool
) -> int:
    """Quartile 1 is the best. On a boundary the better quartile wins (v = P75 is Q1 when
    higher is better; v = P25 is Q1 when lower is better)."""
    if higher_is_better:
        if value >= p75:
            return 1
        if value >= median:
            return 2
        return 3 if value >= p25 else 4
    if value <= p25:
        return 1
    if value <= median:
        return 2
    return 3 if value <= p75 else 4


def _empty(area: str) -> dict[str, Any]:
    return {
        "area": area,
        "n": 0,
        "value": None,
        "rank": None,
        "rank_text": None,
        "quartile": None,
        "p25": None,
        "median": None,
        "p75": None,
        "min": None,
        "max": None,
        "gap_to_median": None,
        "gap_to_top_quartile": None,
        "all_equal": False,
        "ranking": [],
    }


def positions(
    rows: Iterable[tuple[str, str, Decimal]],
    *,
    area: str,
    decimals: int,
    higher_is_better: bool,
) -> dict[str, dict[str, Any]]:
    """For each period among `rows` (period, area code, value): the area's position in the
    comparison set of that period, and the whole set ranked (best first)."""
    rounded = [(p, a, round_value(v, decimals)) for p, a, v in rows if v is not None]
    if not rounded:
        return {}
    # pandas is imported on first use: the pages and packs that import this module without
    # ranking anything (no benchmark linked) would otherwise pay 0.2 s for it.
    import pandas as pd

    frame = pd.DataFrame(rounded, columns=["period", "area", "exact"])
    frame["value"] = frame["exact"].astype(float)
    by_period = frame.groupby("period", sort=False)["value"]
    frame["rank"] = by_period.rank(method="min", ascending=not higher_is_better).astype(int)
    percentiles = by_period.quantile(list(QUANTILES)).unstack()
    extra = decimals + 2
    result: dict[str, dict[str, Any]] = {}
    for period, group in frame.groupby("period", sort=False):
        key = str(period)
        p25, median, p75 = (
            round_value(Decimal(repr(float(percentiles.at[period, q]))), extra) for q in QUANTILES
        )
        ordered = group.sort_values(["rank", "area"])
        values: list[Decimal] = list(ordered["exact"])
        # A set of one has a rank (1/1) but no quartiles to speak of.
        quartiles = len(values) > 1
        ranking: list[dict[str, Any]] = [
            {
                "area": str(code),
                "value": value,
                "rank": int(rank),
                "quartile": (
                    quartile(value, p25, median, p75, higher_is_better=higher_is_better)
                    if quartiles
                    else None
                ),
            }
            for code, value, rank in zip(ordered["area"], values, ordered["rank"], strict=True)
        ]
        found = next((r for r in ranking if r["area"] == area), None)
        summary = _empty(area)
        summary.update(
            n=len(ranking),
            p25=tidy(p25, decimals),
            median=tidy(median, decimals),
            p75=tidy(p75, decimals),
            min=min(values),
            max=max(values),
            all_equal=min(values) == max(values),
            ranking=ranking,
        )
        if found is not None:
            value = found["value"]
            top = p75 if higher_is_better else p25
            summary.update(
                value=value,
                rank=found["rank"],
                rank_text=f"{found['rank']}/{len(ranking)}",
                quartile=found["quartile"],
                gap_to_median=tidy(value - median, decimals),
                gap_to_top_quartile=tidy(value - top, decimals),
            )
        result[key] = summary
    return result


def position(
    values: Mapping[str, Decimal], *, area: str, decimals: int, higher_is_better: bool
) -> dict[str, Any]:
    """The area's position within one period's comparison set {area code: value}."""
    found = positions(
        (("", code, value) for code, value in values.items()),
        area=area,
        decimals=decimals,
        higher_is_better=higher_is_better,
    )
    return found.get("", _empty(area))
