"""What the public sees: published values of public measures, and nothing else.

Every figure here is read either through `measure_statuses(internal=False)` and `measure_history(
internal=False)`, or through an explicit `status=published` filter: a draft, submitted or approved
value never reaches the public page or the open data. The outputs are cached under a fingerprint of
the published data (`cache_key`), so that publishing or un-publishing a value shows at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby
from typing import Any, NamedTuple

from django.db.models import Count, F, OuterRef, Subquery, Sum

from targets import periods, rules
from targets.models import ChangeRecord, Measure, MeasureQuerySet, Value, ValueStatus
from targets.periods import Period
from targets.rules import RagResult, TargetSpec
from targets.scorecard import MeasureStatus, TargetBook, measure_history, measure_statuses

HISTORY = 12
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
    """Return a digest of the data the public outputs show, in two cheap queries.

    Every change to a value, target or measure, by any route (form, API, admin, import),
    writes a ChangeRecord: the latest record's id changes with each publish, un-publish,
    restatement or deletion, without reading the history of values (which grows every month).
    Making a measure public or private changes the count or the total of the public measures'
    ids. Edits the audit trail does not see (priority and service names) show within
    CACHE_SECONDS.
    """
    last_change = ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first()
    measures = public_measures().aggregate(count=Count("pk"), ids=Sum("pk"))
    data = repr((today.isoformat(), last_change, sorted(measures.items())))
    return hashlib.blake2b(data.encode(), digest_size=16).hexdigest()


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


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    measures: list[PublicMeasure]


@dataclass(frozen=True)
class PublicPage:
    groups: list[Group]
    summary: rules.OnTargetSummary


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


def page(today: date) -> PublicPage:
    """The public measures active this financial year, each at its latest published period."""
    latest = (
        Value.objects.filter(measure=OuterRef("pk"), status=ValueStatus.PUBLISHED)
        .order_by("-period")
        .values("period")[:1]
    )
    measures = list(
        public_measures()
        .active_in(periods.financial_year_of(today))
        .select_related("priority", "service")
        .annotate(latest_published=Subquery(latest))
        .order_by(F("priority__number").asc(nulls_last=True), "code")
    )
    at = {
        m.pk: p
        for m in measures
        if (p := _period_or_none(m.latest_published, m))  # type: ignore[attr-defined]
    }
    month = periods.latest_complete_period(today, periods.Frequency.MONTHLY)
    statuses = measure_statuses(
        measures, month, internal=False, today=today, at=at, history=HISTORY
    )
    book = TargetBook.load(measures, {p.year for s in statuses for p, _ in s.history})
    items = [PublicMeasure(status=s, points=_points(s, book)) for s in statuses]
    groups = [_group(list(rows)) for _, rows in groupby(items, key=lambda i: i.measure.priority_id)]
    rated = rules.summarise((s.rag.rag, False) for s in statuses if s.value is not None)
    return PublicPage(groups=groups, summary=rated)


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
    """One public measure with every published value, or None if there is no such measure."""
    measure = public_measures().select_related("priority", "service").filter(code=code).first()
    if measure is None:
        return None
    rows = measure_history(measure, internal=False)
    month = periods.latest_complete_period(today, periods.Frequency.MONTHLY)
    at = {measure.pk: rows[0].period} if rows else None
    [status] = measure_statuses([measure], month, internal=False, today=today, at=at)
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
    "revision",
    "published_at",
)
Cell = str | int | Decimal | datetime | None


def open_data_rows() -> list[dict[str, Cell]]:
    """Every published value of every public measure with its period's target and RAG.

    Four queries: the public measures, their published values, and the targets with their
    profiles. Figures are rounded to the measure's decimals, as the pages show them.
    """
    measures = {m.pk: m for m in public_measures().select_related("priority", "service")}
    published = []
    for row in Value.objects.filter(
        status=ValueStatus.PUBLISHED, measure__is_public=True
    ).values_list("measure_id", "period", "actual", "revision", "published_at"):
        value = Published(*row)
        measure = measures.get(value.measure_id)  # None if made public a moment ago
        if measure and (period := _period_or_none(value.period, measure)):
            published.append((measure, period, value))
    book = TargetBook.load(measures.values(), {period.year for _, period, _ in published})
    published.sort(key=lambda item: (item[0].code, item[1].start))
    return [_open_data_row(*item, book) for item in published]


class Published(NamedTuple):
    measure_id: int
    period: str
    actual: Decimal | None
    revision: int
    published_at: datetime | None


def _open_data_row(
    measure: Measure, period: Period, value: Published, book: TargetBook
) -> dict[str, Cell]:
    target = book.for_period(measure, period)
    result = measure.rate(value.actual, target)

    def rounded(figure: Decimal | None) -> Decimal | None:
        return None if figure is None else rules.round_to(figure, measure.decimals)

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
        "target": rounded(target.value) if target else None,
        "target_lower": rounded(target.lower) if target else None,
        "target_upper": rounded(target.upper) if target else None,
        "status": result.rag.value,
        "status_label": result.label,
        "revision": value.revision,
        "published_at": value.published_at,
    }
