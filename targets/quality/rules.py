"""The rolling data-quality audit programme's selection rule: which measures to audit in a month.

Pure Python over plain facts about each measure (no database), so that it can be tested
exhaustively. The rule, for a month M:

* A measure is **eligible** when it is active in M, has no audit proposed or in progress, was not
  audited in M itself, and either has never been audited, or was last audited 12 or more months
  before M (last audited in May 2025: eligible again from May 2026), or its last audit failed (a
  failed measure may be audited again within 12 months).
* Eligible measures are **ordered**: never audited first; then longest since the last audit
  (earliest month first); then corporate measures before all others (service, national and
  contextual measures count as service measures); then by code, then by id, so the order is total
  and the same whatever order the facts come in.
* The first ``count`` (two a month) are proposed. Fewer are proposed when fewer are eligible: the
  programme never audits a measure twice in 12 months just to fill a month.

"Last audited" is the month the last completed audit was done in; cancelled audits do not count.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from targets.periods import Frequency, Period

AUDITS_PER_MONTH = 2
MONTHS_BETWEEN_AUDITS = 12


@dataclass(frozen=True)
class MeasureFacts:
    """What the rule needs to know about one measure, for one month."""

    id: int
    code: str
    is_corporate: bool
    active: bool = True
    last_audited: Period | None = None  # a month: when its last completed audit was done
    last_failed: bool = False  # that audit's result was a fail
    pending: bool = False  # an audit of it is already proposed or in progress


def months_between(earlier: Period, later: Period) -> int:
    """Whole months from `earlier` to `later` (May 2025 to May 2026 is 12)."""
    for month in (earlier, later):
        if month.frequency != Frequency.MONTHLY:
            raise ValueError(f"{month.code} is not a month")
    return (later.year - earlier.year) * 12 + (later.index - earlier.index)


def is_eligible(facts: MeasureFacts, month: Period) -> bool:
    if not facts.active or facts.pending:
        return False
    if facts.last_audited is None:
        return True
    since = months_between(facts.last_audited, month)
    if since < 1:  # audited this month (or, for a month in the past, after it)
        return False
    return facts.last_failed or since >= MONTHS_BETWEEN_AUDITS


def order_key(facts: MeasureFacts) -> tuple[bool, int, int, bool, str, int]:
    """Sort key: never audited, then the earliest last audit, corporate first, code, id."""
    last = facts.last_audited
    return (
        last is not None,
        last.year if last else 0,
        last.index if last else 0,
        not facts.is_corporate,
        facts.code,
        facts.id,
    )


def candidates(facts: Iterable[MeasureFacts], month: Period) -> list[MeasureFacts]:
    """Every eligible measure, in the order the rule would propose them."""
    return sorted((f for f in facts if is_eligible(f, month)), key=order_key)


def propose(
    facts: Iterable[MeasureFacts],
    month: Period,
    *,
    count: int = AUDITS_PER_MONTH,
    exclude: Collection[int] = (),
) -> list[MeasureFacts]:
    """The measures to audit in `month`, in order: at most `count`, never one in `exclude`
    (e.g. a proposal the performance team has just cancelled)."""
    if count <= 0:
        return []
    chosen = [f for f in candidates(facts, month) if f.id not in exclude]
    return chosen[:count]


# The controls checklist ------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*•·]|\(?\d{1,2}[.)])\s*")


def procedure_controls(text: str) -> list[str]:
    """The controls a procedure lists, one per line (bullets and numbers dropped; blank lines
    skipped), in its order: what an audit's checklist tests."""
    controls = []
    for line in text.splitlines():
        control = _BULLET.sub("", line, count=1).strip()
        if control:
            controls.append(control)
    return controls


def control_check_problem(*, tested: bool, result: str, evidence: str) -> str | None:
    """Why one line of a checklist cannot be saved as given (None: it can). A tested control
    says whether it works, with the evidence; an untested one has neither result nor verdict."""
    if not tested:
        return "Mark the control tested before saying whether it works" if result else None
    if result not in ("working", "not_working"):
        return "Say whether the control is working or not working"
    if not evidence.strip():
        return "Give the evidence the control was tested on"
    return None
