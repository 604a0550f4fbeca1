"""Commentary, corrective actions and return reasons for demo values, from varied templates."""

from __future__ import annotations

import random
from decimal import Decimal

from targets.models import Measure
from targets.rules import GreyReason, Rag, TargetSpec, round_to

# Worded to read right for any polarity: "off target", never "below target".
GREEN = (
    "{actual}{trend} against a target of {target}: on track. {good}",
    "On target at {actual}{trend}. {good}",
    "Target of {target} met ({actual}). {good}",
    "{actual}{trend}, meeting the target of {target}.",
    "Performance remains on target ({actual} against {target}). {good}",
)
AMBER = (
    "Just off the {target} target at {actual}{trend}. {bad} Expected to recover next month.",
    "{actual} against a target of {target}: within tolerance. {bad}",
    "Slightly off target ({actual} against {target}). {bad} The team is monitoring weekly.",
    "{actual}{trend}, close to but not meeting the {target} target. {bad}",
)
RED = (
    "Off target at {actual}{trend} against {target}. {bad}",
    "{actual} is well off the target of {target}. {bad}",
    "Not meeting target ({actual} against {target}). {bad} See the corrective action.",
    "{actual}{trend}: outside the tolerance of the {target} target. {bad}",
)
DATA_ONLY = (
    "{actual}{trend}. Reported for context; no target is set.",
    "{actual} this period{trend}. Monitored for context, so no target.",
    "{actual}{trend}. Used to plan resources; no target.",
)
NO_TARGET = (
    "{actual}{trend}. The target for {year} is under review after the service redesign.",
    "{actual}{trend}. No target yet for {year}: a new baseline is being set.",
)
GOOD: tuple[str, ...] = (
    "Staffing is back to full establishment.",
    "Process changes made last quarter are bedding in well.",
)
BAD: tuple[str, ...] = (
    "Two vacancies in the team are limiting capacity.",
    "Staff sickness in the team affected the period.",
)
# What helped and what hindered, by service: (good, bad).
CAUSES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "housing": (
        ("The prevention team is resolving more cases early.", "More move-on homes came free."),
        ("Demand for temporary accommodation keeps rising.", "Fewer social lets came up."),
    ),
    "waste": (
        ("Round changes have cut missed collections.", "The recycling campaign is working."),
        ("Vehicle breakdowns disrupted two rounds.", "Agency drivers are covering vacancies."),
    ),
    "planning": (
        ("Extensions of time were agreed early.", "The validation checklist is cutting delays."),
        ("Two planning officer posts are vacant.", "Several large schemes needed negotiation."),
    ),
    "revenues": (
        ("Direct debit take-up keeps rising.", "Recovery action was taken promptly."),
        ("Cost of living pressures are delaying payments.", "Post built up after billing."),
    ),
    "benefits": (
        ("Automated Universal Credit data is cutting manual work.", "Overtime cleared backlogs."),
        ("Universal Credit notifications arrived in bulk.", "New assessors are in training."),
    ),
    "customer-services": (
        ("More customers are using the online forms.", "The new call routing works well."),
        ("Calls peaked after the annual bills went out.", "Advisers covered the hardship line."),
    ),
    "finance": (
        ("The purchase-to-pay workflow is cutting late invoices.", "Forecasts came in on time."),
        ("Disputed invoices held up payments.", "Year-end closure work took priority."),
    ),
    "hr": (
        ("Managers are applying the absence policy well.", "The recruitment portal is faster."),
        ("Seasonal illness raised short-term absence.", "Long-term cases are taking time."),
    ),
    "ict": (
        ("The network upgrade has improved resilience.", "Self-service resets cut calls."),
        ("A supplier outage hit key systems.", "The laptop refresh took staff off the desk."),
    ),
    "legal": (
        ("New case templates are saving time.", "Requests were triaged on arrival."),
        ("Several requests needed extensive redaction.", "A solicitor post is vacant."),
    ),
    "leisure": (
        ("Holiday programmes were well attended.", "The new membership offer is popular."),
        ("Pool closures for maintenance cut capacity.", "Contractor staff shortages cut hours."),
    ),
    "parks": (
        ("Volunteer groups added capacity.", "The grounds contract is performing well."),
        ("Storm damage diverted the tree team.", "Wet weather delayed scheduled work."),
    ),
    "community": (
        ("Joint work with the police is closing cases faster.", "Refurbished centres are busy."),
        ("Caseworker vacancies limited capacity.", "Complex cases needed multi-agency work."),
    ),
    "environmental-health": (
        ("The inspection programme is on schedule.", "Online HMO applications are quicker."),
        ("Officers were diverted to an outbreak.", "Noise complaints peaked in the summer."),
    ),
    "economic-development": (
        ("New lettings in the Covered Market helped.", "City centre events raised footfall."),
        ("Two large units fell vacant.", "Roadworks kept visitors away."),
    ),
}
ACTIONS = (
    "Temporary staff brought in to clear the backlog; the head of service reviews progress "
    "weekly until back on target.",
    "Recovery plan agreed with the performance team; progress reported to CMT next month.",
    "Overtime agreed for six weeks and work reprioritised to the oldest cases first.",
    "Contract default notice issued; weekly performance meetings with the contractor.",
    "Refresher training for the team and daily monitoring of the work queue.",
    "Working with the supplier on a fix; a manual workaround is in place meanwhile.",
    "Recruitment to the vacant posts under way, with interim cover from another team.",
    "Process review with the business improvement team to remove the delays found.",
)
RETURN_REASONS = (
    "The figure does not match the system report for the month: please recheck the "
    "denominator and resubmit.",
    "Please explain the change since last month in the commentary, and what is being done "
    "about it.",
)


def _target_text(measure: Measure, target: TargetSpec | None) -> str:
    if target is None:
        return "–"
    if target.lower is not None and target.upper is not None:
        return f"{measure.format(target.lower)} to {measure.format(target.upper)}"
    if target.value is None:
        return "–"
    return measure.format(round_to(target.value, measure.decimals))


def _trend(measure: Measure, actual: Decimal, previous: Decimal | None) -> str:
    if previous is None:
        return ""
    if round_to(previous, measure.decimals) == round_to(actual, measure.decimals):
        return ", level with last time"
    word = "up" if actual > previous else "down"
    return f" ({word} from {measure.format(previous)})"


def commentary(
    rng: random.Random,
    measure: Measure,
    *,
    actual: Decimal,
    previous: Decimal | None,
    target: TargetSpec | None,
    rag: Rag,
    reason: GreyReason | None,
    year: str,
) -> str:
    templates: tuple[str, ...]
    if rag == Rag.GREY:
        templates = NO_TARGET if reason == GreyReason.NO_TARGET else DATA_ONLY
    else:
        templates = {Rag.GREEN: GREEN, Rag.AMBER: AMBER, Rag.RED: RED}[rag]
    good, bad = CAUSES.get(measure.service.code, ((), ()))
    good, bad = GOOD + good, BAD + bad
    return rng.choice(templates).format(
        actual=measure.format(actual),
        trend=_trend(measure, actual, previous),
        target=_target_text(measure, target),
        good=rng.choice(good),
        bad=rng.choice(bad),
        year=year,
    )


def published_figure(
    measure: Measure, *, actual: Decimal, previous: Decimal | None, year: str
) -> str:
    trend = _trend(measure, actual, previous)
    return f"{measure.format(actual)}{trend}: the figure DEFRA published for {year} (ENV18)."


def corrective_action(rng: random.Random) -> str:
    return rng.choice(ACTIONS)


def return_reason(rng: random.Random) -> str:
    return rng.choice(RETURN_REASONS)
