"""The OIM scoring rules (oim/scoring.py), exhaustively and as properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oim import scoring
from oim.scoring import Candidate, CandidateKind, Cutoffs, FactorScore, Quadrant, Result

D = Decimal
UP = Cutoffs(D(50), D(70), D(90))
DOWN = Cutoffs(D(90), D(100), D(110), higher_is_better=False)


@pytest.mark.parametrize(
    ("raw", "score"),
    [
        ("0", 1),
        ("49.99", 1),
        ("50", 2),
        ("69.9", 2),
        ("70", 3),
        ("89.99", 3),
        ("90", 4),
        ("100", 4),
    ],
)
def test_higher_is_better_cut_offs_give_the_better_score_on_the_boundary(
    raw: str, score: int
) -> None:
    assert scoring.factor_score(D(raw), UP) == score


@pytest.mark.parametrize(
    ("raw", "score"),
    [("50", 4), ("90", 4), ("90.01", 3), ("100", 3), ("100.5", 2), ("110", 2), ("110.01", 1)],
)
def test_lower_is_better_cut_offs_mirror(raw: str, score: int) -> None:
    assert scoring.factor_score(D(raw), DOWN) == score


def test_no_figure_is_no_score_not_zero() -> None:
    assert scoring.factor_score(None, UP) is None
    assert scoring.factor_score(None, DOWN) is None


@pytest.mark.parametrize("cuts", [(1, 1, 2), (3, 2, 1), (1, 2, 2)])
def test_cut_offs_must_rise(cuts: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError, match="must rise"):
        Cutoffs(*(D(c) for c in cuts))


def test_bands_describe_each_score() -> None:
    assert UP.bands[0] == (4, "90 or more")
    assert DOWN.bands[-1] == (1, "above 110")


@pytest.mark.parametrize("bad", [0, 5, -1])
def test_assessed_score_is_on_the_scale(bad: int) -> None:
    with pytest.raises(ValueError):
        scoring.assessed_score(bad)
    assert scoring.assessed_score(3) == 3
    assert scoring.assessed_score(None) is None


def test_weighted_mean_renormalises_over_present_scores() -> None:
    # (4×2 + 1×1) / 3 = 3; the missing one with weight 5 is left out, not counted as 0.
    assert scoring.weighted_mean([(4, D(2)), (1, D(1)), (None, D(5))]) == D("3.00")
    assert scoring.weighted_mean([(None, D(1))]) is None
    assert scoring.weighted_mean([(3, D(1)), (2, D(2))]) == D("2.33")
    # half up at 2 places: (2 + 3 + 3 + 3 + 3 + 3 + 3 + 3) / 8 = 2.875 -> 2.88
    assert scoring.weighted_mean([(2, D(1)), (3, D(7))]) == D("2.88")


def test_weights_must_be_positive() -> None:
    with pytest.raises(ValueError):
        scoring.weighted_mean([(3, D(0))])


def f(quadrant: Quadrant, score: int | None, weight: str = "1", key: str = "") -> FactorScore:
    return FactorScore(key or f"{quadrant}-{score}-{weight}", quadrant, D(weight), score)


def test_a_quadrant_with_no_scored_factor_is_missing() -> None:
    result = scoring.score_service(
        [
            f(Quadrant.CUSTOMER, None),
            f(Quadrant.PEOPLE, 3),
            f(Quadrant.PERFORMANCE, 2, "2"),
            f(Quadrant.PERFORMANCE, 4, "1"),
            f(Quadrant.COST, 1),
        ]
    )
    assert result.quadrants == {
        Quadrant.CUSTOMER: None,
        Quadrant.PEOPLE: D("3.00"),
        Quadrant.PERFORMANCE: D("2.67"),
        Quadrant.COST: D("1.00"),
    }
    # (3 + 2.67 + 1) / 3
    assert result.overall == D("2.22")
    assert result.missing == [Quadrant.CUSTOMER]
    assert result.rankable


def test_overall_uses_quadrant_weights() -> None:
    quadrants = {
        Quadrant.CUSTOMER: D(4),
        Quadrant.PEOPLE: D(2),
        Quadrant.PERFORMANCE: None,
        Quadrant.COST: D(1),
    }
    assert scoring.overall_score(quadrants) == D("2.33")
    weights = {Quadrant.CUSTOMER: D(2), Quadrant.PEOPLE: D(1), Quadrant.COST: D(1)}
    assert scoring.overall_score(quadrants, weights) == D("2.75")
    assert scoring.overall_score(dict.fromkeys(scoring.QUADRANTS)) is None


def test_two_quadrants_are_not_enough_to_be_ranked() -> None:
    result = scoring.score_service([f(Quadrant.PEOPLE, 4), f(Quadrant.COST, 4)])
    assert not result.rankable
    assert result.overall == D("4.00")
    assert scoring.rank_services({"a": result}) == {}


def test_competition_ranking_shares_ties() -> None:
    assert scoring.competition_rank({"a": D(3), "b": D(2), "c": D(2), "d": D(1)}) == {
        "a": 1,
        "b": 2,
        "c": 2,
        "d": 4,
    }


def test_percentile_is_linear_interpolation() -> None:
    assert scoring.percentile([D(1), D(2), D(3), D(4)], D("0.25")) == D("1.75")
    assert scoring.percentile([D(5)], D("0.25")) == D(5)


def result(*scores: str | None) -> Result:
    quadrants = {
        q: (D(s) if s is not None else None) for q, s in zip(scoring.QUADRANTS, scores, strict=True)
    }
    return Result(quadrants, scoring.overall_score(quadrants))


def test_candidates_bottom_quartile_and_weak_quadrants() -> None:
    results = {
        "a": result("4", "4", "4", "4"),
        "b": result("3", "3", "3", "3"),
        "c": result("3", "3", "2", "3"),
        "d": result("2", "2", "2", "2"),  # bottom quartile (P25 = 2.5625), cost 2: an FSR
        "e": result("1", None, None, "4"),  # not ranked, but a weak quadrant
    }
    found = scoring.candidates(results)
    assert set(found) == {"d", "e"}
    assert found["d"].kind is CandidateKind.FSR
    assert found["e"] == Candidate(
        CandidateKind.REVIEW, ["Customer service satisfaction scores 1 (1.5 or less)"]
    )


def test_bottom_quartile_needs_four_ranked_services() -> None:
    results = {"a": result("4", "4", "4", "4"), "b": result("2", "2", "2", "2")}
    assert scoring.candidates(results) == {}


# Properties
scores = st.one_of(st.none(), st.integers(min_value=1, max_value=4))
weights = st.decimals(min_value=D("0.1"), max_value=D(10), places=1)
quadrants = st.sampled_from(scoring.QUADRANTS)
factor_lists = st.lists(st.tuples(quadrants, scores, weights), min_size=1, max_size=12)


def as_factors(items: list[tuple[Quadrant, int | None, Decimal]]) -> list[FactorScore]:
    return [FactorScore(i, q, w, s) for i, (q, s, w) in enumerate(items)]


@given(factor_lists)
def test_scores_stay_on_the_scale(items: list[tuple[Quadrant, int | None, Decimal]]) -> None:
    outcome = scoring.score_service(as_factors(items))
    for value in [*outcome.quadrants.values(), outcome.overall]:
        assert value is None or D(1) <= value <= D(4)


@given(factor_lists, quadrants, weights)
def test_adding_a_missing_factor_changes_nothing(
    items: list[tuple[Quadrant, int | None, Decimal]], quadrant: Quadrant, weight: Decimal
) -> None:
    before = scoring.score_service(as_factors(items))
    after = scoring.score_service(as_factors([*items, (quadrant, None, weight)]))
    assert after.quadrants == before.quadrants
    assert after.overall == before.overall


@given(factor_lists, quadrants, weights)
def test_a_missing_factor_is_never_treated_as_zero(
    items: list[tuple[Quadrant, int | None, Decimal]], quadrant: Quadrant, weight: Decimal
) -> None:
    # Had the missing factor counted as 0, the quadrant would be lower than with it left out.
    with_missing = scoring.score_service(as_factors([*items, (quadrant, None, weight)]))
    scored = [s for q, s, _ in items if q == quadrant and s is not None]
    if scored:
        assert with_missing.quadrants[quadrant] is not None
        assert with_missing.quadrants[quadrant] >= D(min(scored))
    else:
        assert with_missing.quadrants[quadrant] is None


@given(
    st.dictionaries(st.text(min_size=1, max_size=3), st.lists(scores, min_size=4, max_size=4)),
    st.randoms(),
)
def test_rank_does_not_depend_on_the_order_of_input(
    table: dict[str, list[int | None]], rnd: object
) -> None:
    results = {k: result(*(str(s) if s is not None else None for s in v)) for k, v in table.items()}
    keys = list(results)
    rnd.shuffle(keys)  # type: ignore[attr-defined]
    shuffled = {k: results[k] for k in keys}
    assert scoring.rank_services(shuffled) == scoring.rank_services(results)
    assert scoring.candidates(shuffled) == scoring.candidates(results)


@given(st.dictionaries(st.integers(), st.decimals(min_value=1, max_value=4, places=2), min_size=1))
def test_a_higher_score_never_ranks_below_a_lower_one(table: dict[int, Decimal]) -> None:
    ranks = scoring.competition_rank(table)
    for a in table:
        for b in table:
            if table[a] > table[b]:
                assert ranks[a] < ranks[b]
            if table[a] == table[b]:
                assert ranks[a] == ranks[b]
    assert min(ranks.values()) == 1
