"""Value for money per service: net budget, cost per head against the nearest neighbours,
performance quartile, the cost × performance grid and the FSR priority list.

The rules (README, "Value for money"):

- Cost per head: the council's value of the service's benchmark metric of spend
  (`ServiceCostMetric`) in the metric's latest period in or before the year, against its
  nearest-neighbour group in that period. Cost quartile 1 = the lowest-cost quarter of the
  group, 4 = the highest (whatever the metric's polarity), by benchmarking's quartile rule.
  Cost against the median: value ÷ the group's median × 100.
- Cost per head is also shown against every authority of the council's own type (the
  all-district group for a district council), side by side with the nearest neighbours; the
  FSR priority takes the nearest neighbours' cost quartile, as the framework asks.
- Performance quartile: from national benchmark data where it exists: the council's quartiles
  against its nearest neighbours on the benchmark metrics linked to the service's measures
  (`oim.performance.Quartiles`), their mean rounded to a whole quartile (a half goes to the
  poorer quartile). Only a service with no such quartile falls back to the council's own
  ranking: the quartile of its % on target among the council's services that have one in the
  year (1 = best), by the same rule. Each row says which it used.
- FSR priority: services with both quartiles and a net budget for the year. Need = cost
  quartile + performance quartile (2 to 8; 8 = highest cost and lowest performance). Budget
  share = the service's net budget ÷ the total net budget of the services listed, to 4 places (a
  net budget below 0 counts as 0). Priority score = need × (1 + budget share), to 2 places;
  highest first, equal scores share a place, then by name. Services left out are listed with
  what they lack.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from benchmarking import analysis
from benchmarking import periods as benchmark_periods
from benchmarking.models import Metric
from oim.benchmarks import OWN_TYPE, council_positions
from oim.models import ServiceBudget, ServiceCostMetric
from oim.performance import Performance, service_performance
from oim.scoring import competition_rank
from targets.models import Service

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Cost:
    metric: Metric
    period: str
    value: Decimal
    median: Decimal | None
    quartile: int | None  # 1 = lowest cost
    rank_text: str | None  # 1 = lowest cost
    n: int
    group_label: str = ""

    @property
    def period_label(self) -> str:
        return benchmark_periods.label(self.period)

    @property
    def against_median(self) -> Decimal | None:
        """Cost as a percentage of the group's median."""
        if self.median is None or self.median == 0:
            return None
        return (self.value / self.median * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


class QuartileSource:
    BENCHMARK = "benchmark"
    OWN_RANKING = "own_ranking"
    NONE = ""


@dataclass
class VfmRow:
    service: Service
    year: int
    budget: Decimal | None
    cost: Cost | None
    cost_problem: str
    performance: Performance
    performance_quartile: int | None
    performance_source: str = QuartileSource.NONE
    cost_all: Cost | None = None
    cost_all_problem: str = ""
    need: int | None = None
    budget_share: Decimal | None = None
    priority_score: Decimal | None = None
    priority: int | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def cost_quartile(self) -> int | None:
        return self.cost.quartile if self.cost else None

    @property
    def performance_source_label(self) -> str:
        return {
            QuartileSource.BENCHMARK: "National benchmark data",
            QuartileSource.OWN_RANKING: "The council's own ranking",
        }.get(self.performance_source, "None")

    @property
    def performance_basis(self) -> str:
        """Which figures the performance quartile came from, in words."""
        if self.performance_source == QuartileSource.BENCHMARK:
            count = len(self.performance.quartiles.items)
            metrics = "metric" if count == 1 else "metrics"
            return (
                f"National benchmark data: {count} linked {metrics} against the nearest "
                f"neighbours ({self.performance.quartiles.text})"
            )
        if self.performance_source == QuartileSource.OWN_RANKING:
            return (
                "The council's own ranking of % on target (no linked benchmark metric has "
                "a quartile)"
            )
        return "None: no linked benchmark quartile and no measure rated in the year"


def _costs(
    services: list[Service], year: int, group: str = "nearest"
) -> tuple[dict[int, Cost], dict[int, str]]:
    links = {
        link.service_id: link
        for link in ServiceCostMetric.objects.filter(service__in=services).select_related("metric")
    }
    metrics = list({link.metric_id: link.metric for link in links.values()}.values())
    found = council_positions(metrics, year, group)
    label = found.comparison.label if found.comparison else ""
    costs: dict[int, Cost] = {}
    problems: dict[int, str] = {}
    for service in services:
        link = links.get(service.pk)
        if link is None:
            problems[service.pk] = "no benchmark metric of spend"
            continue
        position = found.positions.get(link.metric_id)
        if found.problem or position is None:
            problems[service.pk] = (
                found.problem or f"no value of {link.metric.code} in or before the year"
            )
            continue
        members = {row["area"]: row["value"] for row in position.stats["ranking"]}
        lowest_first = analysis.position(
            members,
            area=position.area.code,
            decimals=link.metric.decimals,
            higher_is_better=False,
        )
        costs[service.pk] = Cost(
            metric=link.metric,
            period=position.period,
            value=lowest_first["value"],
            median=lowest_first["median"],
            quartile=lowest_first["quartile"],
            rank_text=lowest_first["rank_text"],
            n=lowest_first["n"],
            group_label=label,
        )
    return costs, problems


def benchmark_quartile(performance: Performance) -> int | None:
    """The mean of the linked metrics' quartiles as a whole quartile; 2.5 is quartile 3."""
    average = performance.quartiles.average
    if average is None:
        return None
    return int(average.quantize(Decimal(1), ROUND_HALF_UP))


def _performance_quartiles(
    performance: dict[int, Performance],
) -> dict[int, tuple[int | None, str]]:
    """By service id: the performance quartile and where it came from."""
    figures = {str(k): p.on_target for k, p in performance.items() if p.on_target is not None}
    result: dict[int, tuple[int | None, str]] = {}
    for pk, perf in performance.items():
        from_benchmarks = benchmark_quartile(perf)
        if from_benchmarks is not None:
            result[pk] = (from_benchmarks, QuartileSource.BENCHMARK)
        elif str(pk) in figures:
            found = analysis.position(figures, area=str(pk), decimals=1, higher_is_better=True)
            source = QuartileSource.OWN_RANKING if found["quartile"] else QuartileSource.NONE
            result[pk] = (found["quartile"], source)
        else:
            result[pk] = (None, QuartileSource.NONE)
    return result


def vfm_rows(
    year: int,
    *,
    services: Iterable[Service] | None = None,
    today: date | None = None,
    performance: dict[int, Performance] | None = None,
    internal: bool = True,
) -> list[VfmRow]:
    """Every active service's value-for-money row for the year, priority worked out
    (`internal` False: performance from published values only)."""
    today = today or timezone.localdate()
    chosen = list(services if services is not None else Service.objects.filter(is_active=True))
    performance = performance or service_performance(chosen, year, today, internal=internal)
    budgets = dict(
        ServiceBudget.objects.filter(service__in=chosen, year=year).values_list(
            "service_id", "net_budget"
        )
    )
    costs, problems = _costs(chosen, year)
    costs_all, problems_all = _costs(chosen, year, OWN_TYPE)
    quartiles = _performance_quartiles(performance)
    rows = [
        VfmRow(
            service=s,
            year=year,
            budget=budgets.get(s.pk),
            cost=costs.get(s.pk),
            cost_problem=problems.get(s.pk, ""),
            performance=performance[s.pk],
            performance_quartile=quartiles[s.pk][0],
            performance_source=quartiles[s.pk][1],
            cost_all=costs_all.get(s.pk),
            cost_all_problem=problems_all.get(s.pk, ""),
        )
        for s in chosen
    ]
    _prioritise(rows)
    return sorted(rows, key=lambda r: (r.priority or 10_000, r.service.name))


def _prioritise(rows: list[VfmRow]) -> None:
    listed = []
    for row in rows:
        if row.cost_quartile is None:
            row.missing.append(
                "cost quartile" + (f" ({row.cost_problem})" if row.cost_problem else "")
            )
        if row.performance_quartile is None:
            row.missing.append(
                "performance quartile (no linked benchmark quartile and no measure rated "
                "in the year)"
            )
        if row.budget is None:
            row.missing.append("net budget for the year")
        if not row.missing:
            listed.append(row)
    # A net budget below 0 (a service that earns more than it spends) weighs as 0.
    total = sum((max(r.budget, Decimal(0)) for r in listed if r.budget is not None), Decimal(0))
    for row in listed:
        assert row.cost_quartile is not None and row.performance_quartile is not None
        assert row.budget is not None
        row.need = row.cost_quartile + row.performance_quartile
        row.budget_share = (
            (max(row.budget, Decimal(0)) / total).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            if total
            else Decimal(0)
        )
        row.priority_score = (row.need * (1 + row.budget_share)).quantize(TWO_PLACES, ROUND_HALF_UP)
    ranks = competition_rank(
        {r.service.pk: r.priority_score for r in listed if r.priority_score is not None}
    )
    for row in listed:
        row.priority = ranks[row.service.pk]


def fsr_priority_list(year: int, *, today: date | None = None) -> list[VfmRow]:
    """The services in FSR priority order (highest first): those with a priority only."""
    return [row for row in vfm_rows(year, today=today) if row.priority is not None]


def grid(rows: Iterable[VfmRow]) -> list[list[list[VfmRow]]]:
    """cells[performance quartile − 1][cost quartile − 1]: the services in each cell."""
    cells: list[list[list[VfmRow]]] = [[[] for _ in range(4)] for _ in range(4)]
    for row in rows:
        if row.cost_quartile and row.performance_quartile:
            cells[row.performance_quartile - 1][row.cost_quartile - 1].append(row)
    return cells
