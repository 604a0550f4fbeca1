"""Chart data for the metric page (plotly, through json_script). Floats are fine here: they are
only drawn; the tables beside the charts carry the exact figures."""

from __future__ import annotations

from typing import Any

from benchmarking.positions import Position
from targets.rules import round_to


def _float(value: Any, decimals: int | None = None) -> float | None:
    """A figure to draw; at `decimals` (half up) where the chart labels it, as the tables do."""
    if value is None:
        return None
    return float(round_to(value, decimals) if decimals is not None else value)


def ranking_chart(position: Position) -> dict[str, Any]:
    """The comparison set ranked best first, the area highlighted, the quartile boundaries."""
    ranking = position.ranking
    metric = position.metric
    return {
        "names": [row["name"] for row in ranking],
        "values": [float(row["value"]) for row in ranking],
        "ranks": [row["rank"] for row in ranking],
        "highlight": [row["is_area"] for row in ranking],
        "area": position.area.name,
        "p25": _float(position.stats["p25"], metric.decimals),
        "median": _float(position.stats["median"], metric.decimals),
        "p75": _float(position.stats["p75"], metric.decimals),
        "unit": metric.get_unit_display(),
        "higher_is_better": metric.is_higher_better,
    }


def trend_chart(trend: list[Position]) -> dict[str, Any]:
    """The area's rank (1 at the top) and quartile in each period."""
    shown = [p for p in trend if p.stats["rank"] is not None]
    return {
        "x": [p.period_label for p in shown],
        "rank": [p.stats["rank"] for p in shown],
        "n": [p.stats["n"] for p in shown],
        "quartile": [p.stats["quartile"] for p in shown],
        "text": [
            f"{p.stats['rank_text']}"
            + (f", quartile {p.stats['quartile']}" if p.stats["quartile"] else "")
            for p in shown
        ],
        "area": trend[0].area.name if trend else "",
    }
