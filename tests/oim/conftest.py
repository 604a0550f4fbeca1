"""A small council built by hand for the OIM tests, with every figure chosen so that the scores
can be worked out on paper (see test_assessments.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from oim.models import Factor, FactorAssessment, KeyProcess, ServiceBudget
from targets.models import Service, User
from tests.factories import MeasureFactory, ServiceFactory, TargetFactory, UserFactory, ValueFactory

YEAR = 2025
TODAY = date(2026, 5, 15)  # 2025/26 is over: its figures are read at March 2026
D = Decimal


def factor(
    quadrant: str, name: str, source: str, weight: str = "1", cuts: str = "", up: bool = True
) -> Factor:
    low, mid, high = (D(c) for c in cuts.split()) if cuts else (None, None, None)
    return Factor.objects.create(
        quadrant=quadrant,
        name=name,
        source=source,
        weight=D(weight),
        higher_is_better=up,
        cut_low=low,
        cut_mid=mid,
        cut_high=high,
    )


@dataclass
class World:
    services: dict[str, Service]
    factors: dict[str, Factor]
    assessor: User


def processes(service: Service, documented: int, total: int) -> None:
    for i in range(total):
        KeyProcess.objects.create(service=service, name=f"Process {i}", documented=i < documented)


def measure(service: Service, code: str, march: str, last_march: str | None) -> None:
    m = MeasureFactory(code=code, service=service)
    TargetFactory(measure=m, year=YEAR, value=D("80"))
    TargetFactory(measure=m, year=YEAR - 1, value=D("80"))
    ValueFactory(measure=m, period="2026-03", actual=D(march))
    if last_march is not None:
        ValueFactory(measure=m, period="2025-03", actual=D(last_march))


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, pat: User) -> World:
    S = Factor.Source
    codes = ("waste", "housing", "planning", "parks", "ict", "benefits")
    services = {c: ServiceFactory(code=c) for c in codes}
    factors = {
        "satisfaction": factor("customer", "Satisfaction", S.SATISFACTION, "2", "70 80 90"),
        "insight": factor("customer", "Insight", S.ASSESSED),
        "processes": factor(
            "people", "Processes documented", S.PROCESSES_DOCUMENTED, "1", "50 75 90"
        ),
        "on_target": factor("performance", "On target", S.ON_TARGET, "2", "50 65 80"),
        "improving": factor("performance", "Improving", S.IMPROVING, "1", "40 55 70"),
        "budget": factor("cost", "Budget", S.NET_BUDGET, "1", "1000000 3000000 6000000", up=False),
    }
    satisfaction = {"waste": "92", "housing": "75", "planning": "85", "ict": "60", "benefits": "80"}
    monkeypatch.setattr(
        "feedback.figures.satisfaction_by_service",
        lambda year: (
            {services[c].pk: D(v) for c, v in satisfaction.items()} if year == YEAR else {}
        ),
    )
    monkeypatch.setattr("feedback.figures.complaints_in_time_by_service", lambda year: {})
    for code, score in (("waste", 2), ("planning", 4), ("parks", 3)):
        FactorAssessment.objects.create(
            factor=factors["insight"],
            service=services[code],
            year=YEAR,
            score=score,
            evidence="Seen at the service's review.",
            assessor=pat,
            assessed_on=date(2026, 3, 1),
        )
    processes(services["waste"], 3, 4)
    processes(services["housing"], 1, 2)
    processes(services["parks"], 0, 1)
    processes(services["ict"], 2, 2)
    processes(services["benefits"], 1, 1)
    measure(services["waste"], "W1", "85", "80")  # green, improving
    measure(services["waste"], "W2", "70", "75")  # red, worsening
    measure(services["housing"], "H1", "90", None)  # green, no direction
    for code, amount in (
        ("waste", "6500000"),
        ("housing", "2000000"),
        ("planning", "800000"),
        ("ict", "3000000"),
        ("benefits", "5000000"),
    ):
        ServiceBudget.objects.create(service=services[code], year=YEAR, net_budget=D(amount))
    return World(services, factors, UserFactory(username="assessor"))
