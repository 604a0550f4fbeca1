"""The approval queue: each submitted value a person may approve, with the facts to decide on.

Per value: its period's target and RAG, direction of travel, the three periods before it and
the same period last year (as staff see them: at least submitted), commentary, corrective
action, data-quality flag, evidence, who submitted it, and the questions its figure raised
(`targets.questions`) with the explanation given. Loaded in a fixed number of queries whatever
the length of the queue: the values (one) and their questions (one), then their measures' values
and targets through the scorecard's one rule (`targets.scorecard.period_statuses`, three).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from targets import rules
from targets.models import User, Value, ValueQuestion
from targets.models.values import INTERNAL_STATUSES
from targets.periods import Period
from targets.scorecard import MeasureStatus, ScorecardData, needed_for_rows, period_statuses
from targets.worklist import approvable_values

EARLIER = 3  # periods shown before the value's own


@dataclass(frozen=True)
class QueueRow:
    value: Value
    status: MeasureStatus  # the value at its period, by the scorecard's rule
    earlier: list[tuple[Period, Decimal | None]]  # the three periods before, oldest first
    last_year: tuple[Period, Decimal | None]

    @property
    def rag(self) -> rules.RagResult:
        return self.status.rag

    @property
    def questions(self) -> list[ValueQuestion]:
        """The questions its figure as submitted raised (an earlier figure's are left out)."""
        return [q for q in self.value.questions.all() if q.actual == self.value.actual]

    @property
    def is_green(self) -> bool:
        return self.status.rag.rag == rules.Rag.GREEN

    @property
    def token(self) -> str:
        """What the page's checkbox sends: the value and the version read."""
        return f"{self.value.pk}:{self.value.version}"


def queue(user: User, *, today: date, filters: Mapping[str, Any] | None = None) -> list[QueueRow]:
    """The submitted values `user` may approve (never their own), oldest period first;
    `filters`: the cleaned `ApprovalFilter` (service, period, rag)."""
    filters = filters or {}
    values = approvable_values(user).select_related("submitted_by").prefetch_related("questions")
    if filters.get("service") is not None:
        values = values.filter(measure__service=filters["service"])
    if filters.get("period") is not None:
        values = values.filter(period=filters["period"].code)
    loaded = list(values)
    if not loaded:
        return []
    pairs = [(v.measure, v.period_obj) for v in loaded]
    codes, years = needed_for_rows([p for _, p in pairs], history=EARLIER + 1)
    data = ScorecardData.load(list({m.pk: m for m, _ in pairs}.values()), codes, years)
    statuses = period_statuses(pairs, internal=True, today=today, history=EARLIER + 1, data=data)
    rows = []
    for value, status in zip(loaded, statuses, strict=True):
        before = status.period.same_period_last_year()
        seen = data.stored(value.measure, before)
        shown = seen.actual if seen is not None and seen.status in INTERNAL_STATUSES else None
        rows.append(
            QueueRow(
                value=value,
                status=status,
                earlier=status.history[:-1],
                last_year=(before, shown),
            )
        )
    wanted = filters.get("rag")
    if wanted:
        rows = [row for row in rows if row.rag.rag.value == wanted]
    return rows
