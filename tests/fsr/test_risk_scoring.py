"""The risk register's pure rules: scores, bands on 4×4 and 5×5 matrices, controls that never
raise a risk, the top risks and a programme's overall status."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fsr.governance import scoring
from fsr.governance.scoring import Band, Matrix, Rag


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (1, Band.LOW),
        (4, Band.LOW),
        (5, Band.MEDIUM),
        (12, Band.MEDIUM),
        (15, Band.HIGH),
        (25, Band.HIGH),
    ],
)
def test_default_five_by_five_bands(score: int, band: Band) -> None:
    assert scoring.default_matrix(5).band(score) == band


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (1, Band.LOW),
        (3, Band.LOW),
        (4, Band.MEDIUM),
        (8, Band.MEDIUM),
        (9, Band.HIGH),
        (16, Band.HIGH),
    ],
)
def test_default_four_by_four_bands(score: int, band: Band) -> None:
    assert scoring.default_matrix(4).band(score) == band


def test_score_is_likelihood_times_impact() -> None:
    assert scoring.score(3, 4) == 12


@pytest.mark.parametrize(
    ("matrix", "problem"),
    [
        (Matrix(3, 2, 5), "4×4 or 5×5"),
        (Matrix(6, 5, 15), "4×4 or 5×5"),
        (Matrix(5, 15, 5), "Medium must start above 1 and below High"),
        (Matrix(4, 4, 17), "at most at 16"),
        (Matrix(5, 1, 15), "above 1"),
    ],
)
def test_unusable_matrices_are_refused_with_the_reason(matrix: Matrix, problem: str) -> None:
    found = matrix.problem()
    assert found is not None and problem in found


def test_default_matrices_are_usable() -> None:
    assert scoring.default_matrix(4).problem() is None
    assert scoring.default_matrix(5).problem() is None


def test_rating_outside_the_scale_names_the_scale() -> None:
    assert scoring.rating_problem(scoring.default_matrix(4), "impact", 5) == (
        "The impact is scored from 1 to 4 on the council's 4×4 matrix, not 5."
    )
    assert scoring.rating_problem(scoring.default_matrix(5), "likelihood", 0) is not None
    assert scoring.rating_problem(scoring.default_matrix(5), "likelihood", None) == (
        "Give the likelihood."
    )
    assert scoring.rating_problem(scoring.default_matrix(5), "likelihood", 5) is None


def test_controls_never_raise_a_risk() -> None:
    assert scoring.residual_problem((3, 4), (3, 4)) is None
    assert scoring.residual_problem((3, 4), (1, 2)) is None
    problems = scoring.residual_problem((3, 4), (4, 4))
    assert problems is not None and set(problems) == {"likelihood"}
    problems = scoring.residual_problem((3, 4), (4, 5))
    assert problems is not None and set(problems) == {"likelihood", "impact"}


def test_heat_map_cells_run_from_the_highest_likelihood_down() -> None:
    cells = scoring.default_matrix(4).cells()
    assert len(cells) == 4 and all(len(row) == 4 for row in cells)
    assert cells[0][0] == (4, 1, 4, Band.MEDIUM)
    assert cells[0][-1] == (4, 4, 16, Band.HIGH)
    assert cells[-1][0] == (1, 1, 1, Band.LOW)


@given(
    size=st.sampled_from([4, 5]),
    lk=st.integers(1, 5),
    im=st.integers(1, 5),
)
def test_bands_never_fall_as_the_score_rises(size: int, lk: int, im: int) -> None:
    matrix = scoring.default_matrix(size)
    lk, im = min(lk, size), min(im, size)
    here = matrix.band(scoring.score(lk, im)).rank
    if lk < size:
        assert matrix.band(scoring.score(lk + 1, im)).rank >= here
    if im < size:
        assert matrix.band(scoring.score(lk, im + 1)).rank >= here


def test_review_is_overdue_the_day_after_its_date() -> None:
    assert not scoring.is_review_overdue(date(2026, 3, 31), date(2026, 3, 31))
    assert scoring.is_review_overdue(date(2026, 3, 31), date(2026, 4, 1))
    assert not scoring.is_review_overdue(None, date(2026, 4, 1))


def test_top_risks_by_residual_then_inherent_then_reference() -> None:
    risks = [(12, 20, "CR02"), (16, 16, "CR01"), (12, 25, "CR03"), (12, 20, "CR00"), (1, 1, "X")]
    assert [r[2] for r in scoring.top(risks, 4)] == ["CR01", "CR03", "CR00", "CR02"]


@pytest.mark.parametrize(
    ("rags", "overall"),
    [
        (("green", "green", "green"), Rag.GREEN),
        (("green", "amber", "green"), Rag.AMBER),
        (("amber", "red", "green"), Rag.RED),
    ],
)
def test_programme_overall_is_the_worst_of_time_cost_and_scope(
    rags: tuple[str, str, str], overall: Rag
) -> None:
    assert scoring.overall_rag(*rags) == overall
