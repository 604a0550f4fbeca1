"""The review programme: every priority service, when it was last reviewed, and the four-year
rule (no service left unreviewed for four years).

"Priority services" are all active services. Which kinds of review satisfy the rule is the
council's setting (`ReviewRuleSettings`, fundamental service reviews by default), once a review
has ended — its improvement plan agreed, or complete — dated by the day it ended. Planned, in
progress and abandoned reviews do not count.

Reporting's packs call `overrunning(today=…)` and `unable_to_deliver(today=…)` for the reviews
overrunning the nine months and those due for a market-testing recommendation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from fsr import rules
from fsr.models import Review, ReviewRuleSettings
from oim.vfm import fsr_priority_list
from targets import periods
from targets.models import Service


def priority_ranks(year: int) -> dict[int, int]:
    """Service id → its place in the value-for-money analysis's FSR priority list for `year`
    (`oim.vfm.fsr_priority_list`; 1 = review first). Services it cannot place are absent."""
    return {row.service.pk: row.priority for row in fsr_priority_list(year) if row.priority}


def programme_order(services: list[Service], ranks: dict[int, int]) -> list[Service]:
    """The FSR priority list's order first, then the services it cannot place (no budget or no
    cost comparison) by name."""
    return sorted(services, key=lambda s: (ranks.get(s.pk, len(ranks) + 1), s.name))


@dataclass
class ProgrammeRow:
    service: Service
    check: rules.FourYearCheck
    last_review: Review | None
    years_since: Decimal | None
    current: list[Review] = field(default_factory=list)  # planned or in progress
    reviews: list[Review] = field(default_factory=list)  # all but abandoned, oldest first
    fsr_priority: int | None = None  # place in the value-for-money FSR priority list
    overrunning: list[Review] = field(default_factory=list)  # open past start + nine months


def programme(
    *, today: date, service_ids: set[int] | None, kinds: list[str] | None = None
) -> list[ProgrammeRow]:
    """One row per active service the reader may see (`service_ids` None: all), in three
    queries; the four-year rule counts the reviews of `kinds` (None: the council's setting)."""
    if kinds is None:
        kinds = ReviewRuleSettings.current().kinds
    services = Service.objects.filter(is_active=True)
    if service_ids is not None:
        services = services.filter(pk__in=service_ids)
    ranks = priority_ranks(periods.financial_year_of(today))
    ordered = programme_order(list(services), ranks)
    by_service: dict[int, list[Review]] = defaultdict(list)
    for review in (
        Review.objects.filter(service__in=ordered)
        .exclude(status=Review.Status.ABANDONED)
        .order_by("start", "pk")
    ):
        by_service[review.service_id].append(review)
    rows = []
    for service in ordered:
        reviews = by_service[service.pk]
        ended = [r for r in reviews if r.is_ended and r.ended_on is not None]
        last_ended = rules.last_counted_end(((r.kind, r.ended_on) for r in ended), kinds)
        last = max(
            (r for r in ended if r.kind in kinds),
            key=lambda r: (r.ended_on, r.pk),
            default=None,
        )
        rows.append(
            ProgrammeRow(
                service=service,
                check=rules.four_year_check(last_ended, today),
                last_review=last,
                years_since=rules.years_between(last_ended, today) if last_ended else None,
                current=[r for r in reviews if r.status in _CURRENT],
                reviews=reviews,
                fsr_priority=ranks.get(service.pk),
                overrunning=[r for r in reviews if r.overrun(today).overrunning],
            )
        )
    return rows


_CURRENT = (Review.Status.PLANNED, Review.Status.IN_PROGRESS)


@dataclass(frozen=True)
class FlaggedReview:
    review: Review
    text: str  # why it is flagged, in words


def overrunning(*, today: date, service_ids: set[int] | None = None) -> list[FlaggedReview]:
    """Reviews still open after start + nine months, longest over first, in one query."""
    found = (
        Review.objects.for_service_ids(service_ids)
        .filter(status__in=_CURRENT, start__lt=today)
        .select_related("service")
    )
    flagged = [(r, r.overrun(today)) for r in found]
    return [
        FlaggedReview(r, check.text)
        for r, check in sorted(flagged, key=lambda p: (-p[1].days_over, p[0].pk))
        if check.overrunning
    ]


def unable_to_deliver(*, today: date, service_ids: set[int] | None = None) -> list[FlaggedReview]:
    """Reviews whose agreed plan has missed a date (due for a market-testing recommendation, or
    with one recorded), by service, in three queries."""
    found = (
        Review.objects.for_service_ids(service_ids)
        .with_missed_dates(today)
        .select_related("service")
        .prefetch_related("milestones", "actions")
        .order_by("service__name", "pk")
    )
    return [FlaggedReview(r, r.delivery(today).text) for r in found]


def timeline(rows: list[ProgrammeRow], today: date) -> dict[str, Any]:
    """The programme as chart data: a bar per review (start to end, or planned end), the date
    each service's four-year deadline falls, and today."""
    bars: list[dict[str, str]] = []
    for row in rows:
        for review in row.reviews:
            end = review.ended_on or review.planned_end
            bars.append(
                {
                    "service": row.service.name,
                    "start": review.start.isoformat(),
                    "end": end.isoformat(),
                    "state": "ended" if review.is_ended else "open",
                    "label": f"{review.title} ({review.get_kind_display()}, "
                    f"{review.get_status_display().lower()})",
                }
            )
    return {
        "services": [row.service.name for row in rows],
        "bars": bars,
        "deadlines": [
            {
                "service": row.service.name,
                "date": row.check.deadline.isoformat(),
                "flagged": row.check.flagged,
            }
            for row in rows
            if row.check.deadline is not None
        ],
        "never": [row.service.name for row in rows if row.check.last_ended is None],
        "today": today.isoformat(),
    }
