"""The OIM assessment on a council built by hand: every score, rank and candidate below is worked
out on paper from the rules in oim/scoring.py and the README."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oim import assessments
from oim.models import QuadrantWeight
from oim.scoring import CandidateKind, Quadrant
from tests.factories import ServiceFactory
from tests.oim.conftest import TODAY, YEAR, World

pytestmark = pytest.mark.django_db
D = Decimal


def scores(world: World) -> dict[str, assessments.ServiceAssessment]:
    ranking = assessments.assess(YEAR, today=TODAY, services=list(world.services.values()))
    return {a.service.code: a for a in ranking.services}


def test_raw_figures_and_factor_scores(world: World) -> None:
    waste = scores(world)["waste"]
    lines = {line.factor.name: line for line in waste.lines}
    assert lines["Satisfaction"].raw == D("92") and lines["Satisfaction"].score == 4
    assert lines["Insight"].score == 2
    assert (
        lines["Processes documented"].raw == D("75.0") and lines["Processes documented"].score == 3
    )
    assert lines["On target"].raw == D("50.0") and lines["On target"].score == 2
    assert lines["On target"].basis == "1 of 2 measures on target at Mar 2026."
    assert lines["Improving"].raw == D("50.0") and lines["Improving"].score == 2
    assert lines["Budget"].raw == D("6500000") and lines["Budget"].score == 1


def test_quadrants_overall_and_ranks_worked_out_by_hand(world: World) -> None:
    found = scores(world)
    waste = found["waste"]
    # customer (4×2 + 2×1) / 3; people 3; performance (2×2 + 2×1) / 3; cost 1
    assert waste.result.quadrants == {
        Quadrant.CUSTOMER: D("3.33"),
        Quadrant.PEOPLE: D("3.00"),
        Quadrant.PERFORMANCE: D("2.00"),
        Quadrant.COST: D("1.00"),
    }
    assert waste.overall == D("2.33")  # (3.33 + 3 + 2 + 1) / 4 = 2.3325
    # housing: satisfaction 75 -> 2 (insight missing); 1 of 2 documented -> 50% -> 2;
    # 1 of 1 on target -> 4 (improving missing); £2m -> 3
    assert found["housing"].overall == D("2.75")
    assert found["ict"].overall == D("2.67")  # (1 + 4 + 3) / 3, performance missing
    assert found["benefits"].overall == D("3.00")  # (3 + 4 + 2) / 3
    ranks = {code: a.rank for code, a in found.items()}
    assert ranks == {
        "benefits": 1,
        "housing": 2,
        "ict": 3,
        "waste": 4,
        "planning": None,
        "parks": None,
    }


def test_a_service_with_missing_data_is_not_ranked_as_if_it_scored_zero(world: World) -> None:
    planning = scores(world)["planning"]
    # Only customer (3.33) and cost (4) are present: its average of what is there is the
    # highest of all, yet two quadrants are missing, so it is not ranked at all...
    assert planning.overall == D("3.67")
    assert planning.rank is None
    assert planning.not_ranked_reason == (
        "Not ranked: missing People, process and systems, Performance results"
    )
    # ...and its missing factors are missing, not 0.
    missing = {line.factor.name: line.score for line in planning.missing_lines}
    assert missing == {"Processes documented": None, "On target": None, "Improving": None}


def test_candidates(world: World) -> None:
    found = scores(world)
    named = {code: a.candidate for code, a in found.items() if a.candidate}
    assert set(named) == {"waste", "ict", "parks"}
    # waste: 2.33 <= P25 of (2.33, 2.67, 2.75, 3.00) = 2.585, and cost 1.00 <= 2.5: an FSR
    assert named["waste"].kind is CandidateKind.FSR
    assert named["waste"].reasons[0] == (
        "overall score 2.33 is in the bottom quartile (at or below 2.59)"
    )
    assert named["ict"].kind is CandidateKind.REVIEW  # customer 1.00
    assert named["parks"].kind is CandidateKind.REVIEW  # people 1.00, not ranked


def test_quadrant_weights_change_the_overall_score(world: World) -> None:
    QuadrantWeight.objects.create(quadrant="cost", weight=D("2"))
    waste = scores(world)["waste"]
    assert waste.overall == D("2.07")  # (3.33 + 3 + 2 + 2×1) / 5 = 2.066


def test_an_inactive_factor_is_left_out(world: World) -> None:
    world.factors["budget"].is_active = False
    world.factors["budget"].save()
    waste = scores(world)["waste"]
    assert waste.result.quadrants[Quadrant.COST] is None
    assert "Budget" not in {line.factor.name for line in waste.lines}


def test_the_queries_do_not_grow_with_the_services(world: World) -> None:
    with CaptureQueriesContext(connection) as few:
        assessments.assess(YEAR, today=TODAY)
    for i in range(5):
        ServiceFactory(code=f"extra-{i}")
    with CaptureQueriesContext(connection) as many:
        assessments.assess(YEAR, today=TODAY)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_year_not_started_has_no_performance_figures(world: World) -> None:
    ranking = assessments.assess(YEAR + 2, today=TODAY, services=[world.services["waste"]])
    line = next(li for li in ranking.services[0].lines if li.factor.name == "On target")
    assert line.score is None
    assert line.basis == "2027/28 has not started."
