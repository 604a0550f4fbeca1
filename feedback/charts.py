"""Chart data for the feedback pages (plotly, through json_script). Floats are fine here: they are
only drawn; the tables beside the charts carry the exact figures."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from feedback.figures import MonthRow, SatisfactionRow
from feedback.models import Round
from targets import periods


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def satisfaction_chart(rows: Sequence[SatisfactionRow], years: Sequence[int]) -> dict[str, Any]:
    """Grouped bars: each service's mean satisfaction, one bar per financial year."""
    return {
        "services": [row.service_name for row in rows],
        "series": [
            {
                "name": periods.fy_label(year),
                "values": [_float(row.by_year[year]) for row in rows],
            }
            for year in years
        ],
    }


def complaints_chart(months: Sequence[MonthRow]) -> dict[str, Any]:
    """Complaints and compliments received by month, and the % answered in time."""
    return {
        "x": [row.month.label for row in months],
        "complaints": [row.figures.complaints for row in months],
        "compliments": [row.figures.compliments for row in months],
        "on_time": [_float(row.figures.on_time_pct) for row in months],
    }


def rounds_chart(rounds: Sequence[Round]) -> dict[str, Any]:
    """Each arrangement's satisfaction round by round, oldest first."""
    series: dict[str, dict[str, list[Any]]] = {}
    for item in sorted(rounds, key=lambda r: r.ended):
        if item.satisfaction is None:
            continue
        line = series.setdefault(item.arrangement.title, {"x": [], "y": []})
        line["x"].append(item.ended.isoformat())
        line["y"].append(float(item.satisfaction))
    return {"series": [{"name": name, **line} for name, line in series.items()]}
