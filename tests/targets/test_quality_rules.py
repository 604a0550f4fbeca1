"""The audit programme's selection rule (targets.quality.rules): pure, tested without a database."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.periods import Period, parse_period
from targets.quality.rules import (
    MeasureFacts,
    candidates,
    is_eligible,
    months_between,
    order_key,
    propose,
)


def m(code: str) -> Period:
    return parse_period(code)


def facts(
    code: str,
    *,
    corporate: bool = False,
    last: str | None = None,
    failed: bool = False,
    active: bool = True,
    pending: bool = False,
    id: int | None = None,
) -> MeasureFacts:
    return MeasureFacts(
        id=id if id is not None else abs(hash(code)) % 10_000,
        code=code,
        is_corporate=corporate,
        active=active,
        last_audited=m(last) if last else None,
        last_failed=failed,
        pending=pending,
    )


def codes(chosen: list[MeasureFacts]) -> list[str]:
    return [f.code for f in chosen]


MAY = m("2026-05")


def test_months_between_counts_whole_months_across_financial_years() -> None:
    assert months_between(m("2025-05"), m("2026-05")) == 12
    assert months_between(m("2026-03"), m("2026-04")) == 1
    assert months_between(m("2026-04"), m("2026-03")) == -1
    with pytest.raises(ValueError, match="not a month"):
        months_between(parse_period("2025/26-Q1"), MAY)


def test_never_audited_come_first() -> None:
    audited_long_ago = facts("AAA", corporate=True, last="2020-01")
    never = facts("ZZZ")
    assert codes(propose([audited_long_ago, never], MAY, count=1)) == ["ZZZ"]


def test_then_longest_since_the_last_audit() -> None:
    chosen = propose(
        [facts("A", last="2025-03"), facts("B", last="2024-11"), facts("C", last="2025-01")], MAY
    )
    assert codes(chosen) == ["B", "C"]


def test_corporate_before_service_when_otherwise_equal() -> None:
    never = [facts("SV1"), facts("CP9", corporate=True), facts("SV0")]
    assert codes(propose(never, MAY)) == ["CP9", "SV0"]
    same_month = [facts("SV1", last="2025-01"), facts("CP9", corporate=True, last="2025-01")]
    assert codes(propose(same_month, MAY)) == ["CP9", "SV1"]


def test_corporate_does_not_jump_a_longer_wait() -> None:
    chosen = propose(
        [facts("CP1", corporate=True, last="2025-02"), facts("SV1", last="2025-01")], MAY, count=1
    )
    assert codes(chosen) == ["SV1"]


def test_ties_are_broken_by_code_then_id() -> None:
    twins = [facts("X", id=9), facts("X", id=3), facts("A", id=7)]
    assert [(f.code, f.id) for f in propose(twins, MAY, count=3)] == [
        ("A", 7),
        ("X", 3),
        ("X", 9),
    ]


@pytest.mark.parametrize(
    ("last", "eligible"),
    [("2025-04", True), ("2025-05", True), ("2025-06", False), ("2026-04", False)],
)
def test_never_twice_in_twelve_months(last: str, eligible: bool) -> None:
    assert is_eligible(facts("A", last=last), MAY) is eligible


@pytest.mark.parametrize("last", ["2025-06", "2026-01", "2026-04"])
def test_unless_it_failed(last: str) -> None:
    assert is_eligible(facts("A", last=last, failed=True), MAY)


def test_a_failed_measure_is_not_audited_twice_in_the_same_month() -> None:
    assert not is_eligible(facts("A", last="2026-05", failed=True), MAY)


def test_inactive_and_pending_measures_are_never_proposed() -> None:
    inactive = facts("A", corporate=True, active=False)
    pending = facts("B", corporate=True, pending=True)
    assert propose([inactive, pending], MAY) == []


def test_fewer_than_two_when_fewer_are_eligible() -> None:
    assert codes(propose([facts("A"), facts("B", last="2026-01")], MAY)) == ["A"]


def test_exclude_skips_to_the_next_in_order() -> None:
    a, b, c = facts("A", id=1), facts("B", id=2), facts("C", id=3)
    assert codes(propose([a, b, c], MAY, exclude={1})) == ["B", "C"]
    assert propose([a], MAY, count=0) == []


# Properties over any set of measures -------------------------------------------------------

months = st.builds(
    Period,
    year=st.integers(min_value=2018, max_value=2027),
    frequency=st.just("monthly"),
    index=st.integers(min_value=1, max_value=12),
)
measure_facts = st.builds(
    MeasureFacts,
    id=st.integers(min_value=1, max_value=10_000),
    code=st.text(alphabet="ABCDEFG0123", min_size=1, max_size=4),
    is_corporate=st.booleans(),
    active=st.booleans(),
    last_audited=st.none() | months,
    last_failed=st.booleans(),
    pending=st.booleans(),
)
fact_lists = st.lists(measure_facts, max_size=30, unique_by=lambda f: f.id)


@given(fact_lists, months, st.integers(min_value=0, max_value=5))
def test_proposals_are_the_first_eligible_measures_in_order(
    measures: list[MeasureFacts], month: Period, count: int
) -> None:
    chosen = propose(measures, month, count=count)
    eligible = [f for f in measures if is_eligible(f, month)]
    assert len(chosen) == min(count, len(eligible))
    assert all(is_eligible(f, month) for f in chosen)
    assert chosen == sorted(eligible, key=order_key)[: len(chosen)]
    if chosen:
        last = order_key(chosen[-1])
        assert all(order_key(f) >= last for f in eligible if f not in chosen)


@given(fact_lists, months)
def test_no_proposal_breaks_a_rule(measures: list[MeasureFacts], month: Period) -> None:
    for f in propose(measures, month, count=len(measures)):
        assert f.active and not f.pending
        if f.last_audited is not None:
            since = months_between(f.last_audited, month)
            assert since >= 1
            assert f.last_failed or since >= 12


@given(fact_lists, months, st.randoms(use_true_random=False))
def test_the_order_of_the_input_does_not_matter(
    measures: list[MeasureFacts], month: Period, rnd: random.Random
) -> None:
    shuffled = list(measures)
    rnd.shuffle(shuffled)
    assert propose(shuffled, month) == propose(measures, month)


@given(fact_lists, months)
def test_never_audited_eligible_measures_always_beat_audited_ones(
    measures: list[MeasureFacts], month: Period
) -> None:
    ordered = candidates(measures, month)
    flags = [f.last_audited is None for f in ordered]
    assert flags == sorted(flags, reverse=True)


@given(fact_lists, months)
def test_a_pass_keeps_a_measure_out_for_eleven_months(
    measures: list[MeasureFacts], month: Period
) -> None:
    for f in propose(measures, month):
        audited = replace(f, last_audited=month, last_failed=False)
        later = month
        for _ in range(11):
            later = later.next()
            assert not is_eligible(audited, later)
        assert is_eligible(audited, later.next())


# A worked year, by hand ----------------------------------------------------------------------
#
# Fifteen measures; each month's proposals are audited that month and pass, except SV01 which
# fails in April 2026 and CP04 which fails in October 2026 (each passes its next audit). SV04 is
# active from 2027/28 only; SV07 stopped after 2025/26.


@dataclass(frozen=True)
class Row:
    code: str
    corporate: bool
    last: str | None
    failed: bool = False
    active_from: int = 2020
    active_to: int | None = None


WORKED = [
    Row("CP01", True, None),
    Row("CP02", True, "2025-06"),
    Row("CP03", True, "2025-09", failed=True),
    Row("CP04", True, "2025-10"),
    Row("CP05", True, "2026-01"),
    Row("CP06", True, "2025-09"),
    Row("SV01", False, None),
    Row("SV02", False, "2025-06"),
    Row("SV03", False, "2025-04"),
    Row("SV04", False, None, active_from=2027),
    Row("NI01", False, "2025-05"),
    Row("SV05", False, "2025-08"),
    Row("SV06", False, "2025-10"),
    Row("SV07", False, None, active_to=2025),
    Row("SV08", False, "2025-12"),
    Row("SV09", False, "2025-11"),
    Row("SV10", False, "2025-09"),
]
FAILS = {("SV01", "2026-04"), ("CP04", "2026-10")}

EXPECTED = {
    "2026-04": ["CP01", "SV01"],  # never audited: corporate first; SV04, SV07 inactive
    "2026-05": ["SV03", "NI01"],  # Apr 2025 then May 2025 (12 months); CP03, SV01 failed, later
    "2026-06": ["CP02", "SV02"],  # both Jun 2025: corporate first
    "2026-07": ["CP03", "SV01"],  # only the failed ones are eligible: CP03's is older
    "2026-08": ["SV05"],  # only one eligible: nothing is audited twice in 12 months
    "2026-09": ["CP06", "SV10"],
    "2026-10": ["CP04", "SV06"],  # CP04 fails
    "2026-11": ["SV09", "CP04"],  # Nov 2025 before CP04's failed audit of Oct 2026
    "2026-12": ["SV08"],
    "2027-01": ["CP05"],
    "2027-02": [],
    "2027-03": [],
    "2027-04": ["SV04", "CP01"],  # SV04 active in 2027/28, never audited; CP01 12 months on
    "2027-05": ["NI01", "SV03"],  # both May 2026, neither corporate: by code
}


def test_a_worked_year_month_by_month() -> None:
    state = {r.code: (m(r.last) if r.last else None, r.failed) for r in WORKED}
    got: dict[str, list[str]] = {}
    for code in EXPECTED:
        month = m(code)
        measures = [
            MeasureFacts(
                id=i,
                code=r.code,
                is_corporate=r.corporate,
                active=r.active_from <= month.year and (r.active_to or 9999) >= month.year,
                last_audited=state[r.code][0],
                last_failed=state[r.code][1],
            )
            for i, r in enumerate(WORKED)
        ]
        got[code] = codes(propose(measures, month))
        for chosen in got[code]:
            state[chosen] = (month, (chosen, code) in FAILS)
    assert got == EXPECTED
