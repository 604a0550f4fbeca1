"""The OIM assessment of every service for a financial year: the read model of the ranking page,
the service pages and the API.

Figures come from `oim.sources` (computed) and `FactorAssessment` (by hand); the scoring is
`oim.scoring`'s. A fixed number of queries whatever the number of services or factors.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from oim import scoring, sources
from oim.models import Factor, FactorAssessment, QuadrantWeight
from oim.scoring import Candidate, FactorScore, Quadrant, Result
from targets.models import Service
from targets.periods import Period, fy_label


@dataclass(frozen=True)
class FactorLine:
    """One factor of one service: its raw figure (or hand assessment), score, or why missing."""

    factor: Factor
    raw: Decimal | None
    basis: str
    score: int | None
    assessment: FactorAssessment | None = None

    @property
    def missing(self) -> bool:
        return self.score is None


@dataclass
class ServiceAssessment:
    service: Service
    year: int
    lines: list[FactorLine]
    result: Result
    rank: int | None = None
    candidate: Candidate | None = None

    @property
    def year_label(self) -> str:
        return fy_label(self.year)

    @property
    def overall(self) -> Decimal | None:
        return self.result.overall

    @property
    def not_ranked_reason(self) -> str:
        if self.rank is not None:
            return ""
        missing = ", ".join(q.label for q in self.result.missing)
        return f"Not ranked: missing {missing}" if missing else "Not ranked"

    @property
    def quadrant_list(self) -> list[Decimal | None]:
        return [self.result.quadrants.get(q) for q in scoring.QUADRANTS]

    def quadrant(self, quadrant: Quadrant) -> Decimal | None:
        return self.result.quadrants.get(quadrant)

    @property
    def quadrant_rows(self) -> list[tuple[Quadrant, Decimal | None, list[FactorLine]]]:
        return [
            (
                q,
                self.result.quadrants.get(q),
                [line for line in self.lines if line.factor.quadrant == q],
            )
            for q in scoring.QUADRANTS
        ]

    @property
    def missing_lines(self) -> list[FactorLine]:
        return [line for line in self.lines if line.missing]


@dataclass
class Ranking:
    year: int
    month: Period | None
    weights: dict[Quadrant, Decimal]
    factors: list[Factor]
    services: list[ServiceAssessment] = field(default_factory=list)

    @property
    def year_label(self) -> str:
        return fy_label(self.year)

    @property
    def ranked(self) -> list[ServiceAssessment]:
        return [s for s in self.services if s.rank is not None]

    @property
    def not_ranked(self) -> list[ServiceAssessment]:
        return [s for s in self.services if s.rank is None]

    @property
    def candidates(self) -> list[ServiceAssessment]:
        return [s for s in self.services if s.candidate is not None]

    def for_service(self, service: Service) -> ServiceAssessment | None:
        return next((s for s in self.services if s.service.pk == service.pk), None)


def _line(
    factor: Factor,
    service: Service,
    data: sources.SourceData,
    hand: dict[tuple[int, int], FactorAssessment],
) -> FactorLine:
    if factor.is_assessed:
        found = hand.get((factor.pk, service.pk))
        if found is None:
            return FactorLine(factor, None, f"Not assessed for {fy_label(data.year)}.", None)
        return FactorLine(
            factor,
            Decimal(found.score),
            found.evidence,
            scoring.assessed_score(found.score),
            found,
        )
    figure = data.figure(service, factor.source)
    return FactorLine(factor, figure.value, figure.basis, factor.score(figure.value))


def assess(
    year: int,
    *,
    today: date | None = None,
    services: list[Service] | None = None,
    internal: bool = True,
) -> Ranking:
    """Every active service's assessment for `year`, ranked, with the candidates named
    (`internal` False: performance from published values only, for elected members)."""
    today = today or timezone.localdate()
    chosen = services if services is not None else list(Service.objects.filter(is_active=True))
    factors = list(Factor.objects.active())
    weights = QuadrantWeight.as_dict()
    data = sources.load(chosen, year, today, internal=internal)
    hand = {
        (a.factor_id, a.service_id): a
        for a in FactorAssessment.objects.filter(
            year=year, service__in=chosen, factor__in=factors
        ).select_related("assessor")
    }
    assessments = []
    for service in chosen:
        lines = [_line(f, service, data, hand) for f in factors]
        result = scoring.score_service(
            [
                FactorScore(
                    line.factor.pk, line.factor.quadrant_enum, line.factor.weight, line.score
                )
                for line in lines
            ],
            weights,
        )
        assessments.append(ServiceAssessment(service, year, lines, result))
    results = {a.service.pk: a.result for a in assessments}
    ranks = scoring.rank_services(results)
    named = scoring.candidates(results)
    for a in assessments:
        a.rank = ranks.get(a.service.pk)
        a.candidate = named.get(a.service.pk)
    assessments.sort(key=lambda a: (a.rank is None, a.rank or 0, -(a.overall or 0), a.service.name))
    month = next(iter(data.performance.values())).month if data.performance else None
    return Ranking(year, month, weights, factors, assessments)


def by_quadrant(factors: list[Factor]) -> dict[Quadrant, list[Factor]]:
    grouped: dict[Quadrant, list[Factor]] = defaultdict(list)
    for f in factors:
        grouped[f.quadrant_enum].append(f)
    return grouped
