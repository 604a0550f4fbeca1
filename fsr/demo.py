"""The demo council's service reviews (fictional, Oxford-like), across the last five years:

- completed reviews with their baseline and outcome measured from the demo's data (Waste,
  Revenues, Benefits, HR, Finance's market test, a Housing peer review, and Leisure's review of
  2021/22, which is now over four years old);
- one review in progress (Customer Services) and one planned (Planning);
- Parks: an agreed improvement plan that missed its dates, market tested, CEB's decision taken;
- Environmental Health: an agreed plan that has missed a date, due for a market-testing
  recommendation to CEB;
- an abandoned ICT review (which does not count for the four-year rule);
- peer reviews with recommendations, market intelligence notes, and savings lines for
  2024/25 to 2026/27.

Net budgets (`oim.ServiceBudget`) are created only where the Oxford Improvement Model's demo has
not created them already (get_or_create), so the two demos always agree.

Everything goes through `fsr.services`, as a person's changes would. Safe to run again: a review
that exists (same service and title) is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TextIO

from django.conf import settings
from django.utils import timezone

from benchmarking.models import Authority
from fsr import services
from fsr.models import MarketIntelligence, MarketTest, Milestone, PeerReview, Review, SavingsLine
from oim.models import ServiceBudget
from targets.models import Action, ChangeRecord, Service, User

SYSTEM = ChangeRecord.Source.SYSTEM

# Net revenue budgets in £, 2021/22 to 2026/27, for the services reviewed.
# fmt: off
BUDGETS: dict[str, tuple[int, ...]] = {
    "waste":                (5_940_000, 6_050_000, 6_180_000, 6_260_000, 5_810_000, 5_420_000),
    "revenues":             (1_840_000, 1_870_000, 1_905_000, 1_950_000, 1_720_000, 1_540_000),
    "benefits":             (1_310_000, 1_290_000, 1_180_000, 1_150_000, 1_120_000, 1_110_000),
    "hr":                   (1_260_000, 1_280_000, 1_300_000, 1_190_000, 1_170_000, 1_180_000),
    "finance":              (2_760_000, 2_640_000, 2_590_000, 2_610_000, 2_650_000, 2_700_000),
    "housing":              (4_520_000, 4_610_000, 4_700_000, 4_790_000, 4_880_000, 4_950_000),
    "leisure":              (2_980_000, 2_610_000, 2_540_000, 2_590_000, 2_630_000, 2_680_000),
    "customer-services":    (2_310_000, 2_350_000, 2_390_000, 2_420_000, 2_460_000, 2_480_000),
    "parks":                (3_120_000, 3_180_000, 3_240_000, 3_300_000, 3_310_000, 3_290_000),
    "environmental-health": (1_720_000, 1_750_000, 1_790_000, 1_820_000, 1_840_000, 1_830_000),
    "planning":             (2_040_000, 2_090_000, 2_130_000, 2_180_000, 2_220_000, 2_260_000),
    "ict":                  (2_950_000, 3_020_000, 3_080_000, 3_150_000, 3_190_000, 3_240_000),
}
# fmt: on
FIRST_BUDGET_YEAR = 2021

STANDARD_PLAN = (
    ("Scope, baseline and aims agreed by CMT", 1),
    ("Options appraised with staff and customers", 4),
    ("Report and improvement plan to CEB", 8),
)


@dataclass(frozen=True)
class Step:
    title: str
    due: date
    done_on: date | None = None
    action: bool = False  # an improvement action rather than a project milestone


@dataclass(frozen=True)
class DemoReview:
    service: str
    kind: str
    title: str
    scope: str
    start: date
    planned_end: date
    findings: str = ""
    agreed_on: date | None = None
    completed_on: date | None = None
    abandoned: bool = False
    started: bool = True
    steps: tuple[Step, ...] = field(default_factory=tuple)


def _plan(start: date, agreed: date) -> tuple[Step, ...]:
    """The standard project plan of a review, every milestone met."""
    steps = []
    for title, months in STANDARD_PLAN:
        month = start.month - 1 + months
        due = date(start.year + month // 12, month % 12 + 1, 1)
        due = min(due, agreed)
        steps.append(Step(title, due, done_on=due))
    return tuple(steps)


REVIEWS: tuple[DemoReview, ...] = (
    DemoReview(
        "leisure",
        Review.Kind.FSR,
        "Fundamental review of leisure and culture",
        "The leisure centres and pools, their management contract, and the Town Hall's lettings.",
        date(2021, 10, 4),
        date(2022, 6, 30),
        findings="The leisure contract was let on a fixed fee that no longer reflected usage. "
        "Recommended re-letting it on a concession basis with income sharing.",
        agreed_on=date(2022, 6, 24),
        completed_on=date(2023, 3, 31),
        steps=(
            *_plan(date(2021, 10, 4), date(2022, 6, 24)),
            Step(
                "Re-let the leisure management contract",
                date(2023, 3, 31),
                date(2023, 3, 20),
                action=True,
            ),
        ),
    ),
    DemoReview(
        "finance",
        Review.Kind.MARKET_TEST,
        "Market test of the payroll and payments service",
        "Accounts payable, receivable and payroll processing.",
        date(2022, 4, 4),
        date(2022, 12, 30),
        findings="The in-house bid was the most economic. Retain in-house with a shared "
        "payroll platform.",
        agreed_on=date(2022, 12, 16),
        completed_on=date(2023, 6, 30),
        steps=_plan(date(2022, 4, 4), date(2022, 12, 16)),
    ),
    DemoReview(
        "housing",
        Review.Kind.PEER,
        "Housing peer challenge",
        "Homelessness prevention, temporary accommodation and the allocations policy.",
        date(2022, 10, 3),
        date(2023, 3, 31),
        findings="Strong prevention work; temporary accommodation costs rising; allocations "
        "policy out of date.",
        agreed_on=date(2023, 3, 17),
        completed_on=date(2023, 12, 15),
        steps=(
            *_plan(date(2022, 10, 3), date(2023, 3, 17)),
            Step(
                "Revise the allocations policy", date(2023, 11, 30), date(2023, 11, 28), action=True
            ),
        ),
    ),
    DemoReview(
        "ict",
        Review.Kind.BUSINESS_PROCESS,
        "Review of the ICT service desk",
        "The service desk's call handling and first-time fix.",
        date(2023, 1, 9),
        date(2023, 9, 29),
        abandoned=True,
    ),
    DemoReview(
        "benefits",
        Review.Kind.FSR,
        "Fundamental review of benefits",
        "Housing Benefit and Council Tax Reduction processing, and the fraud interface.",
        date(2023, 1, 9),
        date(2023, 9, 29),
        findings="Automating change-of-circumstance notices and moving to risk-based "
        "verification would cut processing times by a third.",
        agreed_on=date(2023, 9, 22),
        completed_on=date(2024, 6, 28),
        steps=(
            *_plan(date(2023, 1, 9), date(2023, 9, 22)),
            Step("Risk-based verification live", date(2024, 3, 29), date(2024, 3, 25), action=True),
        ),
    ),
    DemoReview(
        "hr",
        Review.Kind.BUSINESS_PROCESS,
        "Recruitment process review",
        "From the vacancy approval to the first day in post.",
        date(2023, 9, 4),
        date(2024, 3, 29),
        findings="Eleven hand-offs reduced to five; online approvals.",
        agreed_on=date(2024, 3, 22),
        completed_on=date(2024, 12, 20),
        steps=_plan(date(2023, 9, 4), date(2024, 3, 22)),
    ),
    DemoReview(
        "waste",
        Review.Kind.FSR,
        "Fundamental review of waste and recycling",
        "Household and trade waste collection rounds, the depot, recycling and street cleansing.",
        date(2024, 6, 3),
        date(2025, 2, 28),
        findings="Rounds were designed for 2009's housing. Re-routing, a four-day week for "
        "crews and a food waste service would save 15% and lift recycling above 50%.",
        agreed_on=date(2025, 2, 20),
        completed_on=date(2025, 12, 19),
        steps=(
            *_plan(date(2024, 6, 3), date(2025, 2, 20)),
            Step(
                "Re-route the collection rounds", date(2025, 6, 30), date(2025, 6, 27), action=True
            ),
            Step(
                "Weekly food waste collections city-wide",
                date(2025, 10, 31),
                date(2025, 10, 20),
                action=True,
            ),
        ),
    ),
    DemoReview(
        "revenues",
        Review.Kind.BUSINESS_PROCESS,
        "Council tax billing and recovery review",
        "Billing, direct debit take-up, reminders and recovery.",
        date(2024, 9, 2),
        date(2025, 5, 30),
        findings="Move customers to e-billing and direct debit; automate reminders.",
        agreed_on=date(2025, 5, 23),
        completed_on=date(2026, 3, 31),
        steps=(
            *_plan(date(2024, 9, 2), date(2025, 5, 23)),
            Step("E-billing campaign", date(2025, 11, 28), date(2025, 11, 14), action=True),
        ),
    ),
    DemoReview(
        "parks",
        Review.Kind.FSR,
        "Fundamental review of parks and open spaces",
        "Grounds maintenance, play areas, allotments and cemeteries.",
        date(2025, 4, 7),
        date(2026, 1, 5),
        findings="Grounds maintenance costs 18% more than the APSE median. Improvement plan: "
        "new mowing regimes, mobile working, and community allotment management.",
        agreed_on=date(2025, 12, 12),
        steps=(
            *_plan(date(2025, 4, 7), date(2025, 12, 12)),
            Step("New mowing regimes in place", date(2026, 4, 30), date(2026, 5, 15), action=True),
            Step("Mobile working for grounds teams", date(2026, 6, 30), action=True),
            Step("Allotment associations take on management", date(2026, 8, 28)),
        ),
    ),
    DemoReview(
        "environmental-health",
        Review.Kind.BUSINESS_PROCESS,
        "Licensing and HMO inspection process review",
        "HMO licence applications, inspections and renewals.",
        date(2025, 6, 2),
        date(2026, 2, 27),
        findings="Applications wait for inspection slots; combine licensing and inspection visits.",
        agreed_on=date(2026, 2, 20),
        steps=(
            *_plan(date(2025, 6, 2), date(2026, 2, 20)),
            Step("Combined licence and inspection visits", date(2026, 7, 31), action=True),
            Step("Online HMO renewals", date(2027, 1, 29), action=True),
        ),
    ),
    DemoReview(
        "customer-services",
        Review.Kind.FSR,
        "Fundamental review of customer services",
        "The contact centre, the customer service centre, the website and complaints.",
        date(2026, 6, 1),
        date(2027, 2, 26),
        steps=_plan(date(2026, 6, 1), date(2027, 2, 26))[:1],
    ),
    DemoReview(
        "housing",
        Review.Kind.BUSINESS_PROCESS,
        "Business process review of responsive repairs",
        "Ordering, scheduling and inspecting responsive repairs to council homes, from the "
        "tenant's call to the invoice.",
        date(2026, 1, 12),
        date(2026, 10, 9),
        findings="",
        steps=(
            Step(
                "Map the repairs process with the trades teams", date(2026, 3, 2), date(2026, 3, 4)
            ),
            Step("Tenants' workshop on appointments", date(2026, 5, 29), date(2026, 6, 19)),
            Step("Options report to the housing board", date(2026, 9, 25)),
        ),
    ),
    DemoReview(
        "planning",
        Review.Kind.FSR,
        "Fundamental review of planning services",
        "Development management, enforcement and building control.",
        date(2027, 1, 4),
        date(2027, 9, 30),
        started=False,
    ),
)

PEER_REVIEWS = (
    (
        "housing",
        "Housing peer challenge",
        "Local Government Association",
        "Peer challenge team led by a neighbouring district's Director of Housing",
        "Homelessness prevention, temporary accommodation and allocations.",
        date(2023, 1, 16),
        date(2023, 1, 19),
        "Prevention work is strong. Temporary accommodation spending is rising faster than "
        "elsewhere; the allocations policy predates the 2017 Act.",
        (
            ("Revise the allocations policy", date(2023, 11, 30), "done"),
            ("Procure leased temporary accommodation", date(2024, 3, 29), "done"),
        ),
    ),
    (
        "waste",
        "Fundamental review of waste and recycling",
        "APSE peer review",
        "Two heads of waste from comparable districts",
        "Collection rounds and depot operations.",
        date(2024, 10, 7),
        date(2024, 10, 9),
        "Rounds are unbalanced: some crews finish by noon. Food waste collection would lift "
        "recycling by six points.",
        (("Rebalance the collection rounds", date(2025, 6, 30), "done"),),
    ),
    (
        "community",
        "",
        "Local Government Association",
        "Community safety peer review team",
        "Community safety partnership and anti-social behaviour casework.",
        date(2026, 2, 9),
        date(2026, 2, 11),
        "Good partnership working; casework records are inconsistent between teams.",
        (("One casework system for anti-social behaviour", date(2026, 12, 18), "in_progress"),),
    ),
)

INTELLIGENCE = (
    (
        "waste",
        "APSE performance networks",
        MarketIntelligence.Sector.PRIVATE,
        "Biffa",
        date(2024, 7, 15),
        "Biffa's household collection contracts with three district councils "
        "in the south east cost between £58 and £66 per household a year.",
    ),
    (
        "waste",
        "Neighbouring district",
        MarketIntelligence.Sector.PUBLIC,
        "Joint waste company",
        date(2025, 1, 20),
        "Two neighbouring districts run collections "
        "through a jointly owned company and offer to take on a third partner.",
    ),
    (
        "leisure",
        "Trade press",
        MarketIntelligence.Sector.THIRD,
        "Leisure trust",
        date(2022, 2, 3),
        "Charitable leisure trusts bid for management contracts with business "
        "rates relief that private operators cannot match.",
    ),
    (
        "parks",
        "APSE performance networks",
        MarketIntelligence.Sector.PRIVATE,
        "idverde",
        date(2025, 9, 10),
        "Grounds maintenance contracts let nearby at £2,100 to "
        "£2,400 per hectare a year; our in-house cost is about £2,700.",
    ),
    (
        "revenues",
        "CIPFA benchmarking club",
        MarketIntelligence.Sector.MIXED,
        "Shared revenues partnership",
        date(2024, 11, 4),
        "A four-council revenues and benefits "
        "partnership reports collection costs 22% below the club median.",
    ),
    (
        "ict",
        "G-Cloud 14 framework",
        MarketIntelligence.Sector.PRIVATE,
        "",
        date(2026, 5, 12),
        "Managed service desk offers on the framework start at £38 per user a month.",
    ),
)

# (year, service, source, title, target, delivered, idea reference)
SAVINGS: tuple[tuple[int, str | None, str, str, int, int | None, str], ...] = (
    (2024, "hr", SavingsLine.Source.FSR, "Recruitment process review", 90_000, 96_000, ""),
    (2024, "benefits", SavingsLine.Source.FSR, "Benefits processing", 60_000, 52_000, ""),
    (
        2024,
        None,
        SavingsLine.Source.PROCUREMENT,
        "Energy contract (framework)",
        180_000,
        205_000,
        "",
    ),
    (
        2024,
        "customer-services",
        SavingsLine.Source.IDEA,
        "Web chat instead of call-backs",
        25_000,
        18_000,
        "IDEA-2024-07",
    ),
    (
        2024,
        None,
        SavingsLine.Source.OTHER,
        "Office accommodation: one floor released",
        120_000,
        120_000,
        "",
    ),
    (
        2025,
        "waste",
        SavingsLine.Source.FSR,
        "Waste rounds re-routed (part year)",
        300_000,
        450_000,
        "",
    ),
    (2025, "revenues", SavingsLine.Source.FSR, "E-billing and direct debit", 120_000, 230_000, ""),
    (2025, None, SavingsLine.Source.PROCUREMENT, "Fleet fuel and tyres", 45_000, 38_000, ""),
    (
        2025,
        "parks",
        SavingsLine.Source.IDEA,
        "Wildflower verges: fewer cuts",
        30_000,
        34_000,
        "IDEA-2025-03",
    ),
    (2026, "parks", SavingsLine.Source.FSR, "Parks improvement plan", 420_000, None, ""),
    (2026, None, SavingsLine.Source.PROCUREMENT, "Insurance re-tender", 95_000, 110_000, ""),
    (2026, "hr", SavingsLine.Source.IDEA, "Payslips online only", 12_000, 12_500, "IDEA-2026-01"),
    (
        2026,
        "environmental-health",
        SavingsLine.Source.OTHER,
        "Licensing fees review",
        40_000,
        None,
        "",
    ),
)


def load(*, stdout: TextIO) -> None:
    users = {u.username: u for u in User.objects.all()}
    team = users.get("performance")
    services_by_code = {s.code: s for s in Service.objects.all()}
    if team is None or "waste" not in services_by_code:
        stdout.write("  Service reviews: the targets demo is missing, nothing loaded.\n")
        return
    budgets = _budgets(services_by_code)
    added = 0
    reviews: dict[str, Review] = {}
    for definition in REVIEWS:
        service = services_by_code[definition.service]
        found = Review.objects.filter(service=service, title=definition.title).first()
        if found is None:
            found = _review(definition, service, users, team)
            added += 1
        reviews[definition.title] = found
    _market_tests(reviews, team, users)
    peers = _peer_reviews(reviews, services_by_code, users, team)
    notes = _intelligence(services_by_code, users)
    lines = _savings(services_by_code, reviews, team)
    stdout.write(
        f"  Service reviews: {added} reviews, {budgets} budgets, {peers} peer reviews, "
        f"{notes} intelligence notes and {lines} savings lines added.\n"
    )
    # The risk register and corporate programmes link savings lines: after them.
    from fsr.governance import demo as governance_demo

    governance_demo.load(stdout=stdout)


def _budgets(services_by_code: dict[str, Service]) -> int:
    added = 0
    for code, amounts in BUDGETS.items():
        for offset, amount in enumerate(amounts):
            _, created = ServiceBudget.objects.get_or_create(
                service=services_by_code[code],
                year=FIRST_BUDGET_YEAR + offset,
                defaults={"net_budget": Decimal(amount), "note": "Demo council budget book"},
            )
            added += created
    return added


def _review(definition: DemoReview, service: Service, users: dict[str, User], team: User) -> Review:
    head = users[f"{service.code}-head"]
    review = services.review_save(
        review=Review(
            service=service,
            kind=definition.kind,
            title=definition.title,
            scope=definition.scope,
            sponsor=users.get("cmt", team),
            project_manager=head,
            start=definition.start,
            planned_end=definition.planned_end,
            findings=definition.findings,
        ),
        user=team,
        source=SYSTEM,
    )
    if definition.agreed_on:
        _challenge(review, service, team)
    officer = users[f"{service.code}-officer"]
    milestones = [
        Milestone(title=s.title, due=s.due, done_on=s.done_on, owner=head)
        for s in definition.steps
        if not s.action
    ]
    services.milestones_save(review=review, user=team, changed=milestones, source=SYSTEM)
    for step in (s for s in definition.steps if s.action):
        services.review_action_save(
            review=review,
            action=Action(
                title=step.title,
                owner=officer,
                due=step.due,
                status=Action.Status.DONE if step.done_on else Action.Status.IN_PROGRESS,
                completed_on=step.done_on,
            ),
            user=team,
            source=SYSTEM,
        )
    if definition.abandoned:
        services.review_transition(review=review, to="in_progress", user=team, source=SYSTEM)
        return services.review_transition(review=review, to="abandoned", user=team, source=SYSTEM)
    if not definition.started:
        return review
    review = services.review_transition(review=review, to="in_progress", user=team, source=SYSTEM)
    if definition.agreed_on:
        review = services.review_transition(
            review=review, to="agreed", on=definition.agreed_on, user=team, source=SYSTEM
        )
    if definition.completed_on:
        review = services.review_transition(
            review=review, to="complete", on=definition.completed_on, user=team, source=SYSTEM
        )
    elif definition.agreed_on:
        # The plan is still being delivered: its outcome so far, as the button measures it.
        review = services.review_measure_outcome(review=review, user=team, source=SYSTEM)
    return review


def _challenge(review: Review, service: Service, team: User) -> None:
    """The external challenge, staff involvement and future specification every agreed plan
    records: compared with three of the council's nearest neighbours where the register has
    them."""
    nearest = list(
        Authority.objects.filter(group_versions__group__authority__code=settings.COUNCIL_AREA_CODE)
        .distinct()
        .order_by("name")[:3]
    )
    name = service.name.lower()
    review.other_comparators = (
        f"APSE performance network: the top-quartile authorities for {name}\n"
        "A private-sector provider's published service standards"
    )
    review.challenge_evidence = (
        f"Cost per head and performance of {name} set against the nearest neighbours' and the "
        "APSE network's figures; site visits to the two best performers; the comparison "
        "workbook is on the review's SharePoint site."
    )
    review.staff_involvement = (
        "Two workshops with every team, a staff survey (68% responded), Unison represented on "
        "the review board, and front-line staff on each options working group."
    )
    review.future_specification = (
        f"The future {name}: the service standards, opening hours and response times agreed "
        "with the portfolio holder, delivered within the budget the review's cost aim sets."
    )
    services.review_save(review=review, comparators=nearest, user=team, source=SYSTEM)


def _market_tests(reviews: dict[str, Review], team: User, users: dict[str, User]) -> None:
    parks = reviews["Fundamental review of parks and open spaces"]
    if not MarketTest.objects.filter(review=parks).exists():
        services.market_test_save(
            market_test=MarketTest(
                review=parks,
                recommended_on=date(2026, 7, 16),
                in_house_bid=Decimal("2950000"),
                external_bids="idverde £3.12m a year; Glendale £3.04m a year; a neighbouring "
                "district's company £3.21m a year.",
                notes="Recommended after the mobile-working and allotment actions of the "
                "agreed plan missed their dates.",
            ),
            user=team,
            today=date(2026, 7, 16),
            source=SYSTEM,
        )
    parks_test = MarketTest.objects.get(review=parks)
    ceb = users.get("ceb")
    if ceb is not None and not parks_test.approval:
        services.market_test_decide(
            market_test=parks_test,
            user=ceb,
            approval=MarketTest.Approval.APPROVED,
            decided_on=date(2026, 10, 14),
            minute_reference="CEB 14/10/26 minute 62",
            decision=MarketTest.Decision.RETAIN,
            notes="CEB kept grounds maintenance in-house on the in-house bid, with the "
            "improvement plan's missed actions to be delivered by March 2027.",
            today=date(2026, 10, 14),
            source=SYSTEM,
        )


def _peer_reviews(
    reviews: dict[str, Review],
    services_by_code: dict[str, Service],
    users: dict[str, User],
    team: User,
) -> int:
    added = 0
    for code, review_title, organisation, name, scope, start, end, findings, recs in PEER_REVIEWS:
        service = services_by_code[code]
        if PeerReview.objects.filter(service=service, started_on=start).exists():
            continue
        peer = services.peer_review_save(
            peer_review=PeerReview(
                service=service,
                review=reviews.get(review_title),
                reviewer_organisation=organisation,
                reviewer_name=name,
                scope=scope,
                started_on=start,
                ended_on=end,
                findings=findings,
            ),
            user=team,
            source=SYSTEM,
        )
        for title, due, status in recs:
            services.peer_recommendation_save(
                peer_review=peer,
                action=Action(
                    title=title,
                    owner=users[f"{code}-officer"],
                    due=due,
                    status=status,
                    completed_on=due if status == "done" else None,
                ),
                user=team,
                source=SYSTEM,
            )
        added += 1
    return added


# This year's notes, dated so many days before the day the demo is loaded: some services have
# gathered their market intelligence for the year, the rest have yet to.
RECENT_INTELLIGENCE = (
    (
        "waste",
        "LetsRecycle market prices",
        MarketIntelligence.Sector.PRIVATE,
        "Reprocessors",
        35,
        "Mixed paper and card fetched £25 to £40 a tonne at the gate this quarter, down a fifth "
        "on last year.",
    ),
    (
        "housing",
        "HouseMark repairs club",
        MarketIntelligence.Sector.THIRD,
        "Housing associations",
        70,
        "Two local housing associations have let responsive repairs contracts at a schedule "
        "of rates about 8% below ours.",
    ),
    (
        "revenues",
        "IRRV conference",
        MarketIntelligence.Sector.PRIVATE,
        "Outsourced revenues",
        110,
        "A shared-service provider offers council tax billing and recovery at £11 a "
        "property a year, with collection guarantees.",
    ),
    (
        "leisure",
        "Sport England facilities data",
        MarketIntelligence.Sector.THIRD,
        "Leisure trusts",
        150,
        "Trusts running centres nearby price a monthly membership at £32 to £38; ours is £35.",
    ),
)


_RECENT_KEYS = {(code, source) for code, source, *_ in RECENT_INTELLIGENCE}


def _intelligence(services_by_code: dict[str, Service], users: dict[str, User]) -> int:
    added = 0
    today = timezone.localdate()
    recent = [
        (code, source, sector, competitor, today - timedelta(days=back), summary)
        for code, source, sector, competitor, back, summary in RECENT_INTELLIGENCE
    ]
    for code, source, sector, competitor, noted_on, summary in (*INTELLIGENCE, *recent):
        service = services_by_code[code]
        # A recent note is dated from the day of loading: loaded again, it is the same note.
        same = {"noted_on": noted_on} if (code, source) not in _RECENT_KEYS else {}
        if MarketIntelligence.objects.filter(service=service, source=source, **same).exists():
            continue
        services.intelligence_save(
            note=MarketIntelligence(
                service=service,
                source=source,
                sector=sector,
                competitor=competitor,
                noted_on=noted_on,
                summary=summary,
            ),
            user=users[f"{code}-head"],
            source=SYSTEM,
        )
        added += 1
    return added


def _savings(services_by_code: dict[str, Service], reviews: dict[str, Review], team: User) -> int:
    added = 0
    for year, code, source, title, target, delivered, idea in SAVINGS:
        if SavingsLine.objects.filter(year=year, title=title).exists():
            continue
        services.savings_line_save(
            line=SavingsLine(
                year=year,
                service=services_by_code[code] if code else None,
                source=source,
                title=title,
                target=Decimal(target),
                delivered=Decimal(delivered) if delivered is not None else None,
                idea_reference=idea,
            ),
            user=team,
            source=SYSTEM,
        )
        added += 1
    # The reviews completed in 2025/26 add their measured savings, as a person would by the
    # button (older reviews' savings are already in their own years' lines).
    for review in reviews.values():
        review.refresh_from_db()
        recent = review.completed_on is not None and review.completed_on >= date(2025, 4, 1)
        if recent and review.status == Review.Status.COMPLETE and not review.savings_lines.exists():
            try:
                services.savings_from_review(review=review, user=team, source=SYSTEM)
            except services.TransitionError:
                continue  # no savings measured, or none achieved
            added += 1
    return added
