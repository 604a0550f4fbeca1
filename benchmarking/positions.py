"""Positions of an area within a comparison set: the read model of the pages and the API.

Each function loads only the values it needs — one metric, the periods asked for, the set's
authorities — with `values_list`, in a fixed number of queries, and leaves the maths to
`benchmarking.analysis`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings

from benchmarking import analysis
from benchmarking import periods as benchmark_periods
from benchmarking.comparisons import Comparison, ComparisonError, area_for, comparison_for
from benchmarking.models import Authority, BenchmarkValue, Metric
from targets.models import Value
from targets.periods import PeriodError

# (period, authority id, code, name, type, value)
Row = tuple[str, int, str, str, str, Decimal]


@dataclass
class Position:
    metric: Metric
    period: str
    area: Authority
    comparison: Comparison
    stats: dict[str, Any]
    names: dict[str, str] = field(default_factory=dict)
    own_value: bool = False
    message: str = ""

    @property
    def period_label(self) -> str:
        return benchmark_periods.label(self.period)

    @property
    def counted_text(self) -> str:
        """What the rank is out of: the group's size and how many have a value, e.g. "15
        nearest neighbours (16 including Oxford); 15 authorities with a value for 2023/24"."""
        n = self.stats["n"]
        with_value = f"{n} authorit{'y' if n == 1 else 'ies'} with a value for {self.period_label}"
        size = self.comparison.size_text(_year(self.period), self.area)
        return f"{size}; {with_value}" if size else with_value

    @property
    def ranking(self) -> list[dict[str, Any]]:
        """The set, best first, with names; `is_area` marks the area itself."""
        return [
            {
                **row,
                "name": self.names.get(row["area"], row["area"]),
                "is_area": row["area"] == self.area.code,
            }
            for row in self.stats["ranking"]
        ]

    def as_dict(self) -> dict[str, Any]:
        """The API's fields."""
        stats = self.stats
        return {
            "metric": self.metric.code,
            "period": self.period,
            "area": self.area.code,
            "area_name": self.area.name,
            "group": self.comparison.key,
            "group_label": self.comparison.label,
            "polarity": self.metric.polarity,
            "decimals": self.metric.decimals,
            **{
                name: stats[name]
                for name in (
                    "n",
                    "value",
                    "rank",
                    "rank_text",
                    "quartile",
                    "p25",
                    "median",
                    "p75",
                    "min",
                    "max",
                    "gap_to_median",
                    "gap_to_top_quartile",
                )
            },
            "own_value": self.own_value,
            "message": self.message,
            "ranking": self.ranking,
        }


def _message(position: Position) -> str:
    s, area, when = position.stats, position.area.name, position.period_label
    if s["n"] == 0:
        return f"No authority in {position.comparison.label} has a value for {when}."
    if s["value"] is None:
        return f"{area} has no value of {position.metric.code} for {when}: it is not ranked."
    if s["n"] == 1:
        return f"{area} is the only authority with a value for {when}: there are no quartiles."
    if s["all_equal"]:
        return f"All {s['n']} values are equal for {when}: every authority ranks 1st."
    if position.own_value:
        return f"{area}'s value is its own published figure for {position.metric.measure}."
    return ""


def _empty_stats(area: Authority) -> dict[str, Any]:
    return analysis.position({}, area=area.code, decimals=0, higher_is_better=True)


def _rows(
    metric: Metric, comparison: Comparison, area: Authority, period_codes: Collection[str] | None
) -> list[Row]:
    values = BenchmarkValue.objects.filter(metric=metric).filter(comparison.authority_filter(area))
    if period_codes is not None:
        values = values.filter(period__in=list(period_codes))
    return list(
        values.values_list(
            "period",
            "authority_id",
            "authority__code",
            "authority__name",
            "authority__type",
            "value",
        )
    )


def _own_values(metric: Metric, area: Authority, period_codes: Iterable[str]) -> dict[str, Decimal]:
    """The linked measure's published values, by period, for the council's missing figures."""
    if not (metric.add_own_values and metric.measure_id) or area.code != settings.COUNCIL_AREA_CODE:
        return {}
    return dict(
        Value.objects.published()
        .filter(measure_id=metric.measure_id, period__in=list(period_codes), actual__isnull=False)
        .values_list("period", "actual")
    )


def _year(code: str) -> int:
    return benchmark_periods.parse(code).year


def build(
    metric: Metric,
    comparison: Comparison,
    area: Authority,
    rows: list[Row],
    own: dict[str, Decimal],
) -> dict[str, Position]:
    """Positions by period from the rows loaded, keeping each period's members only."""
    by_period: dict[str, list[tuple[str, str, Decimal]]] = defaultdict(list)
    names: dict[str, str] = {area.code: area.name}
    missing_version: set[str] = set()
    years: dict[str, int] = {}
    for period, authority_id, code, name, kind, value in rows:
        year = years.get(period) or years.setdefault(period, _year(period))
        if comparison.kind == "group" and comparison.members_in(year) is None:
            missing_version.add(period)
            continue
        if comparison.includes(authority_id, kind, year, area):
            by_period[period].append((period, code, value))
            names[code] = name
    owned = set()
    for period, value in own.items():
        if period in by_period and all(code != area.code for _, code, _ in by_period[period]):
            by_period[period].append((period, area.code, value))
            owned.add(period)
    stats = analysis.positions(
        (row for chosen in by_period.values() for row in chosen),
        area=area.code,
        decimals=metric.decimals,
        higher_is_better=metric.is_higher_better,
    )
    result = {}
    for period in {*by_period, *missing_version}:
        position = Position(
            metric=metric,
            period=period,
            area=area,
            comparison=comparison,
            stats=stats.get(period) or _empty_stats(area),
            names=names,
            own_value=period in owned,
        )
        if period in missing_version:
            position.message = comparison.no_version_message(_year(period))
        else:
            position.message = _message(position)
        result[period] = position
    return result


def position(metric: Metric, period: str, area: Authority, comparison: Comparison) -> Position:
    """The area's position for one period (the period must be a benchmark period code)."""
    rows = _rows(metric, comparison, area, [period])
    found = build(metric, comparison, area, rows, _own_values(metric, area, [period]))
    if period in found:
        return found[period]
    empty = Position(metric, period, area, comparison, _empty_stats(area))
    empty.message = _message(empty)
    return empty


def trend(metric: Metric, area: Authority, comparison: Comparison) -> list[Position]:
    """The area's position in every period with values in the set, oldest first."""
    rows = _rows(metric, comparison, area, None)
    own = _own_values(metric, area, {row[0] for row in rows})
    found = build(metric, comparison, area, rows, own)
    return [found[p] for p in sorted(found, key=benchmark_periods.sort_key)]


def metric_periods(metric: Metric) -> list[str]:
    codes = BenchmarkValue.objects.filter(metric=metric).values_list("period", flat=True)
    return sorted(set(codes.distinct()), key=benchmark_periods.sort_key)


@dataclass(frozen=True)
class Question:
    """What a page or an API call asks: a metric, an area, a comparison and perhaps a period."""

    metric: Metric
    area: Authority
    comparison: Comparison
    period: str | None


def ask(*, metric: str | None, area: str | None, group: str | None, period: str | None) -> Question:
    """Resolve the parameters, or raise ComparisonError (400 malformed, 404 not found).

    The area defaults to the council and the comparison to its nearest neighbours."""
    given = {"metric": metric, "area": area, "group": group, "period": period}
    for name, text in given.items():
        if text and "\x00" in text:  # PostgreSQL cannot look one up
            message = f"The {name} may not contain a NUL character."
            raise ComparisonError(message, field=name, status=400)
    code = (metric or "").strip()
    if not code:
        raise ComparisonError("Give a metric code, e.g. ENV18.", field="metric", status=400)
    found = Metric.objects.select_related("measure").filter(code=code).first()
    if found is None:
        raise ComparisonError(f"Unknown metric {code}.", field="metric")
    period_code = None
    if period:
        try:
            period_code = benchmark_periods.parse(period).code
        except PeriodError as exc:
            raise ComparisonError(str(exc), field="period", status=400) from None
        if not BenchmarkValue.objects.filter(metric=found, period=period_code).exists():
            raise ComparisonError(
                f"{found.code} has no values for {benchmark_periods.label(period_code)}.",
                field="period",
            )
    where = area_for(area or settings.COUNCIL_AREA_CODE)
    return Question(found, where, comparison_for(group or "nearest", where), period_code)


@dataclass
class MetricPage:
    """A metric page: the trend, and the period shown with its position."""

    trend: list[Position]
    period: str | None
    position: Position | None

    @property
    def ranked_periods(self) -> int:
        return sum(1 for p in self.trend if p.stats["rank"] is not None)


def for_page(question: Question, period: str | None, period_codes: list[str]) -> MetricPage:
    """The trend, and the period asked for (default: the latest the area has a value for)."""
    found = trend(question.metric, question.area, question.comparison)
    if not period:
        with_value = [p.period for p in found if p.stats["value"] is not None]
        period = with_value[-1] if with_value else (period_codes[-1] if period_codes else None)
    current = next((p for p in found if p.period == period), None)
    if period and current is None:
        current = position(question.metric, period, question.area, question.comparison)
    return MetricPage(found, period, current)
