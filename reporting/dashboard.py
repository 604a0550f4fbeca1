"""The corporate dashboard and service scorecards: what they show, worked out in a fixed number
of queries whatever the size of the council."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from itertools import groupby
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from reporting import whatchanged
from targets import periods, rules
from targets.models import (
    ChangeRecord,
    DataQualityAudit,
    Measure,
    MeasureQuerySet,
    Objective,
    Priority,
    Service,
    ServicePlan,
    User,
)
from targets.periods import Period
from targets.quality.reports import flags_for
from targets.scorecard import (
    MeasureStatus,
    ScorecardData,
    latest_published_month,
    measure_headlines,
    measure_statuses,
    needed_for_rows,
    needed_for_trend,
    on_target_trend,
    row_period,
    summary,
)

SPARKLINE_PERIODS = 12
TREND_MONTHS = 24


@dataclass(frozen=True)
class Scorecard:
    month: Period
    statuses: list[MeasureStatus]  # the rows shown: after every filter, the RAG filter included
    summary: rules.OnTargetSummary  # counted from exactly `statuses`
    # Each month by the same rule, over the measures the other filters chose (not the RAG one).
    trend: list[tuple[Period, rules.OnTargetSummary]]
    turned_red: list[MeasureStatus]
    # {measure id: the failed audit, actions still open, whose sample includes the row's period}
    dq_flags: dict[int, DataQualityAudit] = field(default_factory=dict)
    # "What changed since" the month before, over the same measures (`scorecard(what_changed=…)`)
    what_changed: whatchanged.Narrative | None = None
    # The key it is cached under (`cached_scorecard`): its rows' HTML is cached beside it.
    cache_key: str = ""

    @property
    def by_priority(self) -> list[tuple[Priority | None, list[MeasureStatus]]]:
        ordered = sorted(
            self.statuses,
            key=lambda s: (s.measure.priority.number if s.measure.priority else 99, s.measure.code),
        )
        return [(p, list(rows)) for p, rows in groupby(ordered, key=lambda s: s.measure.priority)]

    @property
    def chart(self) -> dict[str, Any]:
        return chart_data(self)

    @property
    def by_kind(self) -> list[tuple[str, list[MeasureStatus]]]:
        return by_kind(self.statuses)

    @property
    def late(self) -> list[MeasureStatus]:
        return [s for s in self.statuses if s.late]


def by_kind(statuses: list[MeasureStatus]) -> list[tuple[str, list[MeasureStatus]]]:
    labels = dict(Measure.Kind.choices)
    order = list(labels)
    ordered = sorted(statuses, key=lambda s: (order.index(s.measure.kind), s.measure.code))
    return [
        (labels[kind], list(rows)) for kind, rows in groupby(ordered, key=lambda s: s.measure.kind)
    ]


def latest_month(today: date) -> Period:
    return periods.latest_complete_period(today, periods.Frequency.MONTHLY)


def default_month(
    *, internal: bool, today: date, measures: MeasureQuerySet | None = None
) -> Period:
    """The month a scorecard opens at: the last complete month for staff; for those who see
    published values only (scrutiny, the public), the latest month whose values have mostly
    been published (`latest_published_month`), so that they do not open at a month of gaps."""
    latest = latest_month(today)
    if internal:
        return latest
    scope = measures if measures is not None else Measure.objects.all()
    return latest_published_month(scope, latest) or latest


def matches(status: MeasureStatus, rag: str | None) -> bool:
    if not rag:
        return True
    if rag == "late":
        return status.late
    return status.rag.rag.value == rag


def scorecard(
    measures: MeasureQuerySet,
    *,
    month: Period,
    rag: str | None,
    internal: bool,
    today: date,
    trend: bool = True,
    flags: bool = True,
    history: int = SPARKLINE_PERIODS,
    what_changed: bool = False,
) -> Scorecard:
    """The rows of the measures chosen for `month` (`targets.scorecard` rule), the RAG filter
    applied, the counts of exactly those rows, and the trend, loaded together in four queries;
    with `flags`, the failed data-quality audits of the rows (the pages show them), and each
    row's last `history` actuals (the sparklines). With `what_changed` (and the trend, whose
    measures span the month before), "what changed" against the month before, from the same
    load (no query more: the dashboard keeps to issue 18's twelve; the packs also name the
    service reviews overrunning)."""
    window = periods.last_n(month, TREND_MONTHS) if trend else [month]
    candidates = list(
        measures.active_during(window[0].year, month.year)
        .select_related("priority", "service", "updater")
        .order_by("code")
    )
    chosen = [m for m in candidates if m.is_active_in(month.year)]
    codes, years = needed_for_rows(
        (row_period(m, month) for m in chosen), history=SPARKLINE_PERIODS
    )
    if trend:
        trend_codes, trend_years = needed_for_trend(candidates, window)
        codes, years = codes | trend_codes, years | trend_years
    before = month.previous()
    compared = [m for m in candidates if m.is_active_in(before.year)]
    what_changed = what_changed and trend
    if what_changed:
        before_codes, before_years = needed_for_rows(row_period(m, before) for m in compared)
        codes, years = codes | before_codes, years | before_years
    # Whole values only for the rows shown; the trend, the history and last month's headlines
    # (what changed) read their figures alone.
    whole = {row_period(m, month).code for m in chosen}
    data = ScorecardData.load(candidates, codes, years, rows=whole)
    statuses = measure_statuses(
        chosen, month, internal=internal, today=today, history=history, data=data
    )
    shown = [s for s in statuses if matches(s, rag)]
    narrative = None
    if what_changed:
        earlier = measure_headlines(compared, before, internal=internal, today=today, data=data)
        narrative = whatchanged.of_rows(
            whatchanged.from_statuses(month.label, statuses),
            whatchanged.from_statuses(before.label, earlier),
            overrunning=(),
        )
    return Scorecard(
        month=month,
        statuses=shown,
        summary=summary(shown),
        trend=on_target_trend(
            candidates, month, TREND_MONTHS, internal=internal, today=today, data=data
        )
        if trend
        else [],
        turned_red=[s for s in shown if s.turned_red],
        dq_flags=dq_flags(shown) if flags else {},
        what_changed=narrative,
    )


def dq_flags(statuses: list[MeasureStatus]) -> dict[int, DataQualityAudit]:
    return flags_for((s.measure.pk, s.period) for s in statuses)


def chart_data(card: Scorecard) -> dict[str, Any]:
    """The "% on target" trend for plotly (through json_script)."""
    return {
        "x": [m.label for m, _ in card.trend],
        "y": [s.percent_on_target for _, s in card.trend],
        "text": [f"{s.text}; n = {s.total} measures" for _, s in card.trend],
    }


CACHE_SECONDS = 600


def data_version() -> str:
    """Changes whenever any value, target or measure changes: every route writes a ChangeRecord.

    One query (the trail's latest id by its index, read once as an uncorrelated subquery, and
    the measures counted), however long the
    history. Changes outside the audited routes (a shell) show within CACHE_SECONDS.
    """
    last = ChangeRecord.objects.order_by("-pk").values("pk")[:1]
    figures = Measure.objects.aggregate(measures=Count("pk"), last=Max(Subquery(last)))
    return f"{figures['last']}.{figures['measures']}"


def _cache_key(
    key: str, *, month: Period, rag: str | None, internal: bool, today: date, what_changed: bool
) -> str:
    digest = hashlib.blake2b(
        f"{key}|{month.code}|{rag}|{internal}|{today}|{what_changed}|{data_version()}".encode(),
        digest_size=16,
    ).hexdigest()
    return f"goldthread.scorecard.{digest}"


def _worked_out(
    measures: MeasureQuerySet, cache_key: str, *, keep_card: bool = True, **chosen: Any
) -> Scorecard:
    """`scorecard()`, stored under `cache_key` (unless not `keep_card`), with its rows' measures
    and periods beside it (`CachedScorecard.rows`). Without its flags: those are looked up
    afresh on every read."""
    card = replace(scorecard(measures, flags=False, **chosen), cache_key=cache_key)
    rows = [(s.measure.pk, s.period) for s in card.statuses]
    if keep_card:
        cache.set_many({cache_key: card, f"{cache_key}.rows": rows}, CACHE_SECONDS)
    else:
        cache.set(f"{cache_key}.rows", rows, CACHE_SECONDS)
    return card


def cached_scorecard(
    measures: MeasureQuerySet,
    *,
    month: Period,
    rag: str | None,
    internal: bool,
    today: date,
    key: str,
    what_changed: bool = False,
) -> Scorecard:
    """`scorecard()`, kept until the data changes: the same figures for everyone who sees alike."""
    chosen: dict[str, Any] = {"month": month, "rag": rag, "internal": internal, "today": today}
    cache_key = _cache_key(key, what_changed=what_changed, **chosen)
    card: Scorecard | None = cache.get(cache_key)
    if card is None:
        card = _worked_out(measures, cache_key, what_changed=what_changed, **chosen)
    # Audits and their actions change outside the audit trail the key follows: flags are fresh.
    return replace(card, dq_flags=dq_flags(card.statuses))


class CachedScorecard:
    """A cached scorecard read no further than its page needs: the key it is cached under, its
    rows' measures and periods, and the failed audits flagging them (fresh each time). A page
    whose own HTML of the scorecard is cached (the dashboard's, under the key and the flags)
    never reads the scorecard itself (`card`): 160 rows unpickled were most of a cached page's
    work, and most of the young objects the garbage collector then walked."""

    def __init__(
        self, measures: MeasureQuerySet, *, key: str, what_changed: bool, **chosen: Any
    ) -> None:
        self.cache_key = _cache_key(key, what_changed=what_changed, **chosen)
        self._measures, self._chosen = measures, {"what_changed": what_changed, **chosen}
        self._card: Scorecard | None = None
        rows: list[tuple[int, Period]] | None = cache.get(f"{self.cache_key}.rows")
        if rows is None:
            # Worked out for this page's HTML, which is then cached: the scorecard itself is
            # kept only once asked for again (an export, or the HTML of other flags), not
            # pickled on every change of the data (a large council's: 800 model instances).
            self._card = self._cached_or_worked_out(keep_card=False)
            rows = [(s.measure.pk, s.period) for s in self._card.statuses]
        self.rows = rows
        self.dq_flags = flags_for(rows)

    def _cached_or_worked_out(self, *, keep_card: bool = True) -> Scorecard:
        card: Scorecard | None = cache.get(self.cache_key)
        if card is None:
            return _worked_out(self._measures, self.cache_key, keep_card=keep_card, **self._chosen)
        rows = [(s.measure.pk, s.period) for s in card.statuses]
        cache.set(f"{self.cache_key}.rows", rows, CACHE_SECONDS)  # expired before the card
        return card

    @cached_property
    def card(self) -> Scorecard:
        card = self._card or self._cached_or_worked_out()
        return replace(card, dq_flags=self.dq_flags)

    @property
    def flagged(self) -> str:
        """Which rows failed audits flag (the rest of what the scorecard's HTML shows is in
        its key)."""
        return repr(sorted((measure, audit.pk) for measure, audit in self.dq_flags.items()))


@dataclass(frozen=True)
class Section:
    """A group of a service scorecard's rows: an objective of its plan, or what is left."""

    title: str
    rows: list[MeasureStatus]
    objective: Objective | None = None


def current_plan(service: Service, year: int) -> ServicePlan | None:
    """The service's improvement plan for `year`: who signed it off, its objectives in order
    (`plan.objective_list`, each with its priority) and its number of service targets
    (`plan.target_count`), in one query (a plan joined to its objectives). Which objective each
    measure sits under comes with the measures (`in_plan`)."""
    plan_fields = [f.attname for f in ServicePlan._meta.concrete_fields]
    objective_fields = [f.attname for f in Objective._meta.concrete_fields]
    priority_fields = [f.attname for f in Priority._meta.concrete_fields]
    signer_fields = _SIGNER_FIELDS
    targets = (
        ServicePlan.measures.through.objects.filter(serviceplan=OuterRef("pk"))
        .order_by()
        .values("serviceplan")
        .annotate(n=Count("pk"))
        .values("n")  # type: ignore[misc]
    )
    rows = list(
        ServicePlan.objects.filter(service=service, year=year)
        .annotate(target_count=Coalesce(Subquery(targets), 0))
        .order_by("objectives__order", "objectives__pk")
        .values_list(
            *plan_fields,
            "target_count",
            *(f"signed_off_by__{name}" for name in signer_fields),
            *(f"objectives__{name}" for name in objective_fields),
            *(f"objectives__priority__{name}" for name in priority_fields),
        )
    )
    if not rows:
        return None
    cut = [len(plan_fields), 1, len(signer_fields), len(objective_fields), len(priority_fields)]
    first = _split(rows[0], cut)
    plan = ServicePlan.from_db(None, plan_fields, first[0])
    plan.service = service
    plan.target_count = first[1][0]  # type: ignore[attr-defined]
    if plan.signed_off_by_id is not None:
        plan.signed_off_by = User.from_db(None, signer_fields, first[2])
    objectives = []
    for row in rows:
        _, _, _, objective_row, priority_row = _split(row, cut)
        if objective_row[0] is None:
            continue  # a plan without objectives: its one row, joined to nothing
        objective = Objective.from_db(None, objective_fields, objective_row)
        objective.plan = plan
        objective.priority = Priority.from_db(None, priority_fields, priority_row)
        objectives.append(objective)
    plan.objective_list = objectives  # type: ignore[attr-defined]
    return plan


_SIGNER_FIELDS = ["id", "username", "first_name", "last_name", "job_title"]


def _split(row: tuple[Any, ...], sizes: list[int]) -> list[tuple[Any, ...]]:
    parts, start = [], 0
    for size in sizes:
        parts.append(row[start : start + size])
        start += size
    return parts


def in_plan(measures: MeasureQuerySet, service: Service, year: int) -> MeasureQuerySet:
    """The measures, each with `in_plan` (a service target of the service's plan for `year`)
    and `plan_objective` (the id of the first of the plan's objectives that names it, or None):
    what `plan_sections` groups by, loaded with the measures (no query more)."""
    targets = ServicePlan.measures.through.objects.filter(
        serviceplan__service=service, serviceplan__year=year, measure=OuterRef("pk")
    )
    links = (
        Objective.measures.through.objects.filter(
            objective__plan__service=service, objective__plan__year=year, measure=OuterRef("pk")
        )
        .order_by("objective__order", "objective__pk")
        .values("objective")[:1]
    )
    return measures.annotate(in_plan=Exists(targets), plan_objective=Subquery(links))


def plan_sections(statuses: list[MeasureStatus], plan: ServicePlan | None) -> list[Section]:
    """The plan's service targets under the first of its objectives that names them, then its
    other service targets, then the measures not in the plan. Each measure appears once.

    The measures carry their place in the plan (`in_plan`); without a plan, they are grouped
    by kind."""
    if plan is None:
        return [Section(title=f"{kind} measures", rows=rows) for kind, rows in by_kind(statuses)]
    under: dict[int, list[MeasureStatus]] = defaultdict(list)
    for s in statuses:
        if (objective := getattr(s.measure, "plan_objective", None)) is not None:
            under[objective].append(s)
    sections: list[Section] = []
    for objective in plan.objective_list:  # type: ignore[attr-defined]
        rows = sorted(under.get(objective.pk, []), key=lambda s: s.measure.code)
        if rows:
            sections.append(Section(title=objective.title, rows=rows, objective=objective))
    placed = {s.measure.pk for rows in under.values() for s in rows}
    in_the_plan = [s for s in statuses if getattr(s.measure, "in_plan", False)]
    others = [s for s in in_the_plan if s.measure.pk not in placed]
    if others:
        sections.append(Section(title="Other service targets in the plan", rows=others))
    rest = [s for s in statuses if not getattr(s.measure, "in_plan", False)]
    if rest:
        sections.append(Section(title="Measures not in the plan", rows=rest))
    return sections
