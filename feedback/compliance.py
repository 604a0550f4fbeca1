"""The compliance view (framework section 6.6): every service hears from its customers at least
every six months; support services run an internal satisfaction survey at least every twelve;
the residents' panel answers three surveys a financial year.

Feedback counts from the day a round ends (its results are in), or the day a residents' panel
survey asking about the service closes. A round or survey counts if it ended on or after the day
six (or twelve) calendar months before the day looked from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Q

from feedback import rules
from feedback.figures import year_span
from feedback.models import Arrangement, PanelSurvey
from targets import periods
from targets.models import Service


@dataclass(frozen=True)
class ServiceCompliance:
    service: Service
    last_round: date | None
    last_panel: date | None
    last_internal: date | None
    feedback_from: date
    internal_from: date

    @property
    def last_feedback(self) -> date | None:
        dates = [d for d in (self.last_round, self.last_panel) if d is not None]
        return max(dates) if dates else None

    @property
    def has_feedback(self) -> bool:
        return self.last_feedback is not None and self.last_feedback >= self.feedback_from

    @property
    def needs_internal(self) -> bool:
        return self.service.is_support

    @property
    def has_internal(self) -> bool:
        return self.last_internal is not None and self.last_internal >= self.internal_from

    @property
    def ok(self) -> bool:
        return self.has_feedback and (self.has_internal or not self.needs_internal)


def service_compliance(today: date, service: Service | None = None) -> list[ServiceCompliance]:
    """Every active service's latest feedback up to `today` (or one service's), in one query."""
    rounds = "arrangements__rounds__ended"
    closed = "panel_results__survey__closed"
    internal = Q(arrangements__kind=Arrangement.Kind.INTERNAL_SURVEY)
    services = Service.objects.filter(is_active=True)
    if service is not None:
        services = Service.objects.filter(pk=service.pk)
    services = services.annotate(
        last_round=Max(rounds, filter=Q(**{f"{rounds}__lte": today})),
        last_internal=Max(rounds, filter=internal & Q(**{f"{rounds}__lte": today})),
        last_panel=Max(closed, filter=Q(**{f"{closed}__lte": today})),
    )
    feedback_from = rules.months_before(today, rules.FEEDBACK_EVERY_MONTHS)
    internal_from = rules.months_before(today, rules.INTERNAL_SURVEY_EVERY_MONTHS)
    return [
        ServiceCompliance(
            service=s,
            last_round=s.last_round,  # type: ignore[attr-defined]
            last_panel=s.last_panel,  # type: ignore[attr-defined]
            last_internal=s.last_internal,  # type: ignore[attr-defined]
            feedback_from=feedback_from,
            internal_from=internal_from,
        )
        for s in services.order_by("name")
    ]


@dataclass(frozen=True)
class PanelCompliance:
    year: int
    surveys: list[PanelSurvey]
    today: date

    @property
    def year_label(self) -> str:
        return periods.fy_label(self.year)

    @property
    def count(self) -> int:
        return len(self.surveys)

    @property
    def needed(self) -> int:
        return rules.PANEL_SURVEYS_A_YEAR

    @property
    def year_over(self) -> bool:
        return self.today > year_span(self.year)[1]

    @property
    def status(self) -> str:
        """met, missed (the year is over), or open (the year is not over yet)."""
        if self.count >= self.needed:
            return "met"
        return "missed" if self.year_over else "open"

    @property
    def ok(self) -> bool:
        return self.status == "met"


def panel_compliance(year: int, today: date) -> PanelCompliance:
    """The residents' panel's surveys sent in financial year `year`."""
    first, last = year_span(year)
    surveys = list(PanelSurvey.objects.filter(sent__gte=first, sent__lte=last).order_by("sent"))
    return PanelCompliance(year=year, surveys=surveys, today=today)
