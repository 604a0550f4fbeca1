"""The council's benchmark positions against its nearest neighbours (or another comparison set, such
as every authority of its own type), as they stood in a financial
year: for each metric, its latest period that falls in or before that year and in which the
council has a value.

A fixed number of queries whatever the number of metrics (the council, its group, one query for
the values); the maths is benchmarking's (`positions.build`, `analysis`). Only imported figures
count: the council's own published values that a metric may add are left out, so that a figure
means the same on every page of the OIM.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarking import periods as benchmark_periods
from benchmarking.comparisons import Comparison, ComparisonError, comparison_for
from benchmarking.models import Authority, BenchmarkValue, Metric
from benchmarking.overview import council
from benchmarking.positions import Position, Row, build


@dataclass(frozen=True)
class CouncilPositions:
    """Positions by metric id (None: no value in or before the year); `problem` says why none
    could be worked out at all."""

    area: Authority | None
    comparison: Comparison | None
    positions: dict[int, Position | None]
    problem: str = ""


def _in_or_before(code: str, year: int) -> bool:
    return benchmark_periods.parse(code).year <= year


# The council's own kind of authority (all shire districts, for a district council).
OWN_TYPE = "own-type"


def council_positions(
    metrics: Sequence[Metric], year: int, group: str = "nearest"
) -> CouncilPositions:
    """`group` is a comparison key (`nearest` by default), or OWN_TYPE: every authority of the
    council's own type in the register."""
    area = council()
    if area is None:
        return CouncilPositions(None, None, {}, "The council is not in the register.")
    key = f"type:{area.type}" if group == OWN_TYPE else group
    try:
        comparison = comparison_for(key, area)
    except ComparisonError as exc:
        return CouncilPositions(area, None, {}, str(exc))
    if not metrics:
        return CouncilPositions(area, comparison, {})
    rows: dict[int, list[Row]] = defaultdict(list)
    for metric_id, *row in (
        BenchmarkValue.objects.filter(metric__in=metrics)
        .filter(comparison.authority_filter(area))
        .values_list(
            "metric_id",
            "period",
            "authority_id",
            "authority__code",
            "authority__name",
            "authority__type",
            "value",
        )
    ):
        rows[metric_id].append(tuple(row))  # type: ignore[arg-type]
    found: dict[int, Position | None] = {}
    for metric in metrics:
        wanted = [r for r in rows[metric.pk] if _in_or_before(r[0], year)]
        built = build(metric, comparison, area, wanted, {})
        usable = [p for p in built.values() if p.stats["value"] is not None]
        found[metric.pk] = max(
            usable, key=lambda p: benchmark_periods.sort_key(p.period), default=None
        )
    return CouncilPositions(area, comparison, found)
