"""The demo council's customer feedback (all names and figures are invented, deterministically):

- one or two feedback arrangements for every service (support services run an internal
  satisfaction survey) and two years of rounds, with findings and a few actions; Economic
  Development has let its survey lapse and Law and Governance its internal survey, so the
  compliance page has something to show;
- the residents' panel: three surveys last financial year, two so far this year, each result
  linked to the service it asked about;
- a CRM export of about 1,500 complaints and compliments over the last two years, written as a
  CRM writes it (day-first dates, columns we do not use) and imported through the real import,
  which enters the two corporate measures derived from it ("Number of complaints received",
  "% of complaints answered on time") as drafts; all but the latest month are then taken through
  the workflow to published, as the council's people would;
- mystery shopping visits with their findings and actions.

Safe to run again: each part is skipped when its data is already there.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TextIO

from django.utils import timezone

from feedback import services as feedback_services
from feedback.imports import import_complaints
from feedback.models import (
    Arrangement,
    Complaint,
    DerivedMeasure,
    MysteryShop,
    PanelResult,
    PanelSurvey,
    Round,
)
from targets import periods, rules
from targets.models import (
    Action,
    Measure,
    Objective,
    Priority,
    Service,
    Target,
    User,
    Value,
    ValueStatus,
)

SEED = "goldthread-demo:feedback"
MONTHS = 24
Kind = Arrangement.Kind
Frequency = Arrangement.Frequency

# service: [(kind, title, frequency, typical % satisfied, or (score, lowest, highest))]
ARRANGEMENTS: dict[str, list[tuple[str, str, str, object]]] = {
    "housing": [
        (Kind.CUSTOMER_SURVEY, "Tenant satisfaction measures survey", Frequency.TWICE_YEARLY, 71),
        (Kind.FOCUS_GROUP, "Tenants' scrutiny panel", Frequency.QUARTERLY, 68),
    ],
    "waste": [
        (Kind.CUSTOMER_SURVEY, "Bin collection survey", Frequency.TWICE_YEARLY, 84),
        (Kind.POINT_OF_CONTACT, "Recycling centre comment cards", Frequency.CONTINUOUS, 88),
    ],
    "planning": [(Kind.CUSTOMER_SURVEY, "Planning applicants survey", Frequency.TWICE_YEARLY, 62)],
    "revenues": [
        (Kind.POINT_OF_CONTACT, "Council tax online feedback", Frequency.CONTINUOUS, 74),
    ],
    "benefits": [(Kind.CUSTOMER_SURVEY, "Benefit claimants survey", Frequency.TWICE_YEARLY, 79)],
    "customer-services": [
        (Kind.POINT_OF_CONTACT, "After-call survey (press 1)", Frequency.CONTINUOUS, 90),
        (Kind.CUSTOMER_SURVEY, "Customer service centre exit survey", Frequency.QUARTERLY, 87),
    ],
    "finance": [
        (Kind.INTERNAL_SURVEY, "Budget holders' satisfaction survey", Frequency.ANNUAL, 76),
        (Kind.CUSTOMER_SURVEY, "Suppliers' payment survey", Frequency.TWICE_YEARLY, 81),
    ],
    "hr": [
        (Kind.INTERNAL_SURVEY, "Managers' HR satisfaction survey", Frequency.ANNUAL, 72),
        (Kind.CUSTOMER_SURVEY, "Job applicants' survey", Frequency.TWICE_YEARLY, 77),
    ],
    "ict": [
        (
            Kind.INTERNAL_SURVEY,
            "Service desk satisfaction (score 1 to 5)",
            Frequency.ANNUAL,
            ("4.1", "1", "5"),
        ),
        (Kind.POINT_OF_CONTACT, "Closed-ticket feedback", Frequency.CONTINUOUS, 86),
    ],
    "legal": [
        (Kind.INTERNAL_SURVEY, "Client departments' survey", Frequency.ANNUAL, 83),
        (
            Kind.CUSTOMER_SURVEY,
            "Licensing and elections customer survey",
            Frequency.TWICE_YEARLY,
            80,
        ),
    ],
    "leisure": [
        (
            Kind.CUSTOMER_SURVEY,
            "Leisure centre members' survey (score 0 to 10)",
            Frequency.TWICE_YEARLY,
            ("7.6", "0", "10"),
        ),
    ],
    "parks": [(Kind.CUSTOMER_SURVEY, "Parks users' survey", Frequency.TWICE_YEARLY, 82)],
    "community": [
        (Kind.FOCUS_GROUP, "Community centre users' forum", Frequency.TWICE_YEARLY, 78),
    ],
    "environmental-health": [
        (Kind.CUSTOMER_SURVEY, "Businesses inspected survey", Frequency.TWICE_YEARLY, 85),
    ],
    "economic-development": [
        (Kind.CUSTOMER_SURVEY, "Covered Market traders' survey", Frequency.ANNUAL, 66),
    ],
}
# Lapsed arrangements: the compliance page's examples (months since the last round ended).
LAPSED = {"economic-development": 14, "legal": 18}

FINDINGS = (
    "Residents value friendly staff but want fewer hand-offs between teams.",
    "Waiting times were the most common complaint; online forms were praised.",
    "Letters were hard to understand; a plain-English rewrite was asked for.",
    "Satisfaction fell among people who had to call more than once.",
    "Customers asked for text or e-mail updates on progress.",
    "Opening hours suit most; a late evening once a week was asked for.",
)
ACTIONS = (
    "Rewrite the standard letters in plain English",
    "Text customers when their case changes",
    "Call back everyone who had to chase us twice",
    "Publish current waiting times on the website",
    "Train front-line staff in resolving enquiries at first contact",
)

# service code, weight in the complaints file, share answered in time
COMPLAINT_SERVICES = (
    ("housing", 22, 0.80),
    ("waste", 20, 0.90),
    ("revenues", 12, 0.88),
    ("benefits", 8, 0.86),
    ("customer-services", 8, 0.93),
    ("planning", 9, 0.78),
    ("parks", 4, 0.92),
    ("leisure", 5, 0.90),
    ("community", 3, 0.88),
    ("environmental-health", 5, 0.85),
    ("economic-development", 2, 0.90),
    ("finance", 1, 0.95),
    ("legal", 1, 0.95),
)
OUTCOMES = ("Upheld", "Partly upheld", "Not upheld", "Withdrawn")

PANEL = (
    (
        "Bins, recycling and clean streets",
        "Bins, Recycling, Street cleaning",
        [
            ("Satisfied with the bin collection service", "waste", 81),
            ("Satisfied with how clean their street is", "waste", 64),
        ],
    ),
    (
        "Parks and leisure",
        "Parks, Leisure centres",
        [
            ("Satisfied with parks and open spaces", "parks", 86),
            ("Satisfied with leisure centres and pools", "leisure", 72),
        ],
    ),
    (
        "Contacting the council",
        "Contact centre, Website, Council tax",
        [
            ("Found it easy to contact the council", "customer-services", 69),
            ("Satisfied with paying council tax online", "revenues", 83),
        ],
    ),
    (
        "Housing and neighbourhoods",
        "Housing, Anti-social behaviour",
        [
            ("Satisfied with the council as a landlord", "housing", 67),
            ("Feel safe in their neighbourhood after dark", "community", 71),
        ],
    ),
    (
        "The council's priorities and budget",
        "Budget, Priorities",
        [
            ("Agree the council gives value for money", None, 52),
            ("Satisfied with planning advice", "planning", 58),
        ],
    ),
)

VISITS = (
    (
        "customer-services",
        "telephone",
        "Ask how to report a missed bin",
        84,
        "Answered in 40 seconds; the adviser reported it on the caller's behalf.",
    ),
    (
        "customer-services",
        "face_to_face",
        "Ask for help with a housing benefit form",
        76,
        "Helpful, but the caller waited 25 minutes with no ticket system.",
    ),
    (
        "housing",
        "email",
        "Report a damp problem in a council flat",
        58,
        "Acknowledged after three days; no repair date was given.",
    ),
    (
        "revenues",
        "website",
        "Set up a council tax direct debit",
        91,
        "Quick and clear; the confirmation e-mail arrived at once.",
    ),
    (
        "planning",
        "telephone",
        "Ask whether an extension needs permission",
        63,
        "Referred to the website; no duty planner was available.",
    ),
    (
        "leisure",
        "face_to_face",
        "Ask about swimming lessons for a child",
        88,
        "Friendly, with a leaflet and a trial lesson offered.",
    ),
    (
        "waste",
        "social",
        "Complain about fly-tipping on social media",
        70,
        "Replied within the day, but only to say it was passed on.",
    ),
    (
        "housing",
        "telephone",
        "Ask about the housing register",
        67,
        "Accurate, but the caller was transferred twice.",
    ),
)

MEASURES = (
    # code, title, unit, polarity, aggregation, target, figure
    (
        "CP20",
        "Number of complaints received",
        Measure.Unit.COUNT,
        Measure.Polarity.NONE,
        Measure.Aggregation.SUM,
        None,
        DerivedMeasure.Figure.COMPLAINTS,
    ),
    (
        "CP21",
        "% of complaints answered on time",
        Measure.Unit.PERCENT,
        Measure.Polarity.UP,
        Measure.Aggregation.RATIO,
        Decimal(90),
        DerivedMeasure.Figure.ON_TIME,
    ),
)


def load(*, stdout: TextIO) -> None:
    today = timezone.localdate()
    rng = random.Random(SEED)
    services = {s.code: s for s in Service.objects.filter(code__in=ARRANGEMENTS)}
    if not services:
        stdout.write("  Customer feedback: no demo services, nothing to add.\n")
        return
    users = {u.username: u for u in User.objects.filter(username__endswith="-officer")}
    users.update({u.username: u for u in User.objects.filter(username__endswith="-head")})
    performance = User.objects.filter(username="performance").first()
    if not Arrangement.objects.exists():
        _arrangements(services, users, today, rng)
    if not PanelSurvey.objects.exists():
        _panel(services, today)
    if not MysteryShop.objects.exists():
        _visits(services, users, today)
    if not Complaint.objects.exists() and performance is not None:
        links = _derived_measures(services, users)
        _complaints(services, performance, today, rng, stdout)
        _through_the_workflow(links, users, performance, today)
    stdout.write(
        f"  Customer feedback: {Arrangement.objects.count()} arrangements, "
        f"{Round.objects.count()} rounds, {PanelSurvey.objects.count()} panel surveys, "
        f"{Complaint.objects.count()} complaints and compliments, "
        f"{MysteryShop.objects.count()} mystery shopping visits.\n"
    )


def _ends(frequency: str, today: date, months_ago: int) -> list[date]:
    """The days rounds of this frequency ended over the last two years, oldest first."""
    step = {
        Frequency.CONTINUOUS: 3,
        Frequency.MONTHLY: 3,
        Frequency.QUARTERLY: 3,
        Frequency.TWICE_YEARLY: 6,
        Frequency.ANNUAL: 12,
        Frequency.OCCASIONAL: 12,
    }[Frequency(frequency)]
    last = periods.latest_complete_period(today, periods.Frequency.MONTHLY)
    last = periods.last_n(last, months_ago + 1)[0] if months_ago else last
    months = periods.last_n(last, MONTHS - months_ago)
    return [m.end for m in months[::-1][::step]][::-1]


def _arrangements(
    services: dict[str, Service], users: dict[str, User], today: date, rng: random.Random
) -> None:
    for code, definitions in ARRANGEMENTS.items():
        service = services.get(code)
        if service is None:
            continue
        for i, (kind, title, frequency, typical) in enumerate(definitions):
            arrangement = Arrangement.objects.create(
                service=service,
                kind=kind,
                title=title,
                frequency=frequency,
                owner=users.get(f"{code}-officer"),
                description=f"Run by {service.name}; results reported to its management team.",
            )
            lapsed = LAPSED.get(code, 0) if (i == 0 or kind == Kind.INTERNAL_SURVEY) else 0
            for end in _ends(frequency, today, lapsed):
                _round(arrangement, end, typical, rng, today)


def _round(
    arrangement: Arrangement, end: date, typical: object, rng: random.Random, today: date
) -> None:
    span = 13 if arrangement.frequency == Frequency.CONTINUOUS else 4
    item = Round(
        arrangement=arrangement,
        started=end - timedelta(weeks=span),
        ended=end,
        respondents=rng.randint(40, 600),
        findings=rng.choice(FINDINGS),
    )
    if isinstance(typical, tuple):
        score, low, high = (Decimal(x) for x in typical)
        drift = Decimal(rng.randint(-4, 4)) * (high - low) / 100
        item.result = Round.Result.SCORE
        item.score = min(high, max(low, (score + drift).quantize(Decimal("0.01"))))
        item.scale_min, item.scale_max = low, high
    else:
        item.result = Round.Result.PERCENT
        item.percent_satisfied = Decimal(int(str(typical)) + rng.randint(-5, 5))
    feedback_services.satisfaction_of(item)
    item.save()
    if rng.random() < 0.3:
        service = arrangement.service
        action = Action.objects.create(
            service=service,
            title=rng.choice(ACTIONS),
            owner=arrangement.owner,
            due=end + timedelta(days=90),
            status=Action.Status.DONE
            if end < today - timedelta(days=200)
            else (Action.Status.IN_PROGRESS),
            source=Action.Source.FEEDBACK,
            objective=_objective(service),
        )
        item.actions.add(action)


def _objective(service: Service) -> Objective | None:
    """An objective of the service's plan for this year, when there is one."""
    year = periods.financial_year_of(timezone.localdate())
    return Objective.objects.filter(plan__service=service, plan__year=year).first()


def _panel(services: dict[str, Service], today: date) -> None:
    this_year = periods.financial_year_of(today)
    # Three surveys last year (June, October, February), two so far this year.
    sent = [date(this_year - 1, 6, 3), date(this_year - 1, 10, 7), date(this_year, 2, 3)]
    for month in (5, 9):
        day = date(this_year, month, 6)
        if day + timedelta(days=28) < today:
            sent.append(day)
    for i, day in enumerate(sent):
        title, topics, questions = PANEL[i % len(PANEL)]
        survey = PanelSurvey.objects.create(
            title=f"{title} ({day:%B %Y})",
            topics=topics,
            sent=day,
            closed=day + timedelta(days=28),
            panel_size=1000,
            responses=560 + 17 * i,
            headlines="; ".join(f"{q}: {p}%" for q, _, p in questions) + ".",
        )
        PanelResult.objects.bulk_create(
            PanelResult(
                survey=survey,
                question=question,
                service=services.get(code) if code else None,
                percent_satisfied=Decimal(figure + i % 3),
            )
            for question, code, figure in questions
        )


def _visits(services: dict[str, Service], users: dict[str, User], today: date) -> None:
    for i, (code, channel, scenario, score, findings) in enumerate(VISITS):
        service = services.get(code)
        if service is None:
            continue
        visited = today - timedelta(days=40 + 85 * i)
        visit = MysteryShop.objects.create(
            service=service,
            visited=visited,
            channel=channel,
            scenario=scenario,
            score=Decimal(score),
            findings=findings,
            shared_with_staff=visited + timedelta(days=10) if i else None,
        )
        if score < 80:
            action = Action.objects.create(
                service=service,
                title=f"Act on the mystery shopping of {visited:%B %Y}: {scenario.lower()}",
                owner=users.get(f"{code}-head"),
                due=visited + timedelta(days=120),
                status=Action.Status.DONE if i > 4 else Action.Status.IN_PROGRESS,
                source=Action.Source.MYSTERY_SHOPPING,
            )
            visit.actions.add(action)


def _derived_measures(services: dict[str, Service], users: dict[str, User]) -> list[DerivedMeasure]:
    """The two corporate measures the complaints feed (added when the demo has none)."""
    priority = Priority.objects.filter(number=5).first()
    service = services.get("customer-services")
    if priority is None or service is None:
        return []
    links = []
    for code, title, unit, polarity, aggregation, target, figure in MEASURES:
        measure, _ = Measure.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "definition": (
                    "Computed each month from the CRM's export of complaints; see the feedback "
                    "overview for the rule."
                ),
                "kind": Measure.Kind.CORPORATE,
                "priority": priority,
                "service": service,
                "unit": unit,
                "decimals": 1 if unit == Measure.Unit.PERCENT else 0,
                "polarity": polarity,
                "frequency": Measure.Frequency.MONTHLY,
                "aggregation": aggregation,
                "tolerance_pct": Decimal(5) if target else None,
                "updater": users.get("customer-services-officer"),
                "approver": users.get("customer-services-head"),
                "data_source": "CRM complaints export (Netcall)",
                "is_public": True,
                "active_from": 2024,
            },
        )
        if target is not None:
            for year in (2024, 2025, 2026):
                Target.objects.get_or_create(measure=measure, year=year, defaults={"value": target})
        link, _ = DerivedMeasure.objects.get_or_create(measure=measure, defaults={"figure": figure})
        links.append(link)
    return links


def crm_export(services: dict[str, Service], today: date, rng: random.Random) -> bytes:
    """About 1,500 complaints and compliments over two years, as the CRM exports them."""
    last = periods.latest_complete_period(today, periods.Frequency.MONTHLY)
    months = periods.last_n(last, MONTHS)
    weights = [w for _, w, _ in COMPLAINT_SERVICES]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Case ID",
            "Reference",
            "Kind",
            "Service",
            "Channel",
            "Received",
            "Due",
            "Responded",
            "Stage",
            "Outcome",
            "Case officer",
        ]
    )
    case = 40000
    yesterday = today - timedelta(days=1)
    for month in months:
        seasonal = 1.2 if month.index in (9, 10) else 1.0  # winter: more bins and heating
        for n in range(int(rng.randint(55, 68) * seasonal)):
            case += 1
            code, _, in_time = rng.choices(COMPLAINT_SERVICES, weights)[0]
            if code not in services:
                continue
            received = month.start + timedelta(days=rng.randrange((month.end - month.start).days))
            if received > yesterday:
                continue
            kind = "Compliment" if rng.random() < 0.16 else "Complaint"
            stage, due, responded, outcome = "", None, None, ""
            if kind == "Complaint":
                roll = rng.random()
                stage = "Stage 1" if roll < 0.88 else "Stage 2" if roll < 0.985 else "Ombudsman"
                due = received + timedelta(days={"Stage 1": 14, "Stage 2": 42}.get(stage, 56))
                late = rng.random() > in_time
                responded = (
                    due + timedelta(days=rng.randint(1, 20))
                    if late
                    else (due - timedelta(days=rng.randint(0, 10)))
                )
                responded = max(responded, received)
                if responded > yesterday:
                    responded = None
                outcome = rng.choice(OUTCOMES) if responded else ""
            writer.writerow(
                [
                    case,
                    f"CRM-{month.code.replace('-', '')}-{n:03d}",
                    kind,
                    services[code].name,
                    rng.choice(("Phone", "Web form", "E-mail", "Letter")),
                    f"{received:%d/%m/%Y}",
                    f"{due:%d/%m/%Y}" if due else "",
                    f"{responded:%d/%m/%Y}" if responded else "",
                    stage,
                    outcome,
                    rng.choice(("J. Patel", "R. Green", "S. Cole", "M. Dunn")),
                ]
            )
    return out.getvalue().encode()


def _complaints(
    services: dict[str, Service],
    performance: User,
    today: date,
    rng: random.Random,
    stdout: TextIO,
) -> None:
    data = crm_export(services, today, rng)
    report = import_complaints(
        io.BytesIO(data), file_name="crm-complaints-export.csv", user=performance, today=today
    )
    if not report.ok:
        raise RuntimeError(f"Complaints: {report.summary} {'; '.join(report.lines()[:5])}")
    stdout.write(f"  Complaints: {report.summary}\n")
    if report.derived and report.derived.errors:
        raise RuntimeError("; ".join(report.derived.errors))


def _through_the_workflow(
    links: list[DerivedMeasure], users: dict[str, User], performance: User, today: date
) -> None:
    """Every derived value but the latest month's is submitted, approved and published, as the
    council's people would have done month by month (the latest stays a draft to review)."""
    latest = periods.latest_complete_period(today, periods.Frequency.MONTHLY).code
    officer = users.get("customer-services-officer")
    head = users.get("customer-services-head")
    measures = [link.measure for link in links]
    values = list(
        Value.objects.filter(measure__in=measures).exclude(period=latest).select_related("measure")
    )
    targets = {(t.measure_id, t.year): t for t in Target.objects.filter(measure__in=measures)}
    for value in values:
        period = value.period_obj
        done = datetime.combine(period.end + timedelta(days=8), time(10), tzinfo=UTC)
        value.status = ValueStatus.PUBLISHED
        value.submitted_by, value.submitted_at = officer, done
        value.approved_by, value.approved_at = head, done + timedelta(days=1)
        value.published_by, value.published_at = performance, done + timedelta(days=3)
        target = targets.get((value.measure_id, period.year))
        if target is not None and value.actual is not None:
            rag = value.measure.rate(value.actual, target.spec)
            if rag.rag == rules.Rag.RED:
                value.corrective_action = (
                    "The complaints team chases every case due within five days, and heads of "
                    "service review overdue cases weekly."
                )
    Value.objects.bulk_update(
        values,
        [
            "status",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "published_by",
            "published_at",
            "corrective_action",
        ],
        batch_size=200,
    )
