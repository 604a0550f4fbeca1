"""Market intelligence compliance: every service gathers market intelligence, at least one note
in each financial year (the framework's Appendix 2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q

from targets import periods
from targets.models import Service

NOTES_A_YEAR = 1


@dataclass(frozen=True)
class IntelligenceCompliance:
    service: Service
    year: int
    notes: int  # notes dated in the financial year
    last_noted: date | None  # the latest of them
    year_over: bool

    @property
    def status(self) -> str:
        """met; due (none yet, the year not over); missed (none, and the year is over)."""
        if self.notes >= NOTES_A_YEAR:
            return "met"
        return "missed" if self.year_over else "due"

    @property
    def status_text(self) -> str:
        return {
            "met": "Market intelligence gathered",
            "due": "No note yet this year",
            "missed": "No market intelligence that year",
        }[self.status]


def intelligence_compliance(
    year: int, today: date, *, service_ids: set[int] | None = None
) -> list[IntelligenceCompliance]:
    """Every active service's market intelligence notes dated in financial year `year`, in one
    query (`service_ids` None: every service)."""
    whole = periods.parse_period(periods.fy_label(year))
    first, last = whole.start, whole.end
    in_year = Q(market_intelligence__noted_on__gte=first, market_intelligence__noted_on__lte=last)
    services = Service.objects.filter(is_active=True)
    if service_ids is not None:
        services = services.filter(pk__in=service_ids)
    services = services.annotate(
        notes=Count("market_intelligence", filter=in_year),
        last_noted=Max("market_intelligence__noted_on", filter=in_year),
    ).order_by("name")
    return [
        IntelligenceCompliance(
            service=s,
            year=year,
            notes=s.notes,  # type: ignore[attr-defined]
            last_noted=s.last_noted,  # type: ignore[attr-defined]
            year_over=today > last,
        )
        for s in services
    ]
