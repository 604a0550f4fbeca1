"""Questioned values: the rule (`targets.anomaly`) over the database, and its records.

- `Book.load(pairs)` loads what the rule needs for many (measure, period) pairs at once — the
  measures' last `anomaly.WINDOW` periods of values at least submitted before each period, and
  the benchmark peers' figures for those periods — in a fixed number of queries (two: the
  values, and the peers through each later app's `peers` module, found at run time so `targets`
  imports none of them). The month grid, an upload and the API ask for a whole batch at once.
- `Book.ask(measure, period, actual, numerator=, denominator=)` is the question, or None.
- `record(...)` writes a `ValueQuestion` (once per value, kind and figure) and its audit record.
- `false_alarm_rate(...)` replays the rule over stored history: each value against the values
  before it.

History is what the council has let out of draft (submitted, approved, published): a draft is
the officer's own work in progress and may hold the very typo being asked about.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from django.apps import apps
from django.conf import settings

from targets import anomaly, audit, periods
from targets.anomaly import Question
from targets.models import (
    INTERNAL_STATUSES,
    ChangeRecord,
    Measure,
    User,
    Value,
    ValueQuestion,
)
from targets.periods import Period

PeerSource = Callable[[Iterable[tuple[int, str]]], dict[tuple[int, str], list[Decimal]]]


def facts(measure: Measure) -> anomaly.Facts:
    """The rule's facts about a measure. A percentage computed as a ratio is a percentage of a
    whole (its numerator a part of its denominator): the numerator cannot be larger."""
    return anomaly.Facts(
        unit=measure.unit,
        decimals=measure.decimals,
        frequency=measure.frequency,
        bounded_ratio=measure.unit == Measure.Unit.PERCENT
        and measure.aggregation == Measure.Aggregation.RATIO,
        polarity=measure.polarity,
        aggregation=measure.aggregation,
    )


def peer_sources() -> list[PeerSource]:
    """Each later app's `peers.peer_values` (benchmarking's), found through the app registry."""
    found: list[PeerSource] = []
    for config in apps.get_app_configs():
        if not Path(config.path).is_relative_to(settings.BASE_DIR):
            continue
        name = f"{config.name}.peers"
        if config.name == "targets" or importlib.util.find_spec(name) is None:
            continue
        found.append(cast(PeerSource, importlib.import_module(name).peer_values))
    return found


@dataclass
class Book:
    """The history and peers of a batch of (measure, period) pairs."""

    history: dict[int, list[tuple[Period, Decimal]]] = field(default_factory=dict)
    peers: dict[tuple[int, str], list[Decimal]] = field(default_factory=dict)

    @classmethod
    def load(cls, pairs: Sequence[tuple[Measure, Period]]) -> Book:
        if not pairs:
            return cls()
        codes: set[str] = set()
        for _, period in pairs:
            codes.update(p.code for p in periods.last_n(period.previous(), anomaly.WINDOW))
        rows = Value.objects.filter(
            measure_id__in={m.pk for m, _ in pairs},
            period__in=sorted(codes),
            status__in=INTERNAL_STATUSES,
            actual__isnull=False,
        ).values_list("measure_id", "period", "actual")
        history: dict[int, list[tuple[Period, Decimal]]] = defaultdict(list)
        for measure_id, code, actual in rows:
            history[measure_id].append((periods.parse_period(code), actual))
        peers: dict[tuple[int, str], list[Decimal]] = {}
        keys = [(m.pk, p.code) for m, p in pairs]
        for source in peer_sources():
            for key, values in source(keys).items():
                peers.setdefault(key, []).extend(values)
        return cls(dict(history), peers)

    def ask(
        self,
        measure: Measure,
        period: Period,
        actual: Decimal | None,
        *,
        numerator: Decimal | None = None,
        denominator: Decimal | None = None,
    ) -> Question | None:
        if actual is None:
            return None
        earlier = [(p, v) for p, v in self.history.get(measure.pk, []) if p < period]
        return anomaly.question(
            facts(measure),
            earlier,
            actual,
            period=period,
            numerator=numerator,
            denominator=denominator,
            peers=self.peers.get((measure.pk, period.code), []),
        )


def ask(
    measure: Measure,
    period: Period,
    actual: Decimal | None,
    *,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
) -> Question | None:
    """The question about one figure (two queries)."""
    return Book.load([(measure, period)]).ask(
        measure, period, actual, numerator=numerator, denominator=denominator
    )


def explain_needed(question: Question) -> str:
    """What an officer is told when a questioned figure comes without an explanation."""
    return f"This value is questioned: {question.reason} Explain it in the commentary to save it."


def as_json(question: Question, measure: Measure) -> dict[str, Any]:
    """The question as the API and the live preview send it."""
    return {
        "kind": question.kind.value,
        "reason": question.reason,
        "low": str(round(question.low, 6).normalize()),
        "high": str(round(question.high, 6).normalize()),
        "low_text": measure.format(question.low),
        "high_text": measure.format(question.high),
        "basis": question.basis,
        "k": str(question.k) if question.k is not None else None,
    }


def _six(figure: Decimal) -> Decimal:
    return figure.quantize(Decimal("0.000001"))


def record(*, value: Value, question: Question, user: User | None, source: str) -> ValueQuestion:
    """Record that `value`'s figure was questioned and how it was explained (once per value,
    kind and figure: saving the same figure again updates the explanation), audited."""
    found = ValueQuestion.objects.filter(
        value=value, kind=question.kind.value, actual=value.actual
    ).first()
    before = audit.snapshot(found) if found is not None else {}
    row = found or ValueQuestion(value=value, kind=question.kind.value, actual=value.actual)
    row.reason = question.reason
    row.low, row.high = _six(question.low), _six(question.high)
    row.basis = question.basis[:100]
    row.k = question.k
    row.explanation = value.commentary
    row.source = source
    row.raised_by = user if user is not None and user.is_authenticated else None
    row.save()
    audit.record(
        user=user,
        action=ChangeRecord.Action.UPDATE if found else ChangeRecord.Action.CREATE,
        source=source,
        obj=row,
        before=before,
        measure=value.measure,
        period=value.period,
    )
    return row


def record_imported(
    questioned: Sequence[tuple[Measure, str, Question]], *, user: User | None
) -> None:
    """Record the questions of an upload's rows, once written (their values read in one query)."""
    if not questioned:
        return
    found = {
        (v.measure_id, v.period): v
        for v in Value.objects.filter(
            measure_id__in={m.pk for m, _, _ in questioned},
            period__in={p for _, p, _ in questioned},
        ).select_related("measure")
    }
    for measure, period, question in questioned:
        value = found.get((measure.pk, period))
        if value is not None:
            record(value=value, question=question, user=user, source=ChangeRecord.Source.IMPORT)


@dataclass(frozen=True)
class Replay:
    checked: int
    questioned: int
    by_kind: dict[str, int]
    examples: list[tuple[str, str, str]]  # (measure code, period, reason)
    # Each value with enough history (and not zero) typed ten times too big, and a tenth.
    typos: int = 0
    tenfold_caught: int = 0
    tenth_caught: int = 0

    @property
    def rate(self) -> float:
        return self.questioned / self.checked if self.checked else 0.0


def false_alarm_rate(measures: Iterable[Measure] | None = None, *, examples: int = 10) -> Replay:
    """Replay the history rule over stored values at least submitted: each value against the
    values before it (peers left out: the demo's benchmark years are not its months)."""
    chosen = list(measures if measures is not None else Measure.objects.all())
    by_id = {m.pk: m for m in chosen}
    series: dict[int, list[tuple[Period, Decimal]]] = defaultdict(list)
    rows = Value.objects.filter(
        measure_id__in=list(by_id), status__in=INTERNAL_STATUSES, actual__isnull=False
    ).values_list("measure_id", "period", "actual", "numerator", "denominator")
    extra: dict[tuple[int, Period], tuple[Decimal | None, Decimal | None]] = {}
    for measure_id, code, actual, numerator, denominator in rows:
        period = periods.parse_period(code)
        series[measure_id].append((period, actual))
        extra[(measure_id, period)] = (numerator, denominator)
    checked = questioned = typos = tenfold = tenth = 0
    kinds: dict[str, int] = defaultdict(int)
    shown: list[tuple[str, str, str]] = []
    for measure_id, points in series.items():
        measure = by_id[measure_id]
        known = facts(measure)
        points.sort(key=lambda pair: pair[0])
        for i, (period, actual) in enumerate(points):
            numerator, denominator = extra[(measure_id, period)]
            found = anomaly.question(
                known,
                points[max(0, i - anomaly.WINDOW) : i],
                actual,
                period=period,
                numerator=numerator,
                denominator=denominator,
            )
            checked += 1
            earlier = points[max(0, i - anomaly.WINDOW) : i]
            if actual != 0 and len(earlier) >= anomaly.MIN_HISTORY:
                typos += 1
                for factor in (Decimal(10), Decimal("0.1")):
                    if anomaly.history_question(known, earlier, actual * factor, period=period):
                        if factor == 10:
                            tenfold += 1
                        else:
                            tenth += 1
            if found is not None:
                questioned += 1
                kinds[found.kind.value] += 1
                if len(shown) < examples:
                    shown.append((measure.code, period.code, found.reason))
    return Replay(checked, questioned, dict(kinds), shown, typos, tenfold, tenth)
