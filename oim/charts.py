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
    """The 4 × 4 grid: performance quartile (rows, best first) × cost quartile (columns, lowest
    first); each cell coloured by its need (cost + performance quartile) and naming its
    services."""
    cells = [[[] for _ in range(4)] for _ in range(4)]  # type: list[list[list[str]]]
    for row in rows:
        if row.cost_quartile and row.performance_quartile:
            cells[row.performance_quartile - 1][row.cost_quartile - 1].append(row.service.name)
    return {
        "x": [
            f"Cost Q{c}" + (" (lowest)" if c == 1 else " (highest)" if c == 4 else "")
            for c in range(1, 5)
        ],
        "y": [
            f"Performance Q{p}" + (" (best)" if p == 1 else " (worst)" if p == 4 else "")
            for p in range(1, 5)
        ],
        "need": [[p + c for c in range(1, 5)] for p in range(1, 5)],
        "names": [["<br>".join(cell) for cell in line] for line in cells],
        "placed": sum(len(cell) for line in cells for cell in line),
    }
