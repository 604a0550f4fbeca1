"""The notification rules (targets/notify/rules.py): pure date rules, tested exhaustively."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.notify import rules
from targets.notify.rules import (
    APPROACHING,
    CLOSING,
    DUE_SOON,
    ESCALATED,
    LATE,
    MISSED,
    OPENS,
    PAST,
)

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
WINDOW = st.integers(min_value=0, max_value=60)


@pytest.mark.parametrize(
    ("offset", "stages"),
    [
        (6, ()),  # due in 6 days, N = 5: not yet
        (5, (DUE_SOON,)),  # exactly N days ahead
        (1, (DUE_SOON,)),
        (0, (DUE_SOON,)),  # due today is due soon, not late
        (-1, (LATE,)),
        (-10, (LATE,)),  # exactly M days late is not escalated
        (-11, (LATE, ESCALATED)),
        (-400, (LATE, ESCALATED)),
    ],
)
def test_deadline_stages_at_the_edges(offset: int, stages: tuple[str, ...]) -> None:
    today = date(2026, 11, 26)
    due = today + timedelta(days=offset)

    assert rules.deadline_stages(today, due, soon=5, escalate_after=10) == stages


@given(today=DAYS, offset=st.integers(-800, 800), soon=WINDOW, after=WINDOW)
def test_deadline_stages_follow_the_definition(
    today: date, offset: int, soon: int, after: int
) -> None:
    due = today + timedelta(days=offset)
    stages = rules.deadline_stages(today, due, soon=soon, escalate_after=after)

    assert (DUE_SOON in stages) == (0 <= offset <= soon)
    assert (LATE in stages) == (offset < 0)
    assert (ESCALATED in stages) == (-offset > after)
    assert ESCALATED not in stages or LATE in stages


@given(today=DAYS, offset=st.integers(-800, 800), soon=WINDOW, after=WINDOW)
def test_a_deadline_moves_through_its_stages_in_order(
    today: date, offset: int, soon: int, after: int
) -> None:
    """Tomorrow a deadline is never at an earlier stage than today."""
    due = today + timedelta(days=offset)
    order = {(): 0, (DUE_SOON,): 1, (LATE,): 2, (LATE, ESCALATED): 3}
    now = rules.deadline_stages(today, due, soon=soon, escalate_after=after)
    later = rules.deadline_stages(today + timedelta(days=1), due, soon=soon, escalate_after=after)

    assert order[later] >= order[now]


@given(today=DAYS, offset=st.integers(-800, 800), lead=WINDOW)
def test_limit_stage(today: date, offset: int, lead: int) -> None:
    limit = today + timedelta(days=offset)
    stage = rules.limit_stage(today, limit, lead=lead)

    if offset < 0:
        assert stage == PAST
    elif offset <= lead:
        assert stage == APPROACHING
    else:
        assert stage is None


@pytest.mark.parametrize(
    ("today", "year", "stages"),
    [
        (date(2027, 2, 28), 2027, ()),  # before the window opens
        (date(2027, 3, 1), 2027, (OPENS,)),
        (date(2027, 3, 24), 2027, (OPENS,)),  # 7 days left: not yet closing
        (date(2027, 3, 25), 2027, (OPENS, CLOSING)),  # the last 7 days: 25–31 March
        (date(2027, 3, 31), 2027, (OPENS, CLOSING)),
        (date(2027, 4, 1), 2027, (MISSED,)),
        (date(2028, 3, 31), 2027, (MISSED,)),  # the year's last day
        (date(2028, 4, 1), 2027, ()),  # the year is over
    ],
)
def test_sign_off_stages(today: date, year: int, stages: tuple[str, ...]) -> None:
    assert rules.sign_off_stages(today, year, closing=7) == stages


@pytest.mark.parametrize(
    ("today", "years"),
    [
        (date(2026, 11, 26), (2026,)),
        (date(2027, 3, 1), (2026, 2027)),  # March: the coming year's window is open
        (date(2027, 3, 31), (2026, 2027)),
        (date(2027, 4, 1), (2027,)),
        (date(2027, 1, 15), (2026,)),
    ],
)
def test_plan_years(today: date, years: tuple[int, ...]) -> None:
    assert rules.plan_years(today) == years


@given(today=DAYS)
def test_plan_years_always_include_the_running_financial_year(today: date) -> None:
    running = today.year if today.month >= 4 else today.year - 1
    years = rules.plan_years(today)

    assert years[0] == running
    assert (len(years) == 2) == (today.month == 3)


@pytest.mark.parametrize(
    ("offset", "subject", "text"),
    [
        (4, "", "Due 30 Nov 2026 (in 4 days)"),
        (1, "", "Due 27 Nov 2026 (in 1 day)"),
        (0, "", "Due 26 Nov 2026 (today)"),
        (-1, "", "Was due 25 Nov 2026 (1 day late)"),
        (-16, "", "Was due 10 Nov 2026 (16 days late)"),
        (4, "Review", "Review due 30 Nov 2026 (in 4 days)"),
        (-2, "Audit", "Audit was due 24 Nov 2026 (2 days late)"),
    ],
)
def test_due_text(offset: int, subject: str, text: str) -> None:
    today = date(2026, 11, 26)

    assert rules.due_text(today, today + timedelta(days=offset), subject) == text


@pytest.mark.parametrize(
    ("offset", "text"),
    [(30, "Lapses 26 Dec 2026 (in 30 days)"), (0, "Lapses 26 Nov 2026 (today)"),
     (-5, "Lapses 21 Nov 2026 (5 days ago)")],
)  # fmt: skip
def test_limit_text(offset: int, text: str) -> None:
    today = date(2026, 11, 26)

    assert rules.limit_text(today, today + timedelta(days=offset), "Lapses") == text


@pytest.mark.parametrize(
    ("count", "escalated", "subject"),
    [
        (1, 0, "Goldthread for Thursday 26 November 2026: 1 thing needs you"),
        (3, 0, "Goldthread for Thursday 26 November 2026: 3 things need you"),
        (3, 1, "Goldthread for Thursday 26 November 2026: 3 things need you (1 escalated to you)"),
    ],
)
def test_digest_subject(count: int, escalated: int, subject: str) -> None:
    assert rules.digest_subject(count, escalated, date(2026, 11, 26)) == subject
