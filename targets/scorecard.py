"""Status of a set of measures for a month: RAG, direction of travel, year to date, late.

Loads everything a scorecard needs in three queries, whatever the number of measures, then applies
the pure rules of `targets.rules` to each measure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch

from targets import periods, rules
from targets.models import INTERNAL_STATUSES, Measure, Target, TargetProfile, Value, ValueStatus
from targets.periods import Period
from targets.rules import Direction, RagResult, TargetSpec


@dataclass(frozen=True)
class MeasureStatus:
    measure: Measure
    period: Period
    due: bool
    value: Value | None
    target: TargetSpec | None
    rag: RagResult
    dot_short: Direction | None
    dot_long: Direction | None
    ytd_actual: Decimal | None
    ytd_target: TargetSpec | None
    ytd_rag: RagResult
    forecast_rag: RagResult | None
    late: bool
    previous_rag: RagResult | None = None
    history: list[tuple[Period, Decimal | None]] = field(default_factory=list)

    @property
    def actual(self) -> Decimal | None:
        return self.value.actual if self.value else None

    @property
    def due_date(self) -> date:
        return self.period.due_date(self.measure.due_days)

    @property
    def turned_red(self) -> bool:
        """Red this period, and not Red the period before."""
        return self.rag.rag == rules.Rag.RED and (
            self.previous_rag is None or self.previous_rag.rag != rules.Rag.RED
        )

    @property
    def not_yet_approved(self) -> bool:
        return self.value is not None and self.value.status == ValueStatus.SUBMITTED


class TargetBook:
    """Annual and profiled targets of the loaded measures, by measure and year."""

    def __init__(self, targets: Iterable[Target]) -> None:
        self.annual: dict[tuple[int, int], Target] = {}
        for target in targets:
            self.annual[(target.measure_id, target.year)] = target

    @classmethod
    def load(cls, measures: Iterable[Measure], years: Iterable[int]) -> TargetBook:
        """The targets of these measures for these years, in two queries."""
        return cls(
            Target.objects.filter(measure__in=measures, year__in=set(years))
            .order_by()
            .prefetch_related(
                Prefetch("profile", queryset=TargetProfile.objects.order_by("period"))
            )
        )

    def for_period(self, measure: Measure, period: Period) -> TargetSpec | None:
        target = self.annual.get((measure.pk, period.year))
        if target is None:
            return None
        profiled = next((p.spec for p in target.profile.all() if p.period == period.code), None)
        return rules.period_target(
            target.spec,
            aggregation=measure.rules_aggregation,
            periods_in_year=periods.PERIODS_PER_YEAR[period.frequency],
            profiled=profiled,
        )

    def for_year(self, measure: Measure, year: int) -> TargetSpec | None:
        target = self.annual.get((measure.pk, year))
        return target.spec if target else None

    def to_date(self, measure: Measure, period: Period) -> TargetSpec | None:
        so_far = [self.for_period(measure, p) for p in periods.periods_to_date(period)]
        return rules.ytd_target(
            self.for_year(measure, period.year),
            aggregation=measure.rules_aggregation,
            periods_in_year=periods.PERIODS_PER_YEAR[period.frequency],
            period_targets_so_far=so_far,
        )


def _figures(value: Value | None) -> rules.PeriodFigures:
    if value is None:
        return rules.PeriodFigures(actual=None)
    return rules.PeriodFigures(
        actual=value.actual, numerator=value.numerator, denominator=value.denominator
    )


def visible_statuses(internal: bool) -> set[ValueStatus]:
    """Internal viewers see values once submitted; scrutiny and the public, published only."""
    return set(INTERNAL_STATUSES if internal else [ValueStatus.PUBLISHED])


def measure_statuses(
    measures: Sequence[Measure],
    month: Period,
    *,
    internal: bool,
    today: date,
    at: Mapping[int, Period] | None = None,
    history: int = 0,
) -> list[MeasureStatus]:
    """Each measure's status for its latest period ending by `month`.

    `internal` viewers see values once submitted (marked not yet approved until approved);
    others see published values only. `at` chooses another period for some measures (by id);
    `history` adds each measure's last n periods' actuals (for sparklines).
    """
    visible = visible_statuses(internal)
    wanted: dict[int, Period] = {
        m.pk: (at or {}).get(m.pk) or periods.latest_ending_by(month, m.period_frequency)
        for m in measures
    }
    codes: set[str] = set()
    for period in wanted.values():
        codes.update(p.code for p in periods.periods_to_date(period))
        codes.add(period.previous().code)
        codes.add(period.same_period_last_year().code)
        if history:
            codes.update(p.code for p in periods.last_n(period, history))
    years = {y for p in wanted.values() for y in (p.year, p.previous().year)}

    book = TargetBook.load(measures, years)
    values: dict[int, dict[str, Value]] = defaultdict(dict)
    # No ordering (the model's default joins Measure to sort) and none of the heavy text fields.
    for value in (
        Value.objects.filter(measure__in=measures, period__in=codes)
        .order_by()
        .defer("return_reason", "evidence", "created_at")
    ):
        values[value.measure_id][value.period] = value

    return [
        _status(m, wanted[m.pk], month, values[m.pk], book, visible, today, history)
        for m in measures
    ]


def _status(
    measure: Measure,
    period: Period,
    month: Period,
    all_values: dict[str, Value],
    book: TargetBook,
    visible: set[ValueStatus],
    today: date,
    history: int = 0,
) -> MeasureStatus:
    def seen(p: Period) -> Value | None:
        value = all_values.get(p.code)
        return value if value is not None and value.status in visible else None

    value = seen(period)
    target = book.for_period(measure, period)
    actual = value.actual if value else None
    previous, last_year = seen(period.previous()), seen(period.same_period_last_year())

    to_date = [_figures(seen(p)) for p in periods.periods_to_date(period)]
    ytd_actual = rules.year_to_date(to_date, measure.rules_aggregation, scale=measure.scale)
    ytd_target = book.to_date(measure, period)
    forecast = value.forecast if value else None
    submitted = all_values.get(period.code)
    return MeasureStatus(
        measure=measure,
        period=period,
        due=periods.is_due_in(measure.period_frequency, month),
        value=value,
        target=target,
        rag=measure.rate(actual, target),
        dot_short=measure.travel(actual, previous.actual if previous else None, target),
        dot_long=measure.travel(actual, last_year.actual if last_year else None, target),
        ytd_actual=ytd_actual,
        ytd_target=ytd_target,
        ytd_rag=measure.rate(ytd_actual, ytd_target),
        forecast_rag=(
            measure.rate_forecast(forecast, book.for_year(measure, period.year))
            if forecast is not None
            else None
        ),
        previous_rag=measure.rate(
            previous.actual if previous else None, book.for_period(measure, period.previous())
        ),
        late=period.is_late(measure.due_days, today)
        and (submitted is None or submitted.status not in INTERNAL_STATUSES),
        history=[(p, v.actual if (v := seen(p)) else None) for p in periods.last_n(period, history)]
        if history
        else [],
    )


def summary(statuses: Iterable[MeasureStatus]) -> rules.OnTargetSummary:
    """The "x of y on target" figure over the measures due in the month."""
    return rules.summarise((s.rag.rag, s.late) for s in statuses if s.due)


@dataclass(frozen=True)
class HistoryRow:
    period: Period
    value: Value
    target: TargetSpec | None
    rag: RagResult


def measure_history(measure: Measure, *, internal: bool) -> list[HistoryRow]:
    """Every visible value of one measure, newest first, with its period's target and RAG."""
    visible = INTERNAL_STATUSES if internal else [ValueStatus.PUBLISHED]
    book = TargetBook(measure.targets.prefetch_related("profile"))
    rows = []
    for value in measure.values.filter(status__in=visible).order_by("-period"):
        period = value.period_obj
        target = book.for_period(measure, period)
        result = measure.rate(value.actual, target)
        rows.append(HistoryRow(period=period, value=value, target=target, rag=result))
    return rows


def on_target_trend(
    measures: Sequence[Measure],
    last_month: Period,
    months: int,
    *,
    internal: bool,
    book: TargetBook | None = None,
) -> list[tuple[Period, rules.OnTargetSummary]]:
    """ "x of y on target" for each of the last n months, oldest first, in three queries.

    Each month counts the measures due in it (quarterly ones at quarter ends), as the summary
    of that month's scorecard does; lateness is not counted in the trend.
    """
    window = periods.last_n(last_month, months)
    visible = visible_statuses(internal)
    due: dict[str, list[tuple[Measure, Period]]] = {}
    codes: set[str] = set()
    for month in window:
        due[month.code] = []
        for m in measures:
            if periods.is_due_in(m.period_frequency, month) and m.is_active_in(month.year):
                period = periods.latest_ending_by(month, m.period_frequency)
                due[month.code].append((m, period))
                codes.add(period.code)
    book = TargetBook.load(measures, {p.year for p in window})
    # Status is checked here, not in SQL: a status condition leads SQLite to scan the status index
    # over the whole history instead of seeking (measure, period).
    actuals = {
        (measure_id, code): actual
        for measure_id, code, actual, status in Value.objects.filter(
            measure__in=measures, period__in=codes
        )
        .order_by()
        .values_list("measure_id", "period", "actual", "status")
        if status in visible
    }
    return [
        (
            month,
            rules.summarise(
                (m.rate(actuals.get((m.pk, p.code)), book.for_period(m, p)).rag, False)
                for m, p in due[month.code]
            ),
        )
        for month in window
    ]
