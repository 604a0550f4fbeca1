"""The improvement programme in the CMT and CEB packs, beside the measures: plan actions overdue,
reviews against the nine-month limit, savings delivered against target, the top risks and the
corporate programmes. Frozen into the run's snapshot as plain JSON like the rest of the pack, so
the PDF shows what was true when the pack was made."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fsr import rules, savings
from fsr.governance import register
from fsr.models import Review, SavingsLine
from reporting.models import Audience, ReportSchedule
from targets.models import Action
from targets.periods import fy_label

# The packs of the board and the management team carry the programme (item 9 of issue 17).
AUDIENCES = (Audience.CMT, Audience.CEB)
MAX_ACTIONS = 25


def carries_programme(schedule: ReportSchedule) -> bool:
    return schedule.audience in AUDIENCES


def _day(d: date | None) -> str:
    return rules.long_date(d) if d else ""


def review_limit(review: Review, today: date) -> tuple[str, str]:
    """(state, words) of a review against the nine-month limit: within, overrunning (still
    open past start + nine months), or ended late (agreed after that day)."""
    latest = rules.latest_planned_end(review.start)
    if review.ended_on is not None:
        if review.ended_on > latest:
            return "late", f"Ended {_day(review.ended_on)}, after the limit of {_day(latest)}"
        return "within", f"Ended {_day(review.ended_on)}, within the nine months"
    if today > latest:
        days = (today - latest).days
        return "overrunning", f"Overrunning: {days} days past {_day(latest)}"
    return "within", f"Within the limit: to end by {_day(latest)}"


def build(*, month_year: int, today: date) -> dict[str, Any]:
    overdue = (
        Action.objects.filter(due__lt=today, status__in=Action.OPEN_STATUSES)
        .select_related("service", "owner")
        .order_by("due", "pk")
    )
    overdue_count = overdue.count()
    by_service: dict[str, int] = {}
    for name in overdue.values_list("service__name", flat=True):
        by_service[name] = by_service.get(name, 0) + 1
    reviews = (
        Review.objects.exclude(status=Review.Status.ABANDONED)
        .exclude(status=Review.Status.COMPLETE)
        .select_related("service")
        .order_by("start", "pk")
    )
    lines = SavingsLine.objects.filter(year=month_year)
    by_source, overall = savings.totals(lines)
    summary = register.summary(service_ids=None, today=today)
    return {
        "as_at": today.isoformat(),
        "as_at_label": _day(today),
        "actions_overdue": {
            "count": overdue_count,
            "by_service": sorted(by_service.items(), key=lambda kv: (-kv[1], kv[0])),
            "oldest": [
                {
                    "title": a.title,
                    "service": a.service.name,
                    "owner": str(a.owner) if a.owner else "",
                    "due": _day(a.due),
                    "days_late": (today - a.due).days if a.due else 0,
                    "source": a.get_source_display(),
                }
                for a in overdue[:MAX_ACTIONS]
            ],
        },
        "reviews": [
            {
                "title": r.title,
                "service": r.service.name,
                "status": r.get_status_display(),
                "start": _day(r.start),
                "planned_end": _day(r.planned_end),
                "limit_state": state,
                "limit": words,
            }
            for r in reviews
            for state, words in [review_limit(r, today)]
        ],
        "savings": {
            "year": fy_label(month_year),
            "by_source": [
                {"label": t.label, "target": str(t.target), "delivered": str(t.delivered)}
                for t in by_source
            ],
            "target": str(overall.target),
            "delivered": str(overall.delivered),
            "delivered_pct": str(overall.delivered_pct) if overall.delivered_pct else None,
            "unknown": overall.unknown,
        },
        "top_risks": [
            {
                "reference": row.risk.reference,
                "title": row.risk.title,
                "register": row.risk.service.name if row.risk.service else "Corporate",
                "owner": str(row.risk.owner),
                "inherent": row.risk.inherent_score,
                "residual": row.risk.residual_score,
                "band": str(row.residual_band),
                "review": _day(row.risk.review_date),
                "review_overdue": row.review_overdue,
            }
            for row in summary.register.top
        ],
        "risk_bands": {str(b): n for b, n in summary.register.by_band.items()},
        "programmes": [
            {
                "title": row.programme.title,
                "stage": row.programme.get_stage_display(),
                "overall": str(row.overall),
                "time": row.programme.rag_time,
                "cost": row.programme.rag_cost,
                "scope": row.programme.rag_scope,
                "milestones_overdue": row.milestones_overdue,
                "savings_target": str(row.savings_target),
                "savings_delivered": str(row.savings_delivered),
                "note": row.programme.status_note,
            }
            for row in summary.open_programmes
        ],
    }


def for_pack(schedule: ReportSchedule, *, month: Any, today: date) -> dict[str, Any] | None:
    """The section's figures for a CMT or CEB pack; None for the others."""
    if not carries_programme(schedule):
        return None
    return build(month_year=month.year, today=today)


MONEY = ("target", "delivered", "savings_target", "savings_delivered")


def restore(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The section as the template reads it: its sums of money as Decimals again."""
    if not data:
        return None

    def thaw(row: dict[str, Any]) -> dict[str, Any]:
        return {k: Decimal(v) if k in MONEY and v is not None else v for k, v in row.items()}

    saved = data["savings"]
    return {
        **data,
        "savings": {
            **thaw(saved),
            "delivered_pct": Decimal(saved["delivered_pct"]) if saved["delivered_pct"] else None,
            "by_source": [thaw(t) for t in saved["by_source"]],
        },
        "programmes": [thaw(p) for p in data["programmes"]],
    }
