"""What the public sees: published values of public measures, and nothing else.

The page and the open data follow the scorecard's one rule (`targets.scorecard`) for a published-
only viewer: each measure's row is its latest period ending by the month shown, the year to date
is taken over the published periods, actual and target alike. They open at the latest month for
which the values reported have mostly been published (`figures_to`, "figures to Oct 2026"); the
page may be asked for an earlier month. Every figure is read through `measure_statuses` /
`period_statuses` / `measure_history` with `internal=False`: a draft, submitted or approved value
never reaches the public page or the open data. The outputs are cached under a fingerprint of the
published data (`cache_key`), so that publishing or un-publishing a value shows at once.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db import InterfaceError, OperationalError, connection
from django.db.models import F

from targets import periods, rules
from targets.models import ChangeRecord, Measure, MeasureQuerySet, ValueStatus
from targets.periods import Period
from targets.rules import RagResult, TargetSpec
from targets.scorecard import (
    MeasureStatus,
    ScorecardData,
    TargetBook,
    latest_published_month,
    measure_history,
    measure_statuses,
    needed_for_rows,
    period_statuses,
    row_period,
    summary,
)

HISTORY = 12
MONTH_CHOICES = 36
# A safety net: what the fingerprint does not track (names of priorities and services, period
# profiles of targets) shows within this many seconds.
CACHE_SECONDS = 300
LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

POLARITY_TEXT = {
    Measure.Polarity.UP: "Higher is better",
    Measure.Polarity.DOWN: "Lower is better",
    Measure.Polarity.RANGE: "Best within the target range",
    Measure.Polarity.NONE: "Data only: no target",
}

UNIT_SUFFIX: dict[str, str] = {Measure.Unit.PERCENT: "%", Measure.Unit.DAYS: " days"}


def public_measures() -> MeasureQuerySet:
    return Measure.objects.filter(is_public=True)


def fingerprint(today: date) -> str:
    """Return a digest of the data the public outputs show, in one cheap query.

    Every change to a value, target or measure, by any route (form, API, admin, import),
    writes a ChangeRecord: the latest record's id changes with each publish, un-publish,
    restatement or deletion, without reading the history of values (which grows every month).
    Making a measure public or private changes the count or the total of the public measures'
    ids. Edits the audit trail does not see (priority and service names) show within
    CACHE_SECONDS.

    Every cached public request asks this, so its SQL is written once per process rather than
    compiled by the ORM each time (two index reads: the trail's primary key, the measures').
    """
    count, ids, last_change = _fingerprint_row()
    data = f"{today.isoformat()}|{count}|{ids}|{last_change}"
    return hashlib.blake2b(data.encode(), digest_size=16).hexdigest()


def _fingerprint_row() -> tuple[Any, ...]:
    """The fingerprint's figures, in one round trip to the database.

    With CONN_HEALTH_CHECKS Django checks a kept connection (`SELECT 1`) before the first query
    of each request: for a cached page, that would double its round trips. Here the query is
    the check: if the kept connection has gone (the database restarted), it is closed and the
    query asked once more on a new one, as the check would have done.
    """
    retry = connection.connection is not None and not connection.in_atomic_block
    if retry:
        connection.health_check_done = True  # type: ignore[attr-defined]
    try:
        return _fingerprint_query()
    except (OperationalError, InterfaceError):
        if not retry:
            raise
    connection.close()
    return _fingerprint_query()


def _fingerprint_query() -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(), [True])
        row: tuple[Any, ...] = cursor.fetchone()
    return row


@functools.cache
def _fingerprint_sql() -> str:
    quote = connection.ops.quote_name
    measures, trail = quote(Measure._meta.db_table), quote(ChangeRecord._meta.db_table)
    return (
        f"SELECT COUNT(*), SUM({quote('id')}), (SELECT MAX({quote('id')}) FROM {trail})"
        f" FROM {measures} WHERE {quote('is_public')} = %s"
    )


def cache_key(name: str, today: date) -> str:
    """The cache key of one public output (`name`) as the published data stands now."""
    digest = hashlib.blake2b(f"{name}|{fingerprint(today)}".encode(), digest_size=16)
    return f"goldthread.public.{digest.hexdigest()}"


@dataclass(frozen=True)
class Point:
    """One period of a chart and its table."""

    period: Period
    actual: Decimal | None
    target: TargetSpec | None
    rag: RagResult


@dataclass(frozen=True)
class PublicMeasure:
    status: MeasureStatus
    points: list[Point]  # oldest first

    @property
    def measure(self) -> Measure:
        return self.status.measure

    @property
    def polarity_text(self) -> str:
        return POLARITY_TEXT[Measure.Polarity(self.measure.polarity)]

    @property
    def shows_year_to_date(self) -> bool:
        """A year to date says more than the latest figure unless it is a snapshot."""
        return self.measure.aggregation != Measure.Aggregation.SNAPSHOT

    @property
    def newest_first(self) -> list[Point]:
        return self.points[::-1]

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.measure.pk}"

    @property
    def chart(self) -> dict[str, Any]:
        return chart_data(self.measure, self.points)

    @property
    def history(self) -> list[tuple[Period, Decimal | None]]:
        """The card's sparkline: each period's published figure, oldest first."""
        return [(p.period, p.actual) for p in self.points]

    @property
    def targets(self) -> list[Decimal | None]:
        """The targets beside `history` (none for a range: its band is on the measure's page)."""
        return [p.target.value if p.target else None for p in self.points]


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    measures: list[PublicMeasure]


@dataclass(frozen=True)
class PublicPage:
    month: Period  # the month shown
    figures_to: Period  # the latest month mostly published: where the page opens
    groups: list[Group]
    summary: rules.OnTargetSummary  # counted from exactly the rows of `groups`

    @property
    def month_choices(self) -> list[Period]:
        """The months a visitor may choose, newest first: up to the latest mostly published."""
        return list(reversed(periods.last_n(self.figures_to, MONTH_CHOICES)))


def _figure(value: Decimal | None, decimals: int) -> float | None:
    return None if value is None else float(rules.round_to(value, decimals))


def chart_data(measure: Measure, points: list[Point]) -> dict[str, Any]:
    """What public-charts.js plots: labels, actuals and targets as plain numbers."""
    is_range = measure.polarity == Measure.Polarity.RANGE

    def part(name: str) -> list[float | None]:
        return [
            _figure(getattr(p.target, name) if p.target else None, measure.decimals) for p in points
        ]

    return {
        "labels": [p.period.label for p in points],
        "actual": [_figure(p.actual, measure.decimals) for p in points],
        "target": [None] * len(points) if is_range else part("value"),
        "lower": part("lower") if is_range else [],
        "upper": part("upper") if is_range else [],
        "prefix": "£" if measure.unit == Measure.Unit.CURRENCY else "",
        "suffix": UNIT_SUFFIX.get(measure.unit, ""),
    }


def _period_or_none(code: str | None, measure: Measure) -> Period | None:
    """A stored period code of this measure's frequency, or None."""
    if not code:
        return None
    try:
        period = periods.parse_period(code)
    except periods.PeriodError:
        return None
    return period if period.frequency == measure.period_frequency else None


def figures_to(today: date) -> Period:
    """The latest month for which the council's values are mostly published (one query), as
    scrutiny's dashboard opens at; the last complete month if none has been in three years."""
    latest = periods.latest_complete_period(today, periods.Frequency.MONTHLY)
    return latest_published_month(Measure.objects.all(), latest) or latest


class MonthError(ValueError):
    """A month the public page cannot show: not a month, or not yet published."""


def month_asked(code: str, today: date) -> Period:
    """The month a visitor asked for (`?period=2026-09`), or MonthError saying what is wrong."""
    try:
        month = periods.parse_period(code)
    except periods.PeriodError as exc:
        raise MonthError(str(exc)) from None
    if month.frequency != periods.Frequency.MONTHLY:
        raise MonthError(f"{month.code} is not a month: choose one such as 2026-09.")
    latest = figures_to(today)
    if month > latest:
        raise MonthError(f"Figures for {month.label} have not been published yet.")
    earliest = periods.last_n(latest, MONTH_CHOICES)[0]
    if month < earliest:
        raise MonthError(f"Choose a month from {earliest.label} to {latest.label}.")
    return month


def page(today: date, month: Period | None = None) -> PublicPage:
    """The public measures active in the month's year, each at its latest period ending by the
    month (default: `figures_to`), counted exactly as shown."""
    latest = figures_to(today)
    month = month or latest
    measures = list(
        public_measures()
        .active_in(month.year)
        .select_related("priority", "service")
        .order_by(F("priority__number").asc(nulls_last=True), "code")
    )
    shown = [row_period(m, month) for m in measures]
    data = ScorecardData.load(measures, *needed_for_rows(shown, history=HISTORY))
    statuses = measure_statuses(
        measures, month, internal=False, today=today, history=HISTORY, data=data
    )
    items = [PublicMeasure(status=s, points=_points(s, data.book)) for s in statuses]
    groups = [_group(list(rows)) for _, rows in groupby(items, key=lambda i: i.measure.priority_id)]
    return PublicPage(month=month, figures_to=latest, groups=groups, summary=summary(statuses))


def _points(status: MeasureStatus, book: TargetBook) -> list[Point]:
    measure = status.measure
    points: list[Point] = []
    for period, actual in status.history:
        if actual is None and not points:
            continue  # nothing published yet at the start of the window
        target = book.for_period(measure, period)
        points.append(Point(period, actual, target, measure.rate(actual, target)))
    return points


def _group(items: list[PublicMeasure]) -> Group:
    priority = items[0].measure.priority
    if priority is None:
        return Group(key="other", title="Other services we measure", measures=items)
    title = f"Priority {priority.number}: {priority.name}"
    return Group(key=f"priority-{priority.number}", title=title, measures=items)


def measure_page(code: str, today: date) -> PublicMeasure | None:
    """One public measure at the month the public page opens at, with every published value
    up to then; None if there is no such measure."""
    measure = public_measures().select_related("priority", "service").filter(code=code).first()
    if measure is None:
        return None
    month = figures_to(today)
    rows = [r for r in measure_history(measure, internal=False) if r.period.end <= month.end]
    [status] = measure_statuses([measure], month, internal=False, today=today)
    points = [Point(r.period, r.value.actual, r.target, r.rag) for r in reversed(rows)]
    return PublicMeasure(status=status, points=points)


OPEN_DATA_COLUMNS = (
    "measure_code",
    "measure_title",
    "priority",
    "service",
    "unit",
    "polarity",
    "frequency",
    "period",
    "period_label",
    "financial_year",
    "value",
    "target",
    "target_lower",
    "target_upper",
    "status",
    "status_label",
    "ytd_value",
    "ytd_target",
    "ytd_target_lower",
    "ytd_target_upper",
    "ytd_status",
    "ytd_span",
    "ytd_periods",
    "revision",
    "published_at",
)
Cell = str | int | Decimal | datetime | None


@dataclass(frozen=True)
class OpenData:
    figures_to: Period
    rows: list[dict[str, Cell]]


def open_data(today: date) -> OpenData:
    """Every published value of every public measure for a period ending by `figures_to`, with
    its period's target and RAG and its year to date, by the scorecard's rule (each row is what
    the public page shows for a month whose row is that period).

    Five queries: the month, the public measures, their values, and the targets with their
    profiles. Figures are rounded to the measure's decimals, as the pages show them.
    """
    month = figures_to(today)
    measures = list(public_measures().select_related("priority", "service"))
    by_id = {m.pk: m for m in measures}
    data = ScorecardData.load(measures, None, None)
    pairs = []
    for measure_id, by_code in data.values.items():
        measure = by_id[measure_id]
        for code, value in by_code.items():
            period = _period_or_none(code, measure)
            if value.status == ValueStatus.PUBLISHED and period and period.end <= month.end:
                pairs.append((measure, period))
    pairs.sort(key=lambda pair: (pair[0].code, pair[1].start))
    rows = period_statuses(pairs, internal=False, today=today, data=data)
    return OpenData(figures_to=month, rows=[open_data_row(s) for s in rows])


def open_data_row(status: MeasureStatus) -> dict[str, Cell]:
    measure, period, value = status.measure, status.period, status.value
    assert value is not None  # only published periods are asked for

    def rounded(figure: Decimal | None) -> Decimal | None:
        return None if figure is None else rules.round_to(figure, measure.decimals)

    def part(spec: TargetSpec | None, name: str) -> Decimal | None:
        return rounded(getattr(spec, name)) if spec is not None else None

    return {
        "measure_code": measure.code,
        "measure_title": measure.title,
        "priority": measure.priority.name if measure.priority else "",
        "service": measure.service.name,
        "unit": measure.unit,
        "polarity": measure.polarity,
        "frequency": measure.frequency,
        "period": period.code,
        "period_label": period.label,
        "financial_year": period.fy_label,
        "value": rounded(value.actual),
        "target": part(status.target, "value"),
        "target_lower": part(status.target, "lower"),
        "target_upper": part(status.target, "upper"),
        "status": status.rag.rag.value,
        "status_label": status.rag.label,
        "ytd_value": rounded(status.ytd_actual),
        "ytd_target": part(status.ytd_target, "value"),
        "ytd_target_lower": part(status.ytd_target, "lower"),
        "ytd_target_upper": part(status.ytd_target, "upper"),
        "ytd_status": status.ytd_rag.rag.value,
        "ytd_span": status.ytd_span,
        "ytd_periods": " ".join(p.code for p in status.ytd_periods),
        "revision": value.revision,
        "published_at": value.published_at,
    }
