"""The notification rules: which notices a date raises today, and how they are worded.

Plain functions over dates and counts, no Django, so that they can be tested exhaustively.

- A deadline (a value, an improvement action, a milestone, a procedure's review) is *due soon*
  from `soon` days before it up to and including the day itself, *late* from the day after, and
  *escalated* once it is more than `escalate_after` days late (exactly that many is not yet).
- A limit (feedback compliance lapsing, a review reaching nine months) is *approaching* from
  `lead` days before it up to and including the day itself, and *past* from the day after.
- A plan's sign-off window opens on 1 March before its year starts, is *closing* in its last
  `closing` days up to 31 March, and after 31 March a plan not signed off is *missed* until its
  year ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DUE_SOON = "due_soon"
LATE = "late"
ESCALATED = "escalated"
APPROACHING = "approaching"
PAST = "past"
OPENS = "opens"
CLOSING = "closing"
MISSED = "missed"


def deadline_stages(today: date, due: date, *, soon: int, escalate_after: int) -> tuple[str, ...]:
    """The stages a deadline is at today: (), (due_soon,), (late,) or (late, escalated)."""
    if today <= due:
        return (DUE_SOON,) if (due - today).days <= soon else ()
    if (today - due).days > escalate_after:
        return (LATE, ESCALATED)
    return (LATE,)


def limit_stage(today: date, limit: date, *, lead: int) -> str | None:
    """approaching, past, or None while the limit is more than `lead` days away."""
    if today > limit:
        return PAST
    return APPROACHING if (limit - today).days <= lead else None


@dataclass(frozen=True)
class SignOffWindow:
    opens: date
    due: date  # 31 March before the year starts: signed off after this is late
    ends: date  # the year's last day: after it the plan can no longer be signed off


def sign_off_window(year: int) -> SignOffWindow:
    """The sign-off window of the plan for the financial year starting 1 April `year`."""
    return SignOffWindow(opens=date(year, 3, 1), due=date(year, 3, 31), ends=date(year + 1, 3, 31))


def sign_off_stages(today: date, year: int, *, closing: int) -> tuple[str, ...]:
    """The stages of an unsigned plan for `year` today: opens (all March), closing (its last
    `closing` days as well), missed (April to the end of its year), or ()."""
    window = sign_off_window(year)
    if window.opens <= today <= window.due:
        if (window.due - today).days < closing:
            return (OPENS, CLOSING)
        return (OPENS,)
    if window.due < today <= window.ends:
        return (MISSED,)
    return ()


def plan_years(today: date) -> tuple[int, ...]:
    """The plan years whose sign-off matters today: the running financial year's (missed if
    unsigned) and, in March, the coming year's (its window is open)."""
    running = today.year if today.month >= 4 else today.year - 1
    return (running, running + 1) if today.month == 3 else (running,)


def long_date(day: date) -> str:
    """30 Nov 2026: the date as the e-mails and pages show it."""
    return f"{day.day} {day:%b %Y}"


def plural(number: int, noun: str, nouns: str | None = None) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {nouns or noun + 's'}"


def due_text(today: date, due: date, subject: str = "") -> str:
    """Due 30 Nov 2026 (in 4 days) · Due 26 Nov 2026 (today) · Was due 25 Nov 2026 (1 day late);
    with a subject: Review due 30 Nov 2026 (in 4 days) · Review was due 25 Nov 2026 (…)."""
    days = (due - today).days
    if days > 0:
        text = f"due {long_date(due)} (in {plural(days, 'day')})"
    elif days == 0:
        text = f"due {long_date(due)} (today)"
    else:
        text = f"was due {long_date(due)} ({plural(-days, 'day')} late)"
    text = f"{subject} {text}" if subject else text
    return text[0].upper() + text[1:]


def limit_text(today: date, limit: date, what: str) -> str:
    """e.g. "Lapses 1 Mar 2027 (in 30 days)" or "Lapsed 1 Mar 2027 (5 days ago)"."""
    days = (limit - today).days
    if days > 0:
        return f"{what} {long_date(limit)} (in {plural(days, 'day')})"
    if days == 0:
        return f"{what} {long_date(limit)} (today)"
    return f"{what} {long_date(limit)} ({plural(-days, 'day')} ago)"


def digest_subject(count: int, escalated: int, day: date) -> str:
    """Goldthread for Thursday 26 November 2026: 3 things need you (1 escalated to you)."""
    things = plural(count, "thing needs", "things need")
    tail = f" ({escalated} escalated to you)" if escalated else ""
    return f"Goldthread for {day:%A} {day.day} {day:%B %Y}: {things} you{tail}"
