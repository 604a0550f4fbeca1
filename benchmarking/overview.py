"""The council's latest position on many metrics at once, against its nearest neighbours and
against all authorities of its type: the benchmarking overview and the measure page.

A fixed number of queries whatever the number of metrics: the council, its nearest-neighbour
group, the periods with values, the council's own periods, its own published values, and one
query for the values of every metric's latest period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q

from benchmarking import periods as benchmark_periods
from benchmarking.comparisons import Comparison, ComparisonError, comparison_for, type_label
from benchmarking.models import Authority, BenchmarkValue, Metric
from benchmarking.positions import Position, Row, build
from targets.models import Value


@dataclass
class CouncilSummary:
    metric: Metric
    period: str | None
    nearest: Position | None
    by_type: Position | None
    problem: str = ""

    @property
    def period_label(self) -> str:
        return benchmark_periods.label(self.period) if self.period else ""


def council() -> Authority | None:
    return Authority.objects.filter(code=settings.COUNCIL_AREA_CODE).first()


def _latest(codes: set[str]) -> str | None:
    return max(codes, key=benchmark_periods.sort_key, default=None)


def council_summaries(metrics: Sequence[Metric]) -> list[CouncilSummary]:
    """The council's position in each metric's latest period that it has a value for."""
    if not metrics:
        return []
    area = council()
    if area is None:
        problem = f"The council ({settings.COUNCIL_AREA_CODE}) is not in the register."
        return [CouncilSummary(m, None, None, None, problem) for m in metrics]
    try:
        nearest: Comparison | None = comparison_for("nearest", area)
    except ComparisonError:
        nearest = None
    by_type = Comparison(
        key=f"type:{area.type}",
        label=type_label(area.type, area.type_name),
        kind="type",
        type_code=area.type,
    )
    ids = [m.pk for m in metrics]
    periods: dict[int, set[str]] = defaultdict(set)
    for metric_id, period in (
        BenchmarkValue.objects.filter(metric_id__in=ids)
        .values_list("metric_id", "period")
        .distinct()
    ):
        periods[metric_id].add(period)
    ours: dict[int, set[str]] = defaultdict(set)
    for metric_id, period in BenchmarkValue.objects.filter(
        metric_id__in=ids, authority=area
    ).values_list("metric_id", "period"):
        ours[metric_id].add(period)
    own = _own_values(metrics, periods)
    latest: dict[int, str | None] = {}
    for metric in metrics:
        mine = ours[metric.pk] | (set(own.get(metric.pk, {})) & periods[metric.pk])
        latest[metric.pk] = _latest(mine)
    rows = _rows(latest, area, nearest)
    summaries = []
    for metric in metrics:
        chosen_period = latest[metric.pk]
        if chosen_period is None:
            problem = f"No value for {area.name}." if periods[metric.pk] else "No values yet."
            summaries.append(CouncilSummary(metric, None, None, None, problem))
            continue
        chosen = rows.get(metric.pk, [])
        mine_own = {p: v for p, v in own.get(metric.pk, {}).items() if p == chosen_period}
        near = build(metric, nearest, area, chosen, mine_own) if nearest else {}
        summaries.append(
            CouncilSummary(
                metric,
                chosen_period,
                near.get(chosen_period),
                build(metric, by_type, area, chosen, mine_own).get(chosen_period),
                "" if nearest else f"{area.name} has no nearest-neighbour group.",
            )
        )
    return summaries


def _own_values(
    metrics: Sequence[Metric], periods: dict[int, set[str]]
) -> dict[int, dict[str, Decimal]]:
    """The linked measures' published values, for metrics that add them."""
    adding = {m.measure_id: m.pk for m in metrics if m.add_own_values and m.measure_id}
    if not adding:
        return {}
    found: dict[int, dict[str, Decimal]] = defaultdict(dict)
    wanted = set().union(*(periods[m] for m in adding.values()))
    for measure_id, period, actual in (
        Value.objects.published()
        .filter(measure_id__in=list(adding), period__in=list(wanted), actual__isnull=False)
        .values_list("measure_id", "period", "actual")
    ):
        found[adding[measure_id]][period] = actual
    return found


def _rows(
    latest: dict[int, str | None], area: Authority, nearest: Comparison | None
) -> dict[int, list[Row]]:
    pairs = [Q(metric_id=m, period=p) for m, p in latest.items() if p is not None]
    if not pairs:
        return {}
    members = nearest.all_members if nearest else frozenset()
    values = BenchmarkValue.objects.filter(reduce(or_, pairs)).filter(
        Q(authority__type=area.type) | Q(authority_id__in=members | {area.pk})
    )
    found: dict[int, list[Row]] = defaultdict(list)
    for metric_id, *row in values.values_list(
        "metric_id",
        "period",
        "authority_id",
        "authority__code",
        "authority__name",
        "authority__type",
        "value",
    ):
        found[metric_id].append(tuple(row))  # type: ignore[arg-type]
    return found
