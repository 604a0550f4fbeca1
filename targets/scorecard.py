"""What a scorecard shows for a month: the one rule every screen uses.

For a chosen month, each measure's row is its latest period ending in or before that month
(monthly: that month; quarterly: the latest quarter ended; annual: the latest year ended:
`row_period`). The row shows that period's value only if the viewer may see it: internal
viewers see values once submitted (marked "not yet approved" until approved), scrutiny and the
public published values only. Late: the period is past its due date and nothing has been
submitted. The year to date is taken over the periods of the row's year, up to the row's
period, that have a value the viewer may see: actual and target over the same periods, and the
span is named ("Apr–Jun"). Every count on a screen (`summary`) is made from exactly the rows it
shows, and the trend (`on_target_trend`) applies the same rule to each month.

The dashboard, the service scorecards, the scorecard API, the report packs, the public page and
the open data all read their rows from `measure_statuses` (or, for explicit periods,
`period_statuses`). Everything is loaded in three queries whatever the number of measures
(`ScorecardData`), then the pure rules of `targets.rules` are applied.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import Any, NamedTuple, TypeVar

from django.db.models import Case, Count, F, ForeignKey, QuerySet, When
from django.db.models.sql.constants import MULTI
from django.utils import timezone

from targets import periods, rules
from targets.models import INTERNAL_STATUSES, Measure, Target, Value, ValueStatus
from targets.periods import Period
from targets.rules import Direction, RagResult, TargetSpec


@dataclass(frozen=True)
class MeasureStatus:
    """One row of a scorecard: a measure at the period the rule chose for the month."""

    measure: Measure
    period: Period
    due: bool  # the row's period ends in the month (reported this month)
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
    ytd_periods: tuple[Period, ...] = ()  # the periods the year to date was taken over
    reported: date | None = None  # the day the value shown came in (annual ones come late)

    @property
    def actual(self) -> Decimal | None:
        return self.value.actual if self.value else None

    @property
    def due_date(self) -> date:
        return self.period.due_date(self.measure.due_days)

    @property
    def ytd_span(self) -> str:
        """The months the year to date covers, e.g. "Apr–Jun"."""
        return periods.span_label(self.ytd_periods)

    @property
    def turned_red(self) -> bool:
        """Red at the row's period, and not Red at the period before."""
        return self.rag.rag == rules.Rag.RED and (
            self.previous_rag is None or self.previous_rag.rag != rules.Rag.RED
        )

    @property
    def not_yet_approved(self) -> bool:
        return self.value is not None and self.value.status == ValueStatus.SUBMITTED


class TargetBook:
    """Annual and profiled targets of the loaded measures, by measure and year: their specs
    (`annual[(measure id, year)]`, `profiled[(measure id, year)][period code]`)."""

    def __init__(self, targets: Iterable[Target] = ()) -> None:
        """The book of these targets, their profiles prefetched."""
        self.annual: dict[tuple[int, int], TargetSpec] = {}
        self.profiled: dict[tuple[int, int], dict[str, TargetSpec]] = {}
        self._periods: dict[tuple[int, str], TargetSpec | None] = {}
        for target in targets:
            key = (target.measure_id, target.year)
            self.annual[key] = target.spec
            self.profiled[key] = {p.period: p.spec for p in target.profile.all()}

    @classmethod
    def load(cls, measures: Iterable[Measure], years: Iterable[int] | None) -> TargetBook:
        """The targets of these measures for these years (every year for None), with their
        profiles, in one query (the targets joined to their profiled periods), read as specs
        (no model instances: a large council's dashboard reads thousands)."""
        targets = Target.objects.filter(measure__in=measures)
        if years is not None:
            targets = _among(targets, "year", set(years))
        rows = targets.order_by().values_list(
            "measure_id",
            "year",
            "value",
            "lower",
            "upper",
            "profile__period",
            "profile__value",
            "profile__lower",
            "profile__upper",
        )
        book = cls()
        for measure_id, year, value, lower, upper, period, *profiled in rows:
            key = (measure_id, year)
            if key not in book.annual:
                book.annual[key] = TargetSpec(value=value, lower=lower, upper=upper)
                book.profiled[key] = {}
            if period is not None:
                book.profiled[key][period] = TargetSpec(*profiled)
        return book

    def for_period(self, measure: Measure, period: Period) -> TargetSpec | None:
        # A row, its year to date, its sparkline and the trend ask for the same periods again.
        remembered = (measure.id, period.code)
        if remembered in self._periods:
            return self._periods[remembered]
        key = (measure.id, period.year)
        annual = self.annual.get(key)
        spec = (
            None
            if annual is None
            else rules.period_target(
                annual,
                aggregation=measure.rules_aggregation,
                periods_in_year=periods.PERIODS_PER_YEAR[period.frequency],
                profiled=self.profiled[key].get(period.code),
            )
        )
        self._periods[remembered] = spec
        return spec

    def for_year(self, measure: Measure, year: int) -> TargetSpec | None:
        return self.annual.get((measure.pk, year))

    def to_date(self, measure: Measure, period: Period) -> TargetSpec | None:
        so_far = [self.for_period(measure, p) for p in periods.periods_to_date(period)]
        return rules.ytd_target(
            self.for_year(measure, period.year),
            aggregation=measure.rules_aggregation,
            periods_in_year=periods.PERIODS_PER_YEAR[period.frequency],
            period_targets_so_far=so_far,
        )


def _figures(value: Value | Figures | None) -> rules.PeriodFigures:
    if value is None:
        return rules.PeriodFigures(actual=None)
    return rules.PeriodFigures(
        actual=value.actual, numerator=value.numerator, denominator=value.denominator
    )


def visible_statuses(internal: bool) -> set[ValueStatus]:
    """Internal viewers see values once submitted; scrutiny and the public, published only."""
    return set(INTERNAL_STATUSES if internal else [ValueStatus.PUBLISHED])


def row_period(measure: Measure, month: Period) -> Period:
    """The period a measure's row shows for `month`: the latest of its own frequency ending in
    or before the month (monthly: that month; quarterly: the latest quarter ended; annual: the
    latest financial year ended)."""
    return periods.latest_ending_by(month, measure.period_frequency)


class Figures(NamedTuple):
    """A stored value as the rules read it (status, figures and forecast), without the rest of
    its row: what a scorecard loads for the periods it rates but does not show
    (`ScorecardData.load`'s `rows`), thousands of them on a large council's dashboard."""

    status: str
    actual: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    forecast: Decimal | None


# Loaded for every value; the rest of a value's row (but the heavy text and file fields, never
# read here) only for those shown as rows.
_FIGURES = [
    "id",
    "measure_id",
    "period",
    "status",
    "actual",
    "numerator",
    "denominator",
    "forecast",
]
_NOT_READ = {"return_reason", "evidence", "created_at"}
_REST = [f for f in Value._meta.concrete_fields if f.attname not in _NOT_READ | set(_FIGURES)]


_NOTHING: Mapping[str, Value | Figures] = {}
_REPORTED = frozenset(INTERNAL_STATUSES)  # submitted or beyond: not late


@dataclass(frozen=True)
class ScorecardData:
    """The values (by measure id and period code) and targets of some measures, loaded once."""

    values: Mapping[int, Mapping[str, Value | Figures]]
    book: TargetBook

    @classmethod
    def load(
        cls,
        measures: Sequence[Measure],
        codes: Iterable[str] | None,
        years: Iterable[int] | None,
        *,
        rows: Iterable[str] | None = None,
    ) -> ScorecardData:
        """The measures' values of these periods and their targets of these years (all of them
        for None), in two queries. With `rows` (period codes), only the values of those periods
        are loaded whole (`Value`s, for the rows shown); the others as their `Figures`, in the
        same query."""
        book = TargetBook.load(measures, years)
        # No ordering (the model's default joins Measure to sort) and none of the heavy fields.
        query = Value.objects.filter(measure__in=measures).order_by()
        if codes is not None:
            query = _among(query, "period", set(codes))
        values: dict[int, dict[str, Value | Figures]] = defaultdict(dict)
        if rows is None:
            for value in query.defer(*_NOT_READ):
                values[value.measure_id][value.period] = value
            return cls(values=values, book=book)
        shown = set(rows)
        # The rest of a row's fields, only where its period is shown (NULL elsewhere: cheap).
        rest = {
            f"rest_{f.attname}": Case(
                When(period__in=shown, then=F(f.attname)),
                default=None,
                output_field=f.target_field if isinstance(f, ForeignKey) else f,
            )
            for f in _REST
        }
        width = len(_FIGURES)
        # from_db takes the fields in the model's order.
        where = {name: i for i, name in enumerate(_FIGURES + [f.attname for f in _REST])}
        loaded = [f.attname for f in Value._meta.concrete_fields if f.attname in where]
        rows_read, converters = _raw(query.annotate(**rest).values_list(*_FIGURES, *rest))
        # A row not shown needs its figures converted only (SQLite's decimals), not the
        # NULLs of the rest of its columns: thousands of rows.
        figures_only = [c for c in converters if c[0] < width]
        for row in rows_read:
            measure_id, period = row[1], row[2]
            if period in shown:
                row = _converted(row, converters)
                in_order = [row[where[name]] for name in loaded]
                values[measure_id][period] = Value.from_db(query.db, loaded, in_order)
            else:
                if figures_only:
                    row = _converted(row, figures_only)
                values[measure_id][period] = Figures(*row[3:width])
        return cls(values=values, book=book)

    def stored(self, measure: Measure, period: Period) -> Value | Figures | None:
        return self.values.get(measure.id, _NOTHING).get(period.code)

    def whole(self, measure: Measure, period: Period) -> Value | None:
        """The stored value as a `Value` (loaded now if it was loaded as `Figures` only)."""
        stored = self.stored(measure, period)
        if stored is None or isinstance(stored, Value):
            return stored
        return Value.objects.filter(measure=measure, period=period.code).first()


_Q = TypeVar("_Q", bound=QuerySet[Any])


def _among(query: _Q, field: str, chosen: set[Any]) -> _Q:
    """`field IN chosen`, and their span too (the same rows): a unique (measure, field) index is
    then read as one short range per measure, not one lookup per measure and value (PostgreSQL
    otherwise read a large council's values through another index, filtering ~180,000 rows)."""
    query = query.filter(**{f"{field}__in": chosen})
    if not chosen:
        return query
    return query.filter(**{f"{field}__range": (min(chosen), max(chosen))})


_Converter = tuple[int, list[Callable[..., Any]], Any, Any]


def _raw(query: QuerySet[Any]) -> tuple[Iterable[Sequence[Any]], list[_Converter]]:
    """A values_list query's rows as the database driver gave them, and the converters Django
    would apply to them (position, converters, expression, connection): for a caller that
    converts only the columns it reads (Django's own iteration converts every column of every
    row)."""
    compiler = query.query.get_compiler(using=query.db)
    chunks = compiler.execute_sql(MULTI)
    if compiler.select is None:  # nothing could match: no SQL was run
        return [], []
    columns = [s[0] for s in compiler.select[: compiler.col_count]]
    converters = [
        (pos, convs, expression, compiler.connection)
        for pos, (convs, expression) in compiler.get_converters(columns).items()
    ]
    return chain.from_iterable(chunks), converters


def _converted(row: Sequence[Any], converters: list[_Converter]) -> list[Any]:
    out = list(row)
    for pos, convs, expression, connection in converters:
        value = out[pos]
        if value is None:  # a NULL is None whatever the column (the Value's fields are Django's)
            continue
        for convert in convs:
            value = convert(value, expression, connection)
        out[pos] = value
    return out


def needed_for_rows(
    periods_shown: Iterable[Period], *, history: int = 0
) -> tuple[set[str], set[int]]:
    """The period codes and target years that rows at these periods read."""
    codes: set[str] = set()
    years: set[int] = set()
    for period in set(periods_shown):
        before = period.previous()
        codes.update(p.code for p in periods.periods_to_date(period))
        codes.update((before.code, period.same_period_last_year().code))
        years.update((period.year, before.year))
        if history:
            for p in periods.last_n(period, history):
                codes.add(p.code)
                years.add(p.year)
    return codes, years


def needed_for_trend(
    measures: Iterable[Measure], window: Sequence[Period]
) -> tuple[set[str], set[int]]:
    """The period codes and target years that the trend over these months reads."""
    frequencies = {m.period_frequency for m in measures}
    shown = {periods.latest_ending_by(month, f) for f in frequencies for month in window}
    return {p.code for p in shown}, {p.year for p in shown}


def _rate(
    measure: Measure,
    period: Period,
    data: ScorecardData,
    visible: set[ValueStatus],
    today: date,
) -> tuple[Value | Figures | None, TargetSpec | None, RagResult, bool]:
    """A row's value (if the viewer may see it), target, RAG and lateness: the part of the
    rule the headline, the table and the trend share."""
    stored = data.values.get(measure.id, _NOTHING).get(period.code)  # data.stored
    value = stored if stored is not None and stored.status in visible else None
    target = data.book.for_period(measure, period)
    late = (stored is None or stored.status not in _REPORTED) and period.is_late(
        measure.due_days, today
    )
    return value, target, measure.rate(value.actual if value else None, target), late


@dataclass(frozen=True)
class Headline:
    """A row's headline only (its value, target, RAG, lateness and forecast RAG), by the same
    rule as its `MeasureStatus` without the year to date, directions and history: what "what
    changed" compares with the month before (`measure_headlines`)."""

    measure: Measure
    period: Period
    value: Value | Figures | None
    target: TargetSpec | None
    rag: RagResult
    late: bool
    forecast_rag: RagResult | None

    @property
    def actual(self) -> Decimal | None:
        return self.value.actual if self.value else None


def measure_headlines(
    measures: Sequence[Measure],
    month: Period,
    *,
    internal: bool,
    today: date,
    data: ScorecardData,
) -> list[Headline]:
    """Each measure's `Headline` for `month` at its `row_period`, from figures already loaded
    (`needed_for_rows`): the same RAG, lateness and forecast RAG as `measure_statuses`."""
    visible = visible_statuses(internal)
    rows = []
    for measure in measures:
        period = row_period(measure, month)
        value, target, rag, late = _rate(measure, period, data, visible, today)
        forecast = value.forecast if value is not None else None
        rows.append(
            Headline(
                measure=measure,
                period=period,
                value=value,
                target=target,
                rag=rag,
                late=late,
                forecast_rag=_forecast_rag(measure, period, forecast, data.book),
            )
        )
    return rows


def _forecast_rag(
    measure: Measure, period: Period, forecast: Decimal | None, book: TargetBook
) -> RagResult | None:
    """A row's forecast year-end outturn against its year's annual target."""
    if forecast is None:
        return None
    return measure.rate_forecast(forecast, book.for_year(measure, period.year))


def measure_statuses(
    measures: Sequence[Measure],
    month: Period,
    *,
    internal: bool,
    today: date,
    history: int = 0,
    data: ScorecardData | None = None,
) -> list[MeasureStatus]:
    """The rows of a scorecard for `month`: each measure at its `row_period`.

    `internal` viewers see values once submitted (marked not yet approved until approved);
    others see published values only. `history` adds each row's last n periods' actuals (for
    sparklines). `data` is what was loaded for them (`needed_for_rows`), if already loaded.
    """
    pairs = [(m, row_period(m, month)) for m in measures]
    return period_statuses(
        pairs, month=month, internal=internal, today=today, history=history, data=data
    )


def period_statuses(
    pairs: Sequence[tuple[Measure, Period]],
    *,
    month: Period | None = None,
    internal: bool,
    today: date,
    history: int = 0,
    data: ScorecardData | None = None,
) -> list[MeasureStatus]:
    """Rows at the periods given, by the same rule as `measure_statuses` (which chooses the
    periods for a month): the open data's rows, one per published period, are made here."""
    if data is None:
        codes, years = needed_for_rows((p for _, p in pairs), history=history)
        data = ScorecardData.load(list({m.pk: m for m, _ in pairs}.values()), codes, years)
    visible = visible_statuses(internal)
    return [_status(m, p, month, data, visible, today, history) for m, p in pairs]


def _status(
    measure: Measure,
    period: Period,
    month: Period | None,
    data: ScorecardData,
    visible: set[ValueStatus],
    today: date,
    history: int = 0,
) -> MeasureStatus:
    book = data.book
    stored = data.values.get(measure.id, _NOTHING)

    def seen(p: Period) -> Value | Figures | None:
        value = stored.get(p.code)
        return value if value is not None and value.status in visible else None

    figures, target, rag, late = _rate(measure, period, data, visible, today)
    value = figures if not isinstance(figures, Figures) else data.whole(measure, period)
    actual = value.actual if value else None
    before = period.previous()
    previous, last_year = seen(before), seen(period.same_period_last_year())

    to_date = periods.periods_to_date(period)
    ytd = rules.year_to_date_like_for_like(
        [_figures(seen(p)) for p in to_date],
        [book.for_period(measure, p) for p in to_date],
        annual=book.for_year(measure, period.year),
        aggregation=measure.rules_aggregation,
        periods_in_year=periods.PERIODS_PER_YEAR[period.frequency],
        scale=measure.scale,
    )
    # Nothing to date yet: grey, saying why (no data, no target or data only).
    ytd_rag = (
        measure.rate(ytd.actual, ytd.target)
        if ytd.counted
        else measure.rate(None, book.to_date(measure, period))
    )
    forecast = value.forecast if value else None
    return MeasureStatus(
        measure=measure,
        period=period,
        due=month is not None and period.end >= month.start,
        value=value,
        target=target,
        rag=rag,
        dot_short=measure.travel(actual, previous.actual if previous else None, target),
        dot_long=measure.travel(actual, last_year.actual if last_year else None, target),
        ytd_actual=ytd.actual,
        ytd_target=ytd.target,
        ytd_rag=ytd_rag,
        ytd_periods=tuple(to_date[i] for i in ytd.counted),
        forecast_rag=_forecast_rag(measure, period, forecast, book),
        previous_rag=measure.rate(
            previous.actual if previous else None, book.for_period(measure, before)
        ),
        late=late,
        reported=_reported(value),
        history=[(p, v.actual if (v := seen(p)) else None) for p in periods.last_n(period, history)]
        if history
        else [],
    )


def _reported(value: Value | None) -> date | None:
    """When the value came in: submitted, or published for one imported as published."""
    moment = (value.submitted_at or value.published_at) if value is not None else None
    return timezone.localdate(moment) if moment is not None else None


def summary(rows: Iterable[MeasureStatus]) -> rules.OnTargetSummary:
    """The "x of y on target" figure and the Green/Amber/Red/Grey/Late counts of exactly these
    rows: give it the rows the screen shows, after every filter."""
    return rules.summarise((s.rag.rag, s.late) for s in rows)


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
    today: date,
    data: ScorecardData | None = None,
) -> list[tuple[Period, rules.OnTargetSummary]]:
    """ "x of y on target" for each of the last n months, oldest first.

    Each month counts, by the scorecard's own rule, every measure active in its year at its
    latest period ending by then: the point for a month is the headline that month's scorecard
    shows (without a status filter), so the number of rows behind the points changes only when
    measures start or stop. Loaded in three queries (`needed_for_trend`) unless `data` is given.
    """
    window = periods.last_n(last_month, months)
    if data is None:
        data = ScorecardData.load(measures, *needed_for_trend(measures, window))
    visible = visible_statuses(internal)
    # Measure by measure (each month's rows at `row_period`, worked out once a frequency); a
    # quarter's or a year's rating counts for each month it is the row of, rated once.
    shown_at: dict[periods.Frequency, list[Period]] = {}
    rated: list[list[tuple[rules.Rag, bool]]] = [[] for _ in window]
    for measure in measures:
        frequency = measure.period_frequency
        if frequency not in shown_at:
            shown_at[frequency] = [periods.latest_ending_by(m, frequency) for m in window]
        seen: dict[Period, tuple[rules.Rag, bool]] = {}
        for i, period in enumerate(shown_at[frequency]):
            if not measure.is_active_in(window[i].year):
                continue
            if (point := seen.get(period)) is None:
                _, _, rag, late = _rate(measure, period, data, visible, today)
                point = seen[period] = (rag.rag, late)
            rated[i].append(point)
    return [(month, rules.summarise(rated[i])) for i, month in enumerate(window)]


# What counts as a month's values being published: the periods of each frequency ending then.
_FREQUENCIES = [periods.Frequency(f) for f in Measure.Frequency.values]


def latest_published_month(
    measures: QuerySet[Measure], latest: Period, *, months: int = 36
) -> Period | None:
    """The latest month, up to `latest`, for which most of the values reported (submitted or
    beyond) for periods ending that month are published: where published-only viewers (scrutiny,
    the public) start. None if nothing was published in the last `months` months. One query.
    """
    month_of: dict[str, Period] = {}
    for month in periods.last_n(latest, months):
        for frequency in _FREQUENCIES:
            if periods.is_due_in(frequency, month):
                month_of[periods.latest_ending_by(month, frequency).code] = month
    published: dict[Period, int] = defaultdict(int)
    reported: dict[Period, int] = defaultdict(int)
    counts = (
        Value.objects.filter(
            measure__in=measures, period__in=list(month_of), status__in=INTERNAL_STATUSES
        )
        .order_by()
        .values_list("period", "status")
        .annotate(n=Count("pk"))
    )
    for code, status, n in counts:
        month = month_of[code]
        reported[month] += n
        if status == ValueStatus.PUBLISHED:
            published[month] += n
    ready = [m for m, n in published.items() if 2 * n > reported[m]]
    return max(ready) if ready else None
