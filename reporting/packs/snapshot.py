"""A pack's figures frozen as JSON (the run's snapshot), and thawed back into the dashboard's
objects so that the PDF, the run's page and the exports all show exactly what was printed.

The snapshot's `rows` are the scorecard API's rows (`reporting.api.row`, serialised by its
serializer), so a pack's figures can be compared with `/api/v1/scorecard/` for the same month.
Whatever else the pack prints about a measure is under `details`, by measure code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

from benchmarking.models import Metric
from benchmarking.overview import council_summaries
from benchmarking.positions import Position
from reporting import whatchanged
from reporting.api import ScorecardRowSerializer, row
from reporting.dashboard import Scorecard, scorecard
from reporting.models import PackStatus, ReportRun, ReportSchedule, RunStatus, Scope
from reporting.narrative import Figures
from reporting.packs import improvement
from targets import periods
from targets.models import DataQuality, Measure, Priority, Service, Value, ValueStatus
from targets.periods import Period
from targets.quality import reports as dq_reports
from targets.rules import Direction, GreyReason, OnTargetSummary, Rag, RagResult, TargetSpec
from targets.scorecard import MeasureStatus, summary

# 2: every count is made from the rows (not the measures due), the year to date names its
# periods, and a row says when its value was reported.
FORMAT = 2
COUNTS = ("green", "amber", "red", "grey", "late")


def build(
    *, schedule: ReportSchedule, period: Period, today: date, generated_at: datetime
) -> dict[str, Any]:
    """The figures of a schedule's pack for a period, as JSON-ready data."""
    month = period.months()[-1]
    internal = schedule.uses_internal_values
    card = scorecard(
        schedule.measures(), month=month, rag=None, internal=internal, today=today, flags=False
    )
    rows = ScorecardRowSerializer([row(s) for s in card.statuses], many=True).data
    benchmarks = _benchmarks([s.measure for s in card.statuses])
    priorities = {s.measure.priority for s in card.statuses if s.measure.priority}
    # Final once nothing in it can still change: every row has its value, and every value
    # shown is published. Otherwise a draft (a later version may differ).
    final = all(
        s.value is not None and s.value.status == ValueStatus.PUBLISHED for s in card.statuses
    )
    return {
        "format": FORMAT,
        "council": settings.COUNCIL_NAME,
        "schedule": {
            "code": schedule.code,
            "name": schedule.name,
            "audience": schedule.get_audience_display(),
            "frequency": schedule.frequency,
        },
        "period": {"code": period.code, "label": period.label},
        "month": {"code": month.code, "label": month.label},
        "today": today.isoformat(),
        "generated_at": generated_at.isoformat(),
        "internal": internal,
        "status": PackStatus.FINAL if final else PackStatus.DRAFT,
        "summary": {**card.summary.as_dict(), "text": card.summary.text},
        "trend": [
            {"period": m.code, "label": m.label, **s.as_dict(), "text": s.text}
            for m, s in card.trend
        ],
        "priorities": [
            {"id": p.pk, "number": p.number, "name": p.name}
            for p in sorted(priorities, key=lambda p: p.number)
        ],
        "rows": [dict(r) for r in rows],
        "details": {s.measure.code: _details(s) for s in card.statuses},
        "benchmarks": benchmarks,
        "narrative": _narrative(
            schedule,
            period,
            whatchanged.from_statuses(
                period.label, card.statuses, whatchanged.quartiles(benchmarks)
            ),
            internal=internal,
            today=today,
        ),
        "data_quality": _data_quality([s.measure for s in card.statuses], today)
        if internal
        else {},
        "improvement": improvement.for_pack(schedule, month=month, today=today),
    }


def _narrative(
    schedule: ReportSchedule,
    period: Period,
    current: Figures,
    *,
    internal: bool,
    today: date,
) -> dict[str, Any]:
    """ "What changed" against the previous period's pack, as it was printed (its latest
    version); without one, against the previous period's figures as they stand today."""
    before = period.previous()
    earlier = (
        ReportRun.objects.filter(schedule=schedule, period=before.code, status=RunStatus.DONE)
        .exclude(snapshot=None)
        .order_by("-version")
        .first()
    )
    if earlier is not None and earlier.snapshot:
        previous, source = whatchanged.from_snapshot(earlier.snapshot), "pack"
    else:
        card = scorecard(
            schedule.measures(),
            month=before.months()[-1],
            rag=None,
            internal=internal,
            today=today,
            trend=False,
            flags=False,
            history=0,
        )
        previous, source = whatchanged.from_statuses(before.label, card.statuses), "figures"
    services = [schedule.service] if schedule.scope == Scope.SERVICE and schedule.service else None
    return whatchanged.stored(
        current,
        previous,
        source=source,
        overrunning=whatchanged.overrunning_reviews(today, services),
    )


def _data_quality(measures: list[Measure], today: date) -> dict[str, Any]:
    """The pack's measures whose procedure review is overdue or missing, and their failed audits
    whose actions are still open (internal packs only)."""
    return {
        "reviews": [
            {
                "measure": r.measure.code,
                "title": r.measure.title,
                "service": r.measure.service.name,
                "owner": str(r.measure.updater) if r.measure.updater else "",
                "state": r.state,
                "due": r.due.isoformat() if r.due else None,
            }
            for r in dq_reports.reviews_due(measures, today)
        ],
        "failures": [
            {
                "measure": a.measure.code,
                "title": a.measure.title,
                "month": a.month_label,
                "sampled": a.sample_label,
                "open_actions": a.open_action_count,
                "actions": len(a.actions.all()),
            }
            for a in dq_reports.failures_of(measures)
        ],
    }


def _position(position: Position | None) -> dict[str, Any] | None:
    if position is None:
        return None
    stats = position.stats
    return {
        "against": position.comparison.label,
        "n": stats.get("n"),
        "rank": stats.get("rank_text"),
        "quartile": stats.get("quartile"),
        "message": position.message,
    }


def _benchmarks(measures: list[Measure]) -> list[dict[str, Any]]:
    """The council's latest quartile positions on the metrics linked to the pack's measures."""
    metrics = list(
        Metric.objects.filter(measure__in=measures).select_related("measure").order_by("code")
    )
    return [
        {
            "measure": found.metric.measure.code if found.metric.measure else "",
            "metric": found.metric.code,
            "title": found.metric.title,
            "period": found.period_label,
            "nearest": _position(found.nearest),
            "by_type": _position(found.by_type),
            "problem": found.problem,
        }
        for found in council_summaries(metrics)
    ]


def _text(figure: Decimal | None) -> str | None:
    return None if figure is None else str(figure)


def _part(spec: TargetSpec | None, name: str) -> str | None:
    return None if spec is None else _text(getattr(spec, name))


def _reason(result: RagResult | None) -> str | None:
    return result.reason.value if result is not None and result.reason else None


def _details(status: MeasureStatus) -> dict[str, Any]:
    measure, value = status.measure, status.value
    return {
        "kind": measure.kind,
        "priority": measure.priority_id,
        "service": measure.service.name,
        "owner": str(measure.updater) if measure.updater else "",
        "unit": measure.unit,
        "decimals": measure.decimals,
        "polarity": measure.polarity,
        "frequency": measure.frequency,
        "due": status.due,
        "value_status": value.status if value else None,
        "dq_flag": value.dq_flag if value else None,
        "commentary": value.commentary if value else "",
        "corrective_action": value.corrective_action if value else "",
        "ytd_target_lower": _part(status.ytd_target, "lower"),
        "ytd_target_upper": _part(status.ytd_target, "upper"),
        "ytd_rag_reason": _reason(status.ytd_rag),
        "forecast_rag_reason": _reason(status.forecast_rag),
        "previous_rag": status.previous_rag.rag.value if status.previous_rag else None,
        "previous_rag_reason": _reason(status.previous_rag),
        "history": [[p.code, _text(v)] for p, v in status.history],
        "ytd_periods": [p.code for p in status.ytd_periods],
        "reported": status.reported.isoformat() if status.reported else None,
    }


@dataclass(frozen=True)
class Pack:
    """A snapshot thawed: the dashboard's Scorecard plus what the pack adds around it."""

    data: dict[str, Any]
    card: Scorecard

    @property
    def period(self) -> Period:
        return periods.parse_period(self.data["period"]["code"])

    @property
    def month(self) -> Period:
        return self.card.month

    @property
    def legacy(self) -> bool:
        """Made before counts were taken from the rows shown: its summary counted the measures
        due in the month, and is shown as it was printed."""
        return int(self.data.get("format", 1)) < 2

    @property
    def is_final(self) -> bool:
        return bool(self.data["status"] == PackStatus.FINAL)

    @property
    def narrative(self) -> whatchanged.Narrative | None:
        """ "What changed": the team's edited text if any, else the draft."""
        return whatchanged.of_snapshot(self.data)

    @property
    def internal(self) -> bool:
        return bool(self.data["internal"])

    @property
    def generated_at(self) -> datetime:
        return datetime.fromisoformat(self.data["generated_at"])

    @property
    def red(self) -> list[MeasureStatus]:
        """Every Red measure, by priority then code: each gets a page with its action."""
        return [s for _, rows in self.card.by_priority for s in rows if s.rag.rag == Rag.RED]

    @property
    def benchmarks(self) -> list[dict[str, Any]]:
        return list(self.data.get("benchmarks", []))

    @property
    def data_quality(self) -> list[MeasureStatus]:
        """Measures whose value in the pack is estimated or provisional."""
        flagged = {DataQuality.ESTIMATED, DataQuality.PROVISIONAL}
        return [
            s
            for _, rows in self.card.by_priority
            for s in rows
            if s.value is not None and s.value.dq_flag in flagged
        ]

    @property
    def dq_reviews(self) -> list[dict[str, Any]]:
        """Procedure reviews overdue or missing for the pack's measures, when it was made."""
        return [
            {**r, "due": date.fromisoformat(r["due"]) if r["due"] else None}
            for r in self.data.get("data_quality", {}).get("reviews", [])
        ]

    @property
    def dq_failures(self) -> list[dict[str, Any]]:
        """Failed audits of the pack's measures with actions still open, when it was made."""
        return list(self.data.get("data_quality", {}).get("failures", []))

    @property
    def improvement(self) -> dict[str, Any] | None:
        """The improvement programme's section (CMT and CEB packs), when it was made."""
        return improvement.restore(self.data.get("improvement"))

    @property
    def priority_summaries(self) -> list[tuple[Priority | None, OnTargetSummary]]:
        return [(p, summary(rows)) for p, rows in self.card.by_priority]


def restore(data: dict[str, Any]) -> Pack:
    """The Pack of a snapshot, without touching the database."""
    priorities = {
        p["id"]: Priority(pk=p["id"], number=p["number"], name=p["name"])
        for p in data["priorities"]
    }
    services: dict[str, Service] = {}
    statuses = [_status(r, data["details"][r["code"]], priorities, services) for r in data["rows"]]
    card = Scorecard(
        month=periods.parse_period(data["month"]["code"]),
        statuses=statuses,
        summary=_summary(data["summary"]),
        trend=[(periods.parse_period(t["period"]), _summary(t)) for t in data["trend"]],
        turned_red=[s for s in statuses if s.turned_red],
    )
    return Pack(data=data, card=card)


def _summary(counts: dict[str, Any]) -> OnTargetSummary:
    return OnTargetSummary(**{name: int(counts[name]) for name in COUNTS})


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _spec(value: str | None, lower: str | None, upper: str | None) -> TargetSpec | None:
    if value is None and lower is None and upper is None:
        return None
    return TargetSpec(_decimal(value), _decimal(lower), _decimal(upper))


def _rag(rag: str | None, reason: str | None) -> RagResult | None:
    if rag is None:
        return None
    return RagResult(Rag(rag), GreyReason(reason) if reason else None)


def _direction(text: str | None) -> Direction | None:
    return Direction(text) if text else None


def _status(
    r: dict[str, Any],
    d: dict[str, Any],
    priorities: dict[int, Priority],
    services: dict[str, Service],
) -> MeasureStatus:
    service = services.setdefault(d["service"], Service(name=d["service"]))
    measure = Measure(
        code=r["code"],
        title=r["title"],
        kind=d["kind"],
        unit=d["unit"],
        decimals=d["decimals"],
        polarity=d["polarity"],
        frequency=d["frequency"],
        priority=priorities.get(d["priority"]),
        service=service,
    )
    value = None
    if d["value_status"] is not None:
        value = Value(
            measure=measure,
            period=r["period"],
            actual=_decimal(r["actual"]),
            forecast=_decimal(r["forecast"]),
            commentary=d["commentary"],
            corrective_action=d["corrective_action"],
            dq_flag=d["dq_flag"],
            status=d["value_status"],
        )
    rag = _rag(r["rag"], r["rag_reason"])
    ytd_rag = _rag(r["ytd_rag"], d["ytd_rag_reason"])
    assert rag is not None and ytd_rag is not None
    return MeasureStatus(
        measure=measure,
        period=periods.parse_period(r["period"]),
        due=d["due"],
        value=value,
        target=_spec(r["target"], r["target_lower"], r["target_upper"]),
        rag=rag,
        dot_short=_direction(r["dot_short"]),
        dot_long=_direction(r["dot_long"]),
        ytd_actual=_decimal(r["ytd_actual"]),
        ytd_target=_spec(r["ytd_target"], d["ytd_target_lower"], d["ytd_target_upper"]),
        ytd_rag=ytd_rag,
        forecast_rag=_rag(r["forecast_rag"], d["forecast_rag_reason"]),
        late=r["late"],
        previous_rag=_rag(d["previous_rag"], d["previous_rag_reason"]),
        history=[(periods.parse_period(code), _decimal(v)) for code, v in d["history"]],
        ytd_periods=tuple(periods.parse_period(code) for code in d.get("ytd_periods", [])),
        reported=date.fromisoformat(d["reported"]) if d.get("reported") else None,
    )
