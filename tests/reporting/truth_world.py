"""A small council that is not the demo, for the invariant tests of "one truth on every screen".

Built once per test module through the real imports (`import_measures`, `import_targets`,
`import_values`) and the workflow services, as a council moving in from an old system would:
monthly, quarterly and annual measures of every aggregation and polarity, one that starts and
one that stops inside the year tested, values in every workflow state, gaps, a value returned,
and an annual value entered late. Today is 26 November 2026; the year tested is the twelve
months to October 2026.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from reporting.models import ReportSchedule
from targets import periods, services
from targets.imports import import_measures, import_targets, import_values
from targets.models import (
    CorporateRole,
    Measure,
    Priority,
    Service,
    ServiceRole,
    User,
    Value,
    ValueStatus,
)
from targets.periods import Period, parse_period
from tests.factories import UserFactory

TODAY = datetime(2026, 11, 26, 12, tzinfo=UTC)
LATEST = parse_period("2026-10")
MONTHS = periods.last_n(LATEST, 12)  # Nov 2025 to Oct 2026
FIRST_YEAR = 2024

MEASURES = """\
code,title,kind,service,priority,unit,decimals,polarity,frequency,aggregation,tolerance_pct,tolerance_abs,public,due_days,scrutiny,active_from,active_to
CM1,Missed bins,corporate,waste,1,count,0,down,monthly,sum,10,,yes,10,yes,2024/25,
CM2,Rent collected,corporate,housing,2,percent,1,up,monthly,snapshot,2,,yes,10,yes,2024/25,
CM3,Repairs done on time,corporate,housing,2,percent,1,up,monthly,ratio,5,,no,15,yes,2024/25,
CM4,Empty homes back in use,corporate,housing,2,count,0,up,monthly,sum,10,,yes,10,yes,2026/27,
SM1,Fly-tips cleared within a day,service,waste,,percent,1,up,monthly,mean,,2,yes,10,no,2024/25,
SM2,Cost per bin collected,service,waste,,currency,2,down,monthly,snapshot,5,,no,10,no,2024/25,
SM3,Garden waste round (ended),service,waste,,count,0,up,monthly,sum,10,,yes,10,no,2024/25,2025/26
NQ1,Temporary homes,national,housing,,count,0,range,quarterly,snapshot,,5,no,20,no,2024/25,
CQ1,Clean streets,corporate,waste,1,percent,0,up,quarterly,snapshot,5,,yes,30,yes,2024/25,
CA1,Household waste recycled,corporate,waste,1,percent,1,up,annual,snapshot,5,,yes,180,yes,2024/25,
XA1,Population,contextual,housing,,count,0,none,annual,snapshot,,,yes,90,no,2024/25,
"""

# Annual targets by measure (a range for NQ1, none for the data-only XA1).
TARGETS: dict[str, tuple[str, ...]] = {
    "CM1": ("1200",),
    "CM2": ("97.5",),
    "CM3": ("90",),
    "CM4": ("120",),
    "SM1": ("95",),
    "SM2": ("2.10",),
    "SM3": ("600",),
    "NQ1": ("", "40", "60"),
    "CQ1": ("75",),
    "CA1": ("50",),
}
# What each measure's figures hover around (a period's share for sum measures).
CENTRE = {
    "CM1": 100,
    "CM2": 97.4,
    "CM3": 90,
    "CM4": 10,
    "SM1": 95,
    "SM2": 2.1,
    "SM3": 50,
    "NQ1": 50,
    "CQ1": 75,
    "CA1": 50,
    "XA1": 152000,
}

# The states of the last months, by measure and period; anything earlier is published.
# "returned" is a value submitted then sent back to draft; None: never entered (late).
RECENT: dict[tuple[str, str], str | None] = {
    ("CM1", "2026-06"): None,  # a gap in the year to date
    ("SM2", "2026-02"): None,
    ("CM2", "2026-08"): ValueStatus.APPROVED,
    ("SM1", "2026-08"): ValueStatus.SUBMITTED,
    ("CM2", "2026-09"): ValueStatus.APPROVED,
    ("CM3", "2026-09"): ValueStatus.SUBMITTED,
    ("SM1", "2026-09"): "returned",
    ("SM2", "2026-09"): ValueStatus.DRAFT,
    ("CQ1", "2026/27-Q2"): ValueStatus.SUBMITTED,
    ("CM1", "2026-10"): ValueStatus.SUBMITTED,
    ("CM2", "2026-10"): ValueStatus.DRAFT,
    ("CM3", "2026-10"): None,
    ("SM1", "2026-10"): ValueStatus.APPROVED,
    ("SM2", "2026-10"): ValueStatus.SUBMITTED,
    ("CA1", "2025/26"): ValueStatus.SUBMITTED,  # entered late, and Red
}
# Figures set by hand: CA1 turns Red in 2025/26 (2024/25 was Green).
FIXED = {("CA1", "2024/25"): "51.2", ("CA1", "2025/26"): "41.3"}


@dataclass
class TruthWorld:
    priorities: dict[int, Priority]
    services: dict[str, Service]
    users: dict[str, User]
    schedules: dict[str, ReportSchedule]
    ids: dict[str, int] = field(default_factory=dict)


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def _last_period(frequency: str) -> Period:
    return periods.latest_ending_by(LATEST, frequency)


def _periods(measure: Measure) -> list[Period]:
    last = _last_period(measure.frequency)
    found = []
    for year in range(FIRST_YEAR, last.year + 1):
        if not measure.is_active_in(year):
            continue
        found += [p for p in periods.periods_in_year(year, measure.frequency) if p <= last]
    return found


def _figure(rng: random.Random, measure: Measure, period: Period) -> Decimal:
    if (measure.code, period.code) in FIXED:
        return Decimal(FIXED[(measure.code, period.code)])
    centre = CENTRE[measure.code]
    figure = centre * (1 + rng.uniform(-0.06, 0.05))
    return Decimal(f"{figure:.{measure.decimals}f}")


def _values_csv(measures: list[Measure]) -> tuple[str, str]:
    """(published history, drafts to move through the workflow) as import files."""
    rng = random.Random("goldthread:one-truth")
    header = "measure,period,value,numerator,denominator,commentary,corrective_action,dq_flag\n"
    published, recent = [header], [header]
    for measure in measures:
        for period in _periods(measure):
            key = (measure.code, period.code)
            if key in RECENT and RECENT[key] is None:
                continue
            figure = _figure(rng, measure, period)
            numerator = denominator = ""
            value = str(figure)
            if measure.aggregation == Measure.Aggregation.RATIO:
                denominator_n = rng.randint(180, 260)
                numerator_n = round(denominator_n * float(figure) / 100)
                numerator, denominator, value = str(numerator_n), str(denominator_n), ""
            flag = "estimated" if rng.random() < 0.1 else "final"
            line = (
                f"{measure.code},{period.code},{value},{numerator},{denominator},"
                f"Figure for {period.label}.,Recovery plan agreed with the contractor.,{flag}\n"
            )
            (recent if key in RECENT else published).append(line)
    return "".join(published), "".join(recent)


def build() -> TruthWorld:
    priorities = {
        1: Priority.objects.create(number=1, name="A cleaner greener city"),
        2: Priority.objects.create(number=2, name="Meeting housing needs"),
    }
    made = {
        code: Service.objects.create(code=code, name=name)
        for code, name in (("waste", "Waste and Recycling"), ("housing", "Housing"))
    }
    pat = UserFactory(username="pat", corporate_role=CorporateRole.PERFORMANCE)
    users = {
        "pat": pat,
        "carol": UserFactory(username="carol", corporate_role=CorporateRole.CMT),
        "sam": UserFactory(username="sam", corporate_role=CorporateRole.SCRUTINY),
    }
    for code, service in made.items():
        officer = UserFactory(username=f"{code}-officer")
        head = UserFactory(username=f"{code}-head")
        ServiceRole.objects.create(user=officer, service=service, role=ServiceRole.Role.UPDATER)
        ServiceRole.objects.create(user=head, service=service, role=ServiceRole.Role.APPROVER)
        users[f"{code}-officer"], users[f"{code}-head"] = officer, head

    report = import_measures(_csv(MEASURES), user=pat)
    assert report.ok, report.errors
    targets = ["measure,year,target,lower,upper,period\n"]
    for measure in Measure.objects.filter(code__in=TARGETS):
        target, lower, upper = (*TARGETS[measure.code], "", "")[:3]
        for year in range(FIRST_YEAR, 2027):
            if measure.is_active_in(year):
                line = f"{measure.code},{periods.fy_label(year)},{target},{lower},{upper},\n"
                targets.append(line)
    targets.append("CM1,2026/27,80,,,2026-05\n")  # a profiled month
    report = import_targets(_csv("".join(targets)), user=pat)
    assert report.ok, report.errors

    measures = list(Measure.objects.order_by("code"))
    history, recent = _values_csv(measures)
    report = import_values(_csv(history), user=pat, publish=True)
    assert report.ok, report.errors
    report = import_values(_csv(recent), user=None)
    assert report.ok, report.errors
    _move_through_the_workflow(users)

    schedules = {
        "internal": ReportSchedule.objects.create(
            code="truth-monthly-cmt",
            name="Monthly corporate report to CMT",
            audience="cmt",
            frequency="monthly",
            scope="corporate",
            cmt_may_download=True,
        ),
        "published": ReportSchedule.objects.create(
            code="truth-monthly-members",
            name="Monthly corporate report to members",
            audience="all_members",
            frequency="monthly",
            scope="corporate",
            all_members_may_download=True,
        ),
    }
    return TruthWorld(priorities=priorities, services=made, users=users, schedules=schedules)


def _move_through_the_workflow(users: dict[str, User]) -> None:
    for value in Value.objects.filter(status=ValueStatus.DRAFT).select_related("measure"):
        state = RECENT[(value.measure.code, value.period)]
        if state == ValueStatus.DRAFT:
            continue
        service = value.measure.service.code
        value = services.value_submit(value, user=users[f"{service}-officer"])
        if state == "returned":
            services.value_return(value, user=users[f"{service}-head"], reason="Check the source.")
            continue
        if state in (ValueStatus.APPROVED, ValueStatus.PUBLISHED):
            value = services.value_approve(value, user=users[f"{service}-head"])
        if state == ValueStatus.PUBLISHED:
            services.value_publish(value, user=users["pat"])
