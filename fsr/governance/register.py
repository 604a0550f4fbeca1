"""Read models of the risk register and the corporate programmes: the register's rows and its
heat map, and the summary the dashboard and the packs show, each in a fixed number of queries
whatever the number of risks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from fsr.governance import scoring
from fsr.governance.models import Programme, ProgrammeMilestone, Risk, RiskMatrix

TOP_RISKS = 5
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))


@dataclass(frozen=True)
class RiskRow:
    risk: Risk
    inherent_band: scoring.Band
    residual_band: scoring.Band
    review_overdue: bool


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    score: int
    band: scoring.Band
    count: int


@dataclass(frozen=True)
class Register:
    matrix: scoring.Matrix
    rows: list[RiskRow]
    heat: list[list[HeatCell]]  # from the highest likelihood down; impact rising to the right

    @property
    def by_band(self) -> dict[scoring.Band, int]:
        counts = Counter(r.residual_band for r in self.rows)
        return {
            band: counts.get(band, 0)
            for band in (scoring.Band.HIGH, scoring.Band.MEDIUM, scoring.Band.LOW)
        }

    @property
    def overdue(self) -> list[RiskRow]:
        return [r for r in self.rows if r.review_overdue]

    @property
    def top(self) -> list[RiskRow]:
        by_ref = {r.risk.reference: r for r in self.rows if r.risk.status == Risk.Status.OPEN}
        keys = [(r.risk.residual_score, r.risk.inherent_score, ref) for ref, r in by_ref.items()]
        return [by_ref[ref] for _, _, ref in scoring.top(keys, TOP_RISKS)]


def register(
    risks: QuerySet[Risk], *, today: date, matrix: scoring.Matrix | None = None
) -> Register:
    """The rows of `risks` with their bands, and the heat map of their residual scores (open
    risks only: a closed risk is no longer a threat). Two queries."""
    matrix = matrix or RiskMatrix.current()
    loaded = list(risks.select_related("service", "owner", "priority"))
    rows = [
        RiskRow(
            risk=r,
            inherent_band=matrix.band(r.inherent_score),
            residual_band=matrix.band(r.residual_score),
            review_overdue=r.is_review_overdue(today),
        )
        for r in loaded
    ]
    counts = Counter(
        (r.residual_likelihood, r.residual_impact) for r in loaded if r.status == Risk.Status.OPEN
    )
    heat = [
        [HeatCell(lk, im, s, band, counts.get((lk, im), 0)) for lk, im, s, band in row]
        for row in matrix.cells()
    ]
    return Register(matrix=matrix, rows=rows, heat=heat)


@dataclass(frozen=True)
class ProgrammeRow:
    programme: Programme
    overall: scoring.Rag
    milestones_overdue: int
    savings_target: Decimal
    savings_delivered: Decimal


def _sum_of(lines: QuerySet[Any], field: str) -> QuerySet[Any]:
    return lines.annotate(total=Sum(field)).values("total")  # type: ignore[misc]


def programme_rows(today: date) -> list[ProgrammeRow]:
    """Every programme with its overall status, overdue milestones and savings: one query."""
    late = (
        ProgrammeMilestone.objects.filter(
            programme=OuterRef("pk"), due__lt=today, done_on__isnull=True
        )
        .values("programme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    lines = Programme.savings.through.objects.filter(programme=OuterRef("pk")).values("programme")
    found = Programme.objects.select_related("sponsor", "manager").annotate(
        late=Coalesce(Subquery(late), 0),
        target=Coalesce(Subquery(_sum_of(lines, "savingsline__target")), ZERO),
        delivered=Coalesce(Subquery(_sum_of(lines, "savingsline__delivered")), ZERO),
    )
    return [
        ProgrammeRow(
            programme=p,
            overall=p.overall,
            milestones_overdue=p.late,  # type: ignore[attr-defined]
            savings_target=p.target,  # type: ignore[attr-defined]
            savings_delivered=p.delivered,  # type: ignore[attr-defined]
        )
        for p in found
    ]


@dataclass(frozen=True)
class Summary:
    """What the dashboard and the CMT and CEB packs show of risks and programmes."""

    register: Register
    programmes: list[ProgrammeRow]

    @property
    def open_programmes(self) -> list[ProgrammeRow]:
        return [p for p in self.programmes if p.programme.is_open]

    @property
    def programmes_by_rag(self) -> dict[scoring.Rag, int]:
        counts = Counter(p.overall for p in self.open_programmes)
        return {
            rag: counts.get(rag, 0)
            for rag in (scoring.Rag.RED, scoring.Rag.AMBER, scoring.Rag.GREEN)
        }


def summary(*, service_ids: set[int] | None, today: date) -> Summary:
    """The open risks the reader may see and every programme: three queries."""
    risks = Risk.objects.open().visible_to(service_ids)
    return Summary(register=register(risks, today=today), programmes=programme_rows(today))
