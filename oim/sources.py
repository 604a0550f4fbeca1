"""The raw figure of every computed OIM source, per service, for a financial year.

A figure is a Decimal with a sentence saying where it comes from, or None with a sentence saying
why it is missing: missing is never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from feedback import figures as feedback_figures
from oim.models import Factor, KeyProcess, ServiceBudget
from oim.performance import Performance, percent, service_performance
from oim.vfm import VfmRow, vfm_rows
from targets import formatting
from targets.models import Service
from targets.periods import fy_label

Source = Factor.Source


@dataclass(frozen=True)
class Figure:
    value: Decimal | None
    basis: str  # where it comes from, or why it is missing


@dataclass
class SourceData:
    """Everything the computed sources of one year need, loaded once for all services."""

    year: int
    performance: dict[int, Performance]
    vfm: dict[int, VfmRow]
    satisfaction: dict[int, Decimal]
    complaints: dict[int, Decimal]
    processes: dict[int, tuple[int, int]]  # documented, total
    budgets: dict[int, Decimal]

    def figure(self, service: Service, source: str) -> Figure:
        return _FIGURES[Source(source)](self, service)


def load(
    services: Sequence[Service], year: int, today: date, *, internal: bool = True
) -> SourceData:
    performance = service_performance(services, year, today, internal=internal)
    vfm = {
        r.service.pk: r
        for r in vfm_rows(year, services=services, today=today, performance=performance)
    }
    processes = {
        row["service_id"]: (row["documented"], row["total"])
        for row in KeyProcess.objects.filter(service__in=services)
        .values("service_id")
        .annotate(total=Count("id"), documented=Count("id", filter=Q(documented=True)))
        .order_by()
    }
    return SourceData(
        year=year,
        performance=performance,
        vfm=vfm,
        satisfaction=feedback_figures.satisfaction_by_service(year),
        complaints=feedback_figures.complaints_in_time_by_service(year),
        processes=processes,
        budgets=dict(
            ServiceBudget.objects.filter(service__in=services, year=year).values_list(
                "service_id", "net_budget"
            )
        ),
    )


def _month_text(perf: Performance) -> str:
    return perf.month.label if perf.month else ""


def _on_target(data: SourceData, service: Service) -> Figure:
    perf = data.performance[service.pk]
    if perf.month is None:
        return Figure(None, f"{fy_label(data.year)} has not started.")
    if perf.on_target is None:
        return Figure(
            None,
            f"No measure of the service has a Red, Amber or Green status at {_month_text(perf)}.",
        )
    return Figure(
        perf.on_target, f"{perf.green} of {perf.rated} measures on target at {_month_text(perf)}."
    )


def _improving(data: SourceData, service: Service) -> Figure:
    perf = data.performance[service.pk]
    if perf.month is None:
        return Figure(None, f"{fy_label(data.year)} has not started.")
    if perf.improving_share is None:
        return Figure(
            None, f"No measure has a direction of travel against last year at {_month_text(perf)}."
        )
    return Figure(
        perf.improving_share,
        f"{perf.improving} of {perf.with_direction} measures improving on the same period last "
        f"year, at {_month_text(perf)}.",
    )


def _benchmark(data: SourceData, service: Service) -> Figure:
    quartiles = data.performance[service.pk].quartiles
    if quartiles.average is None:
        return Figure(
            None,
            "No benchmark metric linked to the service's measures has a quartile for the "
            "council in or before the year.",
        )
    return Figure(
        quartiles.average, f"Average of {len(quartiles.items)} quartile(s): {quartiles.text}."
    )


def _satisfaction(data: SourceData, service: Service) -> Figure:
    value = data.satisfaction.get(service.pk)
    if value is None:
        return Figure(
            None, f"No satisfaction figure from customer feedback for {fy_label(data.year)}."
        )
    return Figure(Decimal(value), f"% satisfied in customer feedback, {fy_label(data.year)}.")


def _complaints(data: SourceData, service: Service) -> Figure:
    value = data.complaints.get(service.pk)
    if value is None:
        return Figure(None, f"No complaints figure for {fy_label(data.year)}.")
    return Figure(Decimal(value), f"% of complaints answered in time, {fy_label(data.year)}.")


def _processes(data: SourceData, service: Service) -> Figure:
    documented, total = data.processes.get(service.pk, (0, 0))
    value = percent(documented, total)
    if value is None:
        return Figure(None, "No key processes in the register.")
    return Figure(value, f"{documented} of {total} key processes documented (register today).")


def _cost(data: SourceData, service: Service) -> Figure:
    row = data.vfm[service.pk]
    if row.cost is None:
        return Figure(None, f"No cost per head: {row.cost_problem}.")
    cost = row.cost
    if cost.against_median is None:
        return Figure(None, f"{cost.metric.code}: the nearest neighbours have no median.")
    return Figure(
        cost.against_median,
        f"{cost.metric.format(cost.value)} per head ({cost.metric.code}, {cost.period_label}) "
        f"against a nearest-neighbour median of {cost.metric.format(cost.median)}.",
    )


def _budget(data: SourceData, service: Service) -> Figure:
    value = data.budgets.get(service.pk)
    if value is None:
        return Figure(None, f"No net budget entered for {fy_label(data.year)}.")
    amount = formatting.figure(value, unit=formatting.CURRENCY, decimals=0)
    return Figure(value, f"Net budget {fy_label(data.year)}: {amount}.")


def _assessed(data: SourceData, service: Service) -> Figure:
    raise ValueError("Assessed factors have no computed figure.")


_FIGURES = {
    Source.ON_TARGET: _on_target,
    Source.IMPROVING: _improving,
    Source.BENCHMARK_QUARTILE: _benchmark,
    Source.SATISFACTION: _satisfaction,
    Source.COMPLAINTS_IN_TIME: _complaints,
    Source.PROCESSES_DOCUMENTED: _processes,
    Source.COST_VS_NEAREST: _cost,
    Source.NET_BUDGET: _budget,
    Source.ASSESSED: _assessed,
}
