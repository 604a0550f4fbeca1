"""A review's baseline and outcome, measured from our own data.

- Cost: the service's net budget (`oim.ServiceBudget`). The baseline is the budget of the
  financial year the review starts in; the outcome, the latest budget of a financial year after
  the one the review ended in.
- Performance: the "x of y on target" figure of the service's measures (`targets.scorecard`),
  at the latest complete month with data that ended before the review started (baseline), or
  that began after the review ended (outcome). Only published values count, so the stored
  figures may be shown to everyone who may read the review, scrutiny members included.

Missing data stays missing (None): never a zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from oim.models import ServiceBudget
from targets import periods, scorecard
from targets.models import Measure, Service, Value, ValueStatus
from targets.periods import Frequency, Period, PeriodError
from targets.rules import GreyReason

# How many of the latest months with data to try before giving up (each costs three queries):
# a month with values but no rated measure (all data-only) is rare.
MAX_MONTHS_TRIED = 6


@dataclass(frozen=True)
class Performance:
    month: Period
    green: int
    rated: int


@dataclass(frozen=True)
class Reading:
    cost: Decimal | None
    cost_year: int | None
    performance: Performance | None


def baseline(service: Service, start: date) -> Reading:
    year = periods.financial_year_of(start)
    budget = ServiceBudget.objects.filter(service=service, year=year).first()
    return Reading(
        cost=budget.net_budget if budget else None,
        cost_year=year if budget else None,
        performance=performance(service, before=start, today=start),
    )


def outcome(service: Service, ended: date, today: date) -> Reading:
    budget = (
        ServiceBudget.objects.filter(service=service, year__gt=periods.financial_year_of(ended))
        .order_by("-year")
        .first()
    )
    return Reading(
        cost=budget.net_budget if budget else None,
        cost_year=budget.year if budget else None,
        performance=performance(service, after=ended, today=today),
    )


def performance(
    service: Service, *, today: date, before: date | None = None, after: date | None = None
) -> Performance | None:
    """% of the service's measures on target at the latest month with published data that
    ended before `before` (or began after `after`).

    The latest complete month is preferred (every measure due then with a target has its
    published value), so that a month still being published does not stand for the service;
    failing one among the last few months with data, the latest month with any rated measure.
    """
    measures = list(Measure.objects.filter(service=service))
    if not measures:
        return None
    fallback: Performance | None = None
    for month in _months_with_data(measures, before=before, after=after)[:MAX_MONTHS_TRIED]:
        due = [
            m
            for m in measures
            if m.is_active_in(month.year) and periods.is_due_in(m.period_frequency, month)
        ]
        statuses = scorecard.measure_statuses(due, month, internal=False, today=today)
        found = scorecard.summary(statuses)
        if not found.rated:
            continue
        reading = Performance(month=month, green=found.green, rated=found.rated)
        if not any(s.rag.reason == GreyReason.NO_DATA for s in statuses if s.due):
            return reading
        fallback = fallback or reading
    return fallback


def _months_with_data(
    measures: list[Measure], *, before: date | None, after: date | None
) -> list[Period]:
    """The months in which a period with a published value ended, newest first."""
    codes = (
        Value.objects.filter(measure__in=measures, status=ValueStatus.PUBLISHED)
        .order_by()
        .values_list("period", flat=True)
        .distinct()
    )
    months: set[Period] = set()
    for code in codes:
        try:
            end = periods.parse_period(code).end
        except PeriodError:
            continue
        month = periods.period_containing(end, Frequency.MONTHLY)
        if before is not None and not month.end < before:
            continue
        if after is not None and not month.start > after:
            continue
        months.add(month)
    return sorted(months, reverse=True)
