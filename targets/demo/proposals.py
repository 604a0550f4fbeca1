"""The demo's targets for next year as heads of service propose them: some awaiting a decision
(service ones for the performance team, a corporate one for CMT), one returned with a reason and
proposed again, and approved ones that are already next year's targets, one with a profile.

Every step goes through `targets.proposals.services`, as a head, the performance team and CMT
would take it on the pages, so each is checked and recorded in the audit trail.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from targets import periods
from targets.models import Measure, Target, TargetProposal, User
from targets.proposals import services

# code, outcome (proposed, approved, returned), change against this year's target in the good
# direction (%), rationale, the reason it was returned
PLAN: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "NI191",
        "approved",
        "3",
        "Food waste collections reach every flat from June: residual waste per household should "
        "fall by a further 3%. Last year's outturn beat the target by 11 kg.",
        "",
    ),
    (
        "WST-01",
        "approved",
        "4",
        "Dry recycling grows with the new flats' bins; profiled with the summer peak and the "
        "post-Christmas tonnage in January.",
        "",
    ),
    (
        "WST-03",
        "proposed",
        "2",
        "Two crews now work fly-tips on weekdays; the target rises by two points.",
        "",
    ),
    (
        "HOU-04",
        "returned",
        "-3",
        "Contractor capacity is uncertain while the repairs contract is re-let.",
        "Below this year's target and our nearest neighbours' median: propose at least this "
        "year's target, and say what the new contract's terms require.",
    ),
    (
        "HOU-04",
        "proposed",
        "1",
        "The new contract requires 92% of routine repairs on time from its first month; we "
        "propose one point above this year's target while it beds in.",
        "",
    ),
    (
        "CP09",
        "approved",
        "2",
        "Major applications are now planned with extension-of-time agreements from the start.",
        "",
    ),
    (
        "CP14",
        "proposed",
        "5",
        "In-cab reporting from January lets crews recover a missed bin the same day.",
        "",
    ),
)


def _figure(measure: Measure, base: Decimal, percent: str) -> Decimal:
    change = Decimal(percent) / 100
    better = 1 + change if measure.polarity == Measure.Polarity.UP else 1 - change
    return (base * better).quantize(Decimal(1).scaleb(-measure.decimals), ROUND_HALF_UP)


def _profile(measure: Measure, year: int, annual: Decimal) -> dict[str, str]:
    """A seasonal profile of a cumulative measure: summer months weigh more, and the periods add
    up to the annual target."""
    if measure.aggregation != Measure.Aggregation.SUM:
        return {}
    chosen = periods.periods_in_year(year, measure.frequency)
    weights = [Decimal("1.1") if 3 <= i <= 6 else Decimal("0.95") for i in range(len(chosen))]
    total = sum(weights, Decimal(0))
    step = Decimal(1).scaleb(-measure.decimals)
    figures = [(annual * w / total).quantize(step, ROUND_HALF_UP) for w in weights]
    figures[-1] += annual - sum(figures, Decimal(0))
    return {p.code: format(f, "f") for p, f in zip(chosen, figures, strict=True)}


def load(*, users: dict[str, User], today: date, created: Counter[str]) -> None:
    if TargetProposal.objects.exists():
        return
    this_year = periods.financial_year_of(today)
    year = this_year + 1
    codes = {code for code, *_ in PLAN}
    measures = {m.code: m for m in Measure.objects.filter(code__in=codes).select_related("service")}
    targets = dict(
        Target.objects.filter(measure__code__in=codes, year=this_year).values_list(
            "measure__code", "value"
        )
    )
    team, cmt = users["performance"], users["cmt"]
    for code, outcome, percent, rationale, reason in PLAN:
        measure = measures.get(code)
        base = targets.get(code)
        if measure is None or base is None or not measure.is_active_in(year):
            continue
        value = _figure(measure, base, percent)
        proposal = services.proposal_create(
            user=users[f"{measure.service.code}-head"],
            measure=measure,
            year=year,
            value=value,
            profile=_profile(measure, year, value) if outcome == "approved" else {},
            rationale=rationale,
        )
        decider = cmt if measure.kind == Measure.Kind.CORPORATE else team
        if outcome == "approved":
            services.proposal_approve(user=decider, proposal=proposal)
        elif outcome == "returned":
            services.proposal_return(user=decider, proposal=proposal, reason=reason)
        created["target proposals"] += 1
