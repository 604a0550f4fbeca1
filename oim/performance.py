"""Each service's performance results for a financial year, from its own measures and from the
benchmark metrics linked to them.

- The month: the year's last month (March) once it is complete, else the latest complete month
  of the year; a year that has not started has none, and its figures are missing.
- % on target: of the service's measures active in the year, each at its latest period ending by
  that month (quarterly and annual measures included), those rated Green, Amber or Red count; the
  share that is Green. Values count once submitted, as on every internal page.
- % improving: of those with a long-term direction of travel (against the same period last
  year; measures with a polarity and both values), the share improving.
- Benchmark quartile: the average of the council's quartiles against its nearest neighbours on the
  benchmark metrics linked to the service's measures (1 = best), each metric at its latest
  period in or before the year (see `oim.benchmarks`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from benchmarking import periods as benchmark_periods
from benchmarking.models import Metric
from oim.benchmarks import council_positions
from targets import periods, rules
from targets.models import Measure, Service
from targets.periods import Frequency, Period
from targets.scorecard import measure_statuses

ONE_PLACE = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(100 * part) / whole).quantize(ONE_PLACE, ROUND_HALF_UP)


def month_for(year: int, today: date) -> Period | None:
    """The month a year's figures are read at (see the module's docstring)."""
    latest = periods.latest_complete_period(today, Frequency.MONTHLY)
    year_end = Period(year, Frequency.MONTHLY, 12)
    if latest.year > year:
        return year_end
    if latest.year == year:
        return latest
    return None


@dataclass
class Quartiles:
    """The council's quartile on each metric linked to a service's measures."""

    items: list[tuple[Metric, str, int]] = field(default_factory=list)  # metric, period, quartile

    @property
    def average(self) -> Decimal | None:
        if not self.items:
            return None
        total = Decimal(sum(q for _, _, q in self.items))
        return (total / len(self.items)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def text(self) -> str:
        return "; ".join(
            f"{m.code} {benchmark_periods.label(p)}: quartile {q}" for m, p, q in self.items
        )


@dataclass
class Performance:
    service: Service
    month: Period | None
    green: int = 0
    rated: int = 0
    improving: int = 0
    with_direction: int = 0
    measures: int = 0
    quartiles: Quartiles = field(default_factory=Quartiles)

    @property
    def on_target(self) -> Decimal | None:
        return percent(self.green, self.rated)

    @property
    def improving_share(self) -> Decimal | None:
        return percent(self.improving, self.with_direction)


RATED = {rules.Rag.GREEN, rules.Rag.AMBER, rules.Rag.RED}
DIRECTED = {rules.Direction.IMPROVING, rules.Direction.WORSENING, rules.Direction.NO_CHANGE}


def service_performance(
    services: Iterable[Service], year: int, today: date, *, internal: bool = True
) -> dict[int, Performance]:
    """Performance by service id, in a fixed number of queries (`internal` False: from
    published values only, for elected members)."""
    services = list(services)
    month = month_for(year, today)
    found = {s.pk: Performance(s, month) for s in services}
    if month is None:
        return found
    measures = list(
        Measure.objects.active_in(year).filter(service__in=services).order_by("service_id", "code")
    )
    for status in measure_statuses(measures, month, internal=internal, today=today):
        perf = found[status.measure.service_id]
        perf.measures += 1
        if status.rag.rag in RATED:
            perf.rated += 1
            perf.green += status.rag.rag == rules.Rag.GREEN
        if status.dot_long in DIRECTED:
            perf.with_direction += 1
            perf.improving += status.dot_long == rules.Direction.IMPROVING
    linked = list(
        Metric.objects.filter(measure__service__in=services)
        .select_related("measure")
        .order_by("code")
    )
    positions = council_positions(linked, year).positions
    by_service: dict[int, list[tuple[Metric, str, int]]] = defaultdict(list)
    for metric in linked:
        position = positions.get(metric.pk)
        if position is not None and position.stats["quartile"] is not None:
            assert metric.measure is not None
            by_service[metric.measure.service_id].append(
                (metric, position.period, position.stats["quartile"])
            )
    for service_id, items in by_service.items():
        found[service_id].quartiles = Quartiles(items)
    return found
