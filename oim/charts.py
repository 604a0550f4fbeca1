"""Chart data for the OIM pages (plotly, through json_script). Floats are fine here: they are
only drawn; the tables beside the charts carry the exact figures."""

from __future__ import annotations

from typing import Any

from oim import scoring
from oim.assessments import Ranking
from oim.vfm import VfmRow


def quadrant_chart(ranking: Ranking) -> dict[str, Any]:
    """Services (ranked first, in rank order) × the four quadrants and the overall score;
    None where a score is missing."""
    rows = ranking.services
    columns = [q.label for q in scoring.QUADRANTS] + ["Overall"]
    return {
        "services": [
            f"{a.rank}. {a.service.name}" if a.rank else f"– {a.service.name} (not ranked)"
            for a in rows
        ],
        "columns": columns,
        "scores": [
            [
                *(
                    float(s) if (s := a.quadrant(q)) is not None else None
                    for q in scoring.QUADRANTS
                ),
                float(a.overall) if a.overall is not None else None,
            ]
            for a in rows
        ],
    }


def vfm_chart(rows: list[VfmRow]) -> dict[str, Any]:
    """Each placed service at (cost quartile, performance quartile), sized by its net budget."""
    placed = [r for r in rows if r.cost_quartile and r.performance_quartile]
    # Spread the services that share a cell around its centre so none hides another.
    seen: dict[tuple[int, int], int] = {}
    xs, ys = [], []
    for row in placed:
        cell = (row.cost_quartile or 0, row.performance_quartile or 0)
        nth = seen.get(cell, 0)
        seen[cell] = nth + 1
        xs.append(cell[0] + (-0.25 + 0.25 * (nth % 3)))
        ys.append(cell[1] + (-0.2 + 0.2 * ((nth // 3) % 3)))
    return {
        "x": xs,
        "y": ys,
        "names": [r.service.name for r in placed],
        "budget": [float(r.budget) if r.budget is not None else 0 for r in placed],
        "text": [
            f"{r.service.name}: cost quartile {r.cost_quartile}, performance quartile "
            f"{r.performance_quartile}"
            + (f", net budget £{r.budget:,.0f}" if r.budget is not None else "")
            for r in placed
        ],
    }
