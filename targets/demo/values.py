"""The demo's Value rows: figures with commentary, each in a plausible state of the workflow.

Every period before the latest month is published. In the latest month the values are spread
across the workflow, as on a real reporting day: most submitted or approved, a few published,
a few still in draft or missing (so late once the due date passes), two returned with a reason.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from targets import periods
from targets.demo import commentary
from targets.demo.series import Point, rng_for
from targets.demo.spec import M
from targets.models import DataQuality, Measure, User, Value, ValueStatus
from targets.periods import Period
from targets.rules import Rag, round_to

# Workflow states of the latest month's values, beyond the usual submitted/approved/published.
RETURNED, MISSING, DRAFT = "returned", "missing", "draft"
LATEST_MONTH_EXCEPTIONS = ((RETURNED, 2), (MISSING, 5), (DRAFT, 6))


@dataclass(frozen=True)
class Cast:
    """Who enters, approves and publishes a service's values."""

    officer: User
    head: User
    performance: User


def latest_month_plan(codes: Sequence[str]) -> dict[str, str]:
    """Return how far each monthly measure's latest-month value has got through the workflow."""
    order = sorted(codes)
    random.Random("goldthread-demo:latest-month").shuffle(order)
    plan: dict[str, str] = {}
    for state, count in LATEST_MONTH_EXCEPTIONS:
        plan.update((code, state) for code in order[len(plan) : len(plan) + count])
    rest = order[len(plan) :]
    for i, code in enumerate(rest):
        share = i / len(rest)
        plan[code] = (
            ValueStatus.APPROVED
            if share < 0.45
            else ValueStatus.SUBMITTED
            if share < 0.85
            else ValueStatus.PUBLISHED
        )
    return plan


def _moment(rng: random.Random, day: date, latest: datetime) -> datetime:
    at = datetime.combine(
        day, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=timezone.get_current_timezone()
    )
    return min(at, latest)


def workflow_fields(
    rng: random.Random,
    period: Period,
    status: str,
    *,
    due_days: int,
    cast: Cast,
    now: datetime,
) -> dict[str, Any]:
    """Status, people and plausible timestamps (after the period ends) for a value."""
    fields: dict[str, Any] = {"status": status, "entered_by": cast.officer}
    if status == ValueStatus.DRAFT:
        return fields
    latest = now - timedelta(hours=1)
    submitted = _moment(rng, period.end + timedelta(rng.randint(2, max(3, due_days - 1))), latest)
    fields.update(submitted_by=cast.officer, submitted_at=submitted)
    if status == ValueStatus.SUBMITTED:
        return fields
    approved = _moment(rng, submitted.date() + timedelta(rng.randint(1, 4)), latest)
    fields.update(approved_by=cast.head, approved_at=max(approved, submitted))
    if status == ValueStatus.APPROVED:
        return fields
    published = _moment(rng, approved.date() + timedelta(rng.randint(1, 5)), latest)
    fields.update(published_by=cast.performance, published_at=max(published, approved))
    return fields


def _dq_flag(rng: random.Random, is_latest: bool) -> str:
    draw = rng.random()
    if is_latest and draw < 0.15:
        return DataQuality.PROVISIONAL
    if is_latest and draw < 0.22:
        return DataQuality.ESTIMATED
    return DataQuality.FINAL


def value_rows(
    m: M,
    measure: Measure,
    points: Sequence[Point],
    *,
    cast: Cast,
    latest_month: Period,
    latest_state: str,
    now: datetime,
) -> list[Value]:
    """Unsaved Values for a measure's points; the latest month's follows `latest_state`."""
    rng = rng_for(m.code, "workflow")
    rows: list[Value] = []
    previous = None
    for point in points:
        is_latest = point is points[-1]
        state = latest_state if point.period == latest_month else ValueStatus.PUBLISHED
        text = commentary.commentary(
            rng,
            measure,
            actual=point.actual,
            previous=previous,
            target=point.target,
            rag=point.rag.rag,
            reason=point.rag.reason,
            year=point.period.fy_label,
        )
        previous = point.actual
        needs_action = point.rag.rag == Rag.RED or (
            point.rag.rag == Rag.AMBER and rng.random() < 0.3
        )
        status = ValueStatus.DRAFT if state == RETURNED else state
        # Drawn even for a missing value, so that the other values do not depend on which is.
        fields = workflow_fields(rng, point.period, status, due_days=m.due_days, cast=cast, now=now)
        if state == MISSING:
            continue
        rows.append(
            Value(
                measure=measure,
                period=point.period.code,
                actual=point.actual,
                numerator=point.numerator,
                denominator=point.denominator,
                commentary=text,
                corrective_action=commentary.corrective_action(rng) if needs_action else "",
                dq_flag=_dq_flag(rng, is_latest),
                forecast=point.forecast,
                return_reason=commentary.return_reason(rng) if state == RETURNED else "",
                **fields,
            )
        )
    return rows


def published_rates(path: Path, area_code: str) -> dict[str, Decimal]:
    """An authority's recycling rates by period from the DEFRA ENV18 extract, rounded to the
    published 1 dp (the file carries float noise such as 27.700000000000003)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            row["period"]: round_to(Decimal(row["value"]), 1)
            for row in csv.DictReader(handle)
            if row["area_code"] == area_code and row["value"] not in {"", "NA"}
        }


# The council's own estimate of its latest year's recycling rate, below the last published one.
OWN_ESTIMATE_DROP = Decimal("1.6")


def recycling_rows(
    measure: Measure, rates: dict[str, Decimal], *, cast: Cast, now: datetime
) -> Iterable[Value]:
    """Published values of NI192: the council's real figures, as DEFRA published them; and,
    for the latest year ended, the council's own estimate, entered months after the year (an
    annual figure comes late) and not yet approved."""
    yield from _published_rates(measure, rates, cast=cast, now=now)
    latest_year = periods.latest_complete_period(timezone.localdate(now), periods.Frequency.ANNUAL)
    if rates and periods.parse_period(max(rates)) < latest_year:
        estimate = rates[max(rates)] - OWN_ESTIMATE_DROP
        fields = workflow_fields(
            rng_for(measure.code, "estimate"),
            latest_year,
            ValueStatus.SUBMITTED,
            due_days=measure.due_days,
            cast=cast,
            now=now,
        )
        fields["submitted_at"] = now - timedelta(days=2)
        yield Value(
            measure=measure,
            period=latest_year.code,
            actual=estimate,
            dq_flag=DataQuality.ESTIMATED,
            commentary=(
                f"Our own estimate from the {latest_year.fy_label} WasteDataFlow returns, ahead "
                f"of DEFRA's figures: {estimate}%, down from {rates[max(rates)]}% in "
                f"{periods.parse_period(max(rates)).fy_label} and short of the target."
            ),
            corrective_action=(
                "Food waste collections extended to flats; contamination checks on the "
                "recycling rounds, with feedback tags on bins."
            ),
            **fields,
        )


def _published_rates(
    measure: Measure, rates: dict[str, Decimal], *, cast: Cast, now: datetime
) -> Iterable[Value]:
    rng = rng_for(measure.code, "workflow")
    previous = None
    for code, rate in sorted(rates.items()):
        period = periods.parse_period(code)
        text = commentary.published_figure(
            measure, actual=rate, previous=previous, year=period.fy_label
        )
        previous = rate
        yield Value(
            measure=measure,
            period=code,
            actual=rate,
            commentary=text,
            **workflow_fields(
                rng,
                period,
                ValueStatus.PUBLISHED,
                due_days=measure.due_days,
                cast=cast,
                now=now,
            ),
        )
