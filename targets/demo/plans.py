"""The demo council's service improvement plans, their actions and the planning calendar.

Every service has a plan for last year (signed off, its actions mostly done) and one for the
current year, started from last year's and signed off in March — except Planning Services, whose
head has not signed it off yet. Actions are due through the year: those due before today are done,
but a few are overdue; each officer carries some as appraisal targets. The current year's
planning calendar has its past milestones done except the latest (so one is overdue).

Deterministic for a given date, and only adds what is missing.
"""

from __future__ import annotations

from calendar import monthrange
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from targets import periods
from targets.models import (
    Action,
    Measure,
    Objective,
    PlanningMilestone,
    Priority,
    Service,
    ServicePlan,
    User,
)
from targets.plans.cycle import milestones_generate

# (priority number, objective, ((action, owner "head" or "officer"), …)), two per service.
Plan = tuple[tuple[int, str, tuple[tuple[str, str], ...]], ...]

# fmt: off
PLANS: dict[str, Plan] = {
    "housing": (
        (1, "Fewer families in temporary accommodation", (
            ("Open the 20-unit family hostel at Lambourn House", "head"),
            ("Prevention casework offered within 5 days of approach", "officer"),
        )),
        (5, "Collect more of the rent due", (
            ("Roll out text reminders for rent arrears", "officer"),
            ("Review the former tenant arrears write-off policy", "head"),
        )),
    ),
    "waste": (
        (4, "Recycle and compost more household waste", (
            ("Weekly food waste collection trial in Headington", "officer"),
            ("Recycling campaign for flats and student halls", "head"),
        )),
        (5, "Cheaper, more reliable collection rounds", (
            ("Re-route collection rounds with the new routing software", "officer"),
            ("Cut missed bins by tracking crews' in-cab reports", "head"),
        )),
    ),
    "planning": (
        (3, "Faster decisions on major applications", (
            ("Pre-application service for major developments", "head"),
            ("Validate applications online within 3 working days", "officer"),
        )),
        (1, "Deliver the affordable homes in the Local Plan", (
            ("Adopt the affordable housing supplementary planning document", "head"),
            ("Monitor affordable completions quarterly", "officer"),
        )),
    ),
    "revenues": (
        (5, "Collect more council tax and business rates", (
            ("Move 5,000 more council tax payers to direct debit", "officer"),
            ("Earlier recovery for business rates arrears", "head"),
        )),
        (3, "Support local businesses with their rates", (
            ("Contact every eligible business about small business rate relief", "officer"),
            ("Publish a business rates guide with the Chamber of Commerce", "head"),
        )),
    ),
    "benefits": (
        (1, "Help residents keep their homes", (
            ("Target discretionary housing payments at families at risk", "head"),
            ("Joint visits with Housing for tenants in arrears", "officer"),
        )),
        (5, "Process new claims faster", (
            ("Risk-based verification of new claims", "officer"),
            ("Clear the backlog of changes of circumstance", "head"),
        )),
    ),
    "customer-services": (
        (5, "Answer more enquiries first time", (
            ("Move the top 10 enquiries online", "officer"),
            ("Coach advisers on resolving calls at first contact", "head"),
        )),
        (2, "Make the council easy to reach for everyone", (
            ("Assisted digital sessions in community centres", "officer"),
            ("Achieve Customer Service Excellence reaccreditation", "head"),
        )),
    ),
    "finance": (
        (5, "Deliver the savings in the medium-term financial strategy", (
            ("Monthly budget monitoring with every head of service", "officer"),
            ("Procurement savings from the new contracts register", "head"),
        )),
        (3, "Pay local suppliers promptly", (
            ("Pay small local suppliers within 10 days", "officer"),
            ("Electronic invoicing for the 50 largest suppliers", "head"),
        )),
    ),
    "hr": (
        (5, "A healthier workforce", (
            ("Return-to-work interviews after every absence", "officer"),
            ("Occupational health referrals within 5 days", "head"),
        )),
        (2, "A workforce that reflects the city", (
            ("Apprenticeships for 15 local young people", "head"),
            ("Publish the workforce equality report", "officer"),
        )),
    ),
    "ict": (
        (5, "Reliable systems for every service", (
            ("Move the revenues system to the cloud", "head"),
            ("Resolve 80% of service desk calls at first contact", "officer"),
        )),
        (3, "Digital services residents choose to use", (
            ("Online forms for the 20 most used services", "officer"),
            ("Cyber Essentials Plus accreditation", "head"),
        )),
    ),
    "legal": (
        (5, "Sound decisions, properly made", (
            ("Answer information requests within 20 working days", "officer"),
            ("Constitution review with the monitoring officer", "head"),
        )),
        (2, "Elections that everyone can take part in", (
            ("Canvass students in their first term", "officer"),
            ("Accessible polling stations review", "head"),
        )),
    ),
    "leisure": (
        (2, "More people active, more often", (
            ("Free swimming for under-16s in the school holidays", "officer"),
            ("Bring the leisure contract's participation targets up to date", "head"),
        )),
        (5, "Lower subsidy per leisure visit", (
            ("Solar panels and pool covers at the three pools", "head"),
            ("Monthly contract monitoring meetings with the operator", "officer"),
        )),
    ),
    "parks": (
        (4, "Greener, better-kept parks", (
            ("Green Flag applications for two more parks", "head"),
            ("Plant 1,000 trees with volunteers", "officer"),
        )),
        (2, "Parks and play areas for every neighbourhood", (
            ("Refurbish the Blackbird Leys play area", "officer"),
            ("Friends of parks groups in every ward", "head"),
        )),
    ),
    "community": (
        (2, "Safer neighbourhoods", (
            ("Joint patrols with Thames Valley Police in hotspots", "officer"),
            ("Faster action on anti-social behaviour cases", "head"),
        )),
        (1, "Stronger support for people at risk of homelessness", (
            ("Community hubs advice sessions with Housing", "officer"),
            ("Grants to advice agencies tied to prevention outcomes", "head"),
        )),
    ),
    "environmental-health": (
        (4, "Cleaner air in the city centre", (
            ("Extend air quality monitoring to 10 more sites", "officer"),
            ("Anti-idling campaign with taxi and bus operators", "head"),
        )),
        (2, "Safe homes and food for residents", (
            ("Inspect every high-risk food business on time", "officer"),
            ("License all HMOs in the additional licensing scheme", "head"),
        )),
    ),
    "economic-development": (
        (3, "A thriving city centre", (
            ("Fill the empty units in the Covered Market", "head"),
            ("Monthly footfall report for city centre businesses", "officer"),
        )),
        (4, "Greener travel into the city", (
            ("Electric vehicle charging in council car parks", "officer"),
            ("Park and ride pricing review with the county council", "head"),
        )),
    ),
}
# fmt: on

# Actions from elsewhere, not yet in a plan: (service, title, owner, source, due month).
OUTSIDE: tuple[tuple[str, str, str, str, int], ...] = (
    ("customer-services", "Call back every caller who waited more than 10 minutes", "officer",
     Action.Source.FEEDBACK, 1),
    ("leisure", "Clean the changing rooms at Ferry pool twice a day", "officer",
     Action.Source.MYSTERY_SHOPPING, 12),
    ("housing", "Publish repair appointment slots online", "head", Action.Source.PEER_REVIEW, 2),
)  # fmt: skip
UNSIGNED = "planning"  # its head has not signed off this year's plan yet
SERVICE_TARGETS = 8  # of each service's measures, well within the limit of 20
DUE_MONTHS = (6, 9, 12, 3)  # actions due in June, September, December and March
OVERDUE_EVERY = 5  # this year, one in five actions due before today is still open


def _due(year: int, index: int) -> date:
    """The last day of one of DUE_MONTHS in financial year `year`."""
    month = DUE_MONTHS[index % len(DUE_MONTHS)]
    calendar_year = year + 1 if month < 4 else year
    return date(calendar_year, month, monthrange(calendar_year, month)[1])


def load(
    *,
    services: dict[str, Service],
    priorities: dict[int, Priority],
    users: dict[str, User],
    today: date,
    created: Counter[str],
) -> None:
    this_year = periods.financial_year_of(today)
    for code, definition in PLANS.items():
        service = services[code]
        measures = list(
            Measure.objects.filter(service=service)
            .exclude(kind=Measure.Kind.CONTEXTUAL)
            .active_in(this_year)
            .order_by("code")[:SERVICE_TARGETS]
        )
        people = {"head": users[f"{code}-head"], "officer": users[f"{code}-officer"]}
        context = (definition, measures, priorities, people, today, created)
        last = _plan(service, this_year - 1, None, *context)
        _plan(service, this_year, last, *context)
    for code, title, role, source, month in OUTSIDE:
        calendar_year = this_year + 1 if month < 4 else this_year
        _, was_created = Action.objects.get_or_create(
            service=services[code],
            title=title,
            defaults={
                "owner": users[f"{code}-{role}"],
                "due": date(calendar_year, month, monthrange(calendar_year, month)[1]),
                "source": source,
            },
        )
        created["actions"] += was_created
    _calendar(this_year, users["performance"], today, created)


def _plan(
    service: Service,
    year: int,
    previous: ServicePlan | None,
    definition: Plan,
    measures: list[Measure],
    priorities: dict[int, Priority],
    people: dict[str, User],
    today: date,
    created: Counter[str],
) -> ServicePlan:
    existing = ServicePlan.objects.filter(service=service, year=year).first()
    if existing is not None:
        return existing
    signed = not (previous is not None and service.code == UNSIGNED)
    sign_off_day = date(year, 3, 20 + len(service.code) % 8)
    plan = ServicePlan.objects.create(
        service=service,
        year=year,
        summary=(
            f"{service.name}'s improvement plan for {periods.fy_label(year)}: "
            + "; ".join(objective for _, objective, _ in definition)
            + "."
        ),
        copied_from=previous,
        status=ServicePlan.Status.SIGNED_OFF if signed else ServicePlan.Status.DRAFT,
        signed_off_by=people["head"] if signed else None,
        signed_off_at=(datetime(year, 3, sign_off_day.day, 10, tzinfo=UTC) if signed else None),
    )
    active = [m for m in measures if m.is_active_in(year)]
    plan.measures.set(active)
    created["service plans"] += 1
    half = (len(active) + 1) // 2
    actions: list[Action] = []
    index = sum(map(ord, service.code))  # spreads due months and overdue ones across services
    for order, (number, title, steps) in enumerate(definition, start=1):
        objective = Objective.objects.create(
            plan=plan, priority=priorities[number], title=title, order=order
        )
        objective.measures.set(active[:half] if order == 1 else active[half:])
        created["objectives"] += 1
        for step, (action_title, role) in enumerate(steps):
            index += 1
            due = _due(year, index)
            status, completed, progress = _progress(due, today, index, this_year=bool(previous))
            actions.append(
                Action(
                    service=service,
                    objective=objective,
                    title=action_title,
                    owner=people[role],
                    due=due,
                    status=status,
                    completed_on=completed,
                    progress=progress,
                    is_appraisal_target=role == "officer" or step == 0,
                    source=Action.Source.PLAN,
                )
            )
    Action.objects.bulk_create(actions)
    created["actions"] += len(actions)
    return plan


def _progress(
    due: date, today: date, index: int, *, this_year: bool
) -> tuple[str, date | None, str]:
    if due < today:
        if index % OVERDUE_EVERY == 0:
            if this_year:
                return Action.Status.IN_PROGRESS, None, "Delayed: a revised date goes to CMT."
            return Action.Status.CANCELLED, None, "Overtaken by the new contract."
        done = min(due - timedelta(days=index % 9), today)
        return Action.Status.DONE, done, "Completed as planned."
    if (due - today).days < 120:
        return Action.Status.IN_PROGRESS, None, "On track."
    return Action.Status.NOT_STARTED, None, ""


def _calendar(year: int, performance: User, today: date, created: Counter[str]) -> None:
    added = milestones_generate(year=year)
    created["planning milestones"] += len(added)
    past = [m for m in added if m.due < today]
    # All done but the latest, which the performance team is still chasing.
    for milestone in past[:-1]:
        milestone.done_on = milestone.due
        milestone.done_by = performance
    PlanningMilestone.objects.bulk_update(past[:-1], ["done_on", "done_by"])
