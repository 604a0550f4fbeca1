"""The demo council's improvement model: OIM factors with their weights and cut-offs, net budgets
for every service, metrics of spend per head from the real 2017/18 revenue outturn, key processes,
accreditations, hand assessments, and about thirty ideas with the spend-to-save budget partly
committed.

Deterministic (a seeded generator, dates relative to today) and safe to run again: everything is
matched by its natural key and only added when missing.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple, TextIO

from django.conf import settings
from django.utils import timezone

from benchmarking.models import Metric
from oim.models import (
    Accreditation,
    Factor,
    FactorAssessment,
    Idea,
    KeyProcess,
    QuadrantWeight,
    ServiceBudget,
    ServiceCostMetric,
    SpendToSaveBudget,
)
from oim.outturn import import_per_head
from targets import periods
from targets.models import Service, User

S = Factor.Source
D = Decimal


class F(NamedTuple):
    quadrant: str
    name: str
    source: str
    weight: str
    cuts: tuple[str, str, str] | None = None
    higher_is_better: bool = True
    description: str = ""


# fmt: off
FACTORS = (
    F("customer", "Customer satisfaction", S.SATISFACTION, "2", ("70", "80", "90"),
      description="% of respondents satisfied in the service's customer feedback."),
    F("customer", "Complaints answered in time", S.COMPLAINTS_IN_TIME, "1", ("75", "85", "95")),
    F("customer", "Customer insight and engagement", S.ASSESSED, "1",
      description="How well the service knows its customers and acts on what they say."),
    F("people", "Key processes documented", S.PROCESSES_DOCUMENTED, "1", ("50", "75", "90")),
    F("people", "People and development", S.ASSESSED, "1",
      description="Appraisals done, training plan delivered, sickness absence managed (IIP)."),
    F("people", "Systems and data quality", S.ASSESSED, "1",
      description="Fit-for-purpose systems; data quality procedures current; audits passed."),
    F("performance", "Measures on target", S.ON_TARGET, "2", ("50", "65", "80")),
    F("performance", "Measures improving", S.IMPROVING, "1", ("40", "55", "70")),
    F("performance", "Benchmark quartile", S.BENCHMARK_QUARTILE, "1", ("1.75", "2.5", "3.25"),
      higher_is_better=False,
      description="Average quartile against the nearest neighbours (1 = best)."),
    F("cost", "Cost per head against nearest neighbours", S.COST_VS_NEAREST, "2",
      ("85", "100", "115"), higher_is_better=False,
      description="Cost per head as a % of the nearest neighbours' median."),
    F("cost", "Size of net budget", S.NET_BUDGET, "1", ("1000000", "3000000", "6000000"),
      higher_is_better=False,
      description="The bigger the budget, the more a review can save: a large budget scores low."),
)

# Net revenue budget (£) in the current year; the year before is 3% lower.
BUDGETS = {
    "housing": "4182000", "waste": "6315000", "planning": "2264000", "revenues": "1587000",
    "benefits": "1143000", "customer-services": "2046000", "finance": "2618000", "hr": "1224000",
    "ict": "3391000", "legal": "1862000", "leisure": "2794000", "parks": "3105000",
    "community": "2433000", "environmental-health": "1795000", "economic-development": "968000",
}

# The revenue-outturn line whose spending per head stands for each service's cost.
COST_LINES = {
    "housing": "490", "waste": "590", "environmental-health": "590", "planning": "599",
    "economic-development": "599", "leisure": "509", "parks": "509", "revenues": "690",
    "benefits": "690", "customer-services": "690", "finance": "690", "hr": "690", "ict": "690",
    "legal": "690",
}

PROCESSES = {
    "housing": ("Homelessness assessment", "Housing register allocation", "Void turnaround",
                "Tenancy sign-up"),
    "waste": ("Missed bin reporting and recovery", "Garden waste subscription",
              "Bulky waste collection", "Fly-tip removal"),
    "planning": ("Validating a planning application", "Major application determination",
                 "Enforcement complaint", "Building control inspection"),
    "revenues": ("Council tax billing", "Recovery and summons", "Business rates relief"),
    "benefits": ("New Housing Benefit claim", "Change of circumstances",
                 "Discretionary Housing Payment"),
    "customer-services": ("Telephone call handling", "Complaint logging", "Face-to-face visit"),
    "finance": ("Budget monitoring", "Supplier payment", "Year-end closedown"),
    "hr": ("Recruitment", "Monthly payroll", "Sickness absence management"),
    "ict": ("Service desk incident", "Change management", "New starter set-up"),
    "legal": ("Legal instruction intake", "Committee papers", "Freedom of Information request"),
    "leisure": ("Leisure contract monitoring", "Town Hall booking"),
    "parks": ("Tree inspection", "Play area safety inspection", "Allotment letting"),
    "community": ("Community grant award", "Anti-social behaviour case"),
    "environmental-health": ("Food hygiene inspection", "HMO licence", "Noise complaint"),
    "economic-development": ("Covered Market letting", "Car park income reconciliation"),
}


class A(NamedTuple):
    service: str | None
    scheme: str
    status: str
    awarded_days_ago: int | None
    expires_in_days: int | None
    next_in_days: int | None
    notes: str = ""
    scheme_name: str = ""


ACCREDITATIONS = (
    A(None, "iip", "accredited", 700, 400, 35, "Gold since the last reassessment."),
    A("customer-services", "cse", "accredited", 1030, 60, 20,
      "Compliance plus on customer insight."),
    A("legal", "lexcel", "accredited", 300, 800, 250),
    A("planning", "iso9000", "accredited", 500, 600, -14, "Building control's quality system."),
    A("ict", "iso9000", "working_towards", None, None, 120, "ISO 27001 to follow."),
    A("housing", "cse", "lapsed", 1500, -300, None, "To be sought again after the restructure."),
    A("leisure", "other", "accredited", 200, 900, 300, "", "Quest (Sport England)"),
)

IDEA_TITLES = (
    ("waste", "Route optimisation software for collection rounds", "approved", "15000", "42000"),
    ("customer-services", "Webchat on the council tax pages", "implemented", "6500", "21000"),
    ("revenues", "E-billing for council tax by default", "implemented", "4000", "15000"),
    ("parks", "Solar-powered compacting litter bins in the city centre", "approved", "9000",
     "11000"),
    ("housing", "Void property inspections by tablet", "under_review", "3500", "9000"),
    ("hr", "Self-service payslips and P60s", "implemented", "0", "7000"),
    ("ict", "Switch off desktop PCs overnight automatically", "implemented", "0", "12000"),
    ("finance", "Purchase cards for low-value spend", "approved", "0", "8000"),
    ("leisure", "LED lighting in the sports halls", "under_review", "14000", "10500"),
    ("planning", "Pre-application advice charged by the hour", "new", "0", "25000"),
    ("legal", "Shared legal service with a neighbouring district", "under_review", "0", "60000"),
    ("environmental-health", "Online food registration form", "approved", "1500", "3000"),
    ("community", "Volunteer-run community centre bookings", "rejected", "0", "4000"),
    ("benefits", "Automated change of circumstances from DWP files", "new", "5000", "18000"),
    ("economic-development", "Pay-by-phone at every car park", "implemented", "2500", "9500"),
    (None, "Paperless committee meetings", "implemented", "3000", "14000"),
    (None, "Pool cars instead of mileage claims", "under_review", "12000", "16000"),
    ("waste", "Trade waste sales by a dedicated officer", "new", "0", "30000"),
    ("customer-services", "Call-back instead of queueing at peak times", "approved", "2000",
     "9000"),
    ("housing", "Garage sites let to small businesses", "rejected", "0", "6000"),
    ("parks", "Wildflower verges instead of mown grass", "implemented", "1200", "5500"),
    ("ict", "Move telephony to the cloud", "under_review", "20000", "35000"),
    ("revenues", "Single person discount review by data matching", "approved", "0", "40000"),
    (None, "Staff suggestion scheme prizes", "rejected", "2000", None),
    ("finance", "Automated bank reconciliation", "new", "7500", "11000"),
    ("hr", "E-learning for mandatory training", "under_review", "4500", "8000"),
    ("leisure", "Dynamic pricing for off-peak court bookings", "new", "0", "6000"),
    ("planning", "Digital planning notices instead of printed ones", "approved", "0", "4500"),
    ("environmental-health", "Shared pest control with the county", "new", "0", "12000"),
    (None, "Print less: default double-sided, follow-me printing", "implemented", "5000",
     "13000"),
)
# fmt: on

SEED = 2011


def load(*, stdout: TextIO) -> None:
    today = timezone.localdate()
    this_year = periods.financial_year_of(today)
    services = {s.code: s for s in Service.objects.filter(is_active=True)}
    pat = User.objects.filter(username="performance").first()
    factors = _factors()
    stdout.write(f"  OIM factors: {len(factors)}.\n")
    _budgets(services, this_year)
    _cost_metrics(stdout, services)
    _processes(services, today)
    _accreditations(services, today)
    assessed = _assessments(services, factors, this_year, today, pat)
    ideas = _ideas(services, this_year, today)
    stdout.write(
        f"  OIM: budgets for {len(services)} services, {KeyProcess.objects.count()} key "
        f"processes, {Accreditation.objects.count()} accreditations, {assessed} hand "
        f"assessments added, {ideas} ideas added.\n"
    )


def _factors() -> list[Factor]:
    found = []
    for order, f in enumerate(FACTORS):
        cuts = [D(c) for c in f.cuts] if f.cuts else [None, None, None]
        factor, _ = Factor.objects.get_or_create(
            name=f.name,
            defaults={
                "quadrant": f.quadrant,
                "source": f.source,
                "weight": D(f.weight),
                "higher_is_better": f.higher_is_better,
                "cut_low": cuts[0],
                "cut_mid": cuts[1],
                "cut_high": cuts[2],
                "description": f.description,
                "order": order,
            },
        )
        found.append(factor)
    for quadrant in ("customer", "people", "performance", "cost"):
        QuadrantWeight.objects.get_or_create(quadrant=quadrant)
    return found


def _budgets(services: dict[str, Service], this_year: int) -> None:
    for code, amount in BUDGETS.items():
        service = services.get(code)
        if service is None:
            continue
        for year, factor in ((this_year, D(1)), (this_year - 1, D("0.97"))):
            ServiceBudget.objects.get_or_create(
                service=service,
                year=year,
                defaults={"net_budget": (D(amount) * factor).quantize(D(1000))},
            )
    for year in (this_year - 1, this_year):
        SpendToSaveBudget.objects.get_or_create(year=year)


def _cost_metrics(stdout: TextIO, services: dict[str, Service]) -> None:
    path = Path(settings.BASE_DIR) / "data" / "real" / "revenue_outturn_2017-18.csv"
    metrics: dict[str, Metric] = {}
    for line in sorted(set(COST_LINES.values())):
        code = f"RO{line}-HEAD"
        metric = Metric.objects.filter(code=code).first()
        if metric is None:
            with path.open("rb") as stream:
                report, _ = import_per_head(stream, line=line, code=code)
            if not report.ok:
                raise RuntimeError(f"{code}: {report.summary} {'; '.join(report.lines())}")
            stdout.write(f"  {code}: {report.summary}\n")
            metric = Metric.objects.get(code=code)
        metrics[line] = metric
    for code, line in COST_LINES.items():
        if code in services:
            ServiceCostMetric.objects.get_or_create(
                service=services[code],
                defaults={
                    "metric": metrics[line],
                    "note": "Revenue outturn service line; it covers more than this service.",
                },
            )


def _processes(services: dict[str, Service], today: date) -> None:
    rng = random.Random(SEED)
    owners = {u.username: u for u in User.objects.filter(username__regex=r"-(officer|head)$")}
    for code, names in PROCESSES.items():
        service = services.get(code)
        if service is None:
            continue
        for i, name in enumerate(names):
            last = today - timedelta(days=rng.randint(60, 500))
            documented = rng.random() < 0.8
            KeyProcess.objects.get_or_create(
                service=service,
                name=name,
                defaults={
                    "owner": owners.get(f"{code}-{'officer' if i % 2 else 'head'}"),
                    "documented": documented,
                    "last_review": last if documented else None,
                    "next_review": last + timedelta(days=365) if documented else None,
                    "link": f"https://intranet.example.gov.uk/processes/{code}/{i + 1}"
                    if documented
                    else "",
                },
            )


def _accreditations(services: dict[str, Service], today: date) -> None:
    def day(offset: int | None, sign: int = 1) -> date | None:
        return today + timedelta(days=sign * offset) if offset is not None else None

    for a in ACCREDITATIONS:
        service = services.get(a.service) if a.service else None
        if a.service and service is None:
            continue
        Accreditation.objects.get_or_create(
            service=service,
            scheme=a.scheme,
            defaults={
                "status": a.status,
                "scheme_name": a.scheme_name,
                "awarded_on": day(a.awarded_days_ago, -1),
                "expires_on": day(a.expires_in_days),
                "next_assessment": day(a.next_in_days),
                "notes": a.notes,
            },
        )


EVIDENCE = {
    4: "Strong: the evidence reviewed shows good practice others could learn from.",
    3: "Good: sound arrangements, a few improvements agreed.",
    2: "Fair: arrangements in place but patchy; an action plan is agreed.",
    1: "Weak: little evidence; a priority for the service improvement plan.",
}


def _assessments(
    services: dict[str, Service],
    factors: list[Factor],
    this_year: int,
    today: date,
    assessor: User | None,
) -> int:
    rng = random.Random(SEED + 1)
    added = 0
    hand = [f for f in factors if f.is_assessed]
    for year in (this_year - 1, this_year):
        for code in sorted(services):
            for factor in hand:
                # Some factors are left unassessed, to show how missing figures are treated.
                if rng.random() < 0.12:
                    continue
                score = rng.choice((1, 2, 2, 3, 3, 3, 4, 4))
                _, created = FactorAssessment.objects.get_or_create(
                    factor=factor,
                    service=services[code],
                    year=year,
                    defaults={
                        "score": score,
                        "evidence": f"{EVIDENCE[score]} ({factor.name}, {services[code].name}.)",
                        "assessor": assessor,
                        "assessed_on": min(today, date(year + 1, 3, 15))
                        - timedelta(days=rng.randint(0, 40)),
                    },
                )
                added += created
    return added


def _ideas(services: dict[str, Service], this_year: int, today: date) -> int:
    rng = random.Random(SEED + 2)
    staff = list(User.objects.filter(username__regex=r"-(officer|head)$").order_by("username"))
    added = 0
    # Funding comes from the budget of the year of the board meeting that approved the idea,
    # never more than three quarters of it, so that the demo's fund is partly committed.
    room: dict[int, Decimal] = {}
    for i, (code, title, status, requested, saving) in enumerate(IDEA_TITLES):
        submitted = today - timedelta(days=20 + 11 * (len(IDEA_TITLES) - i))
        considered = status != "new"
        board = periods.period_containing(submitted + timedelta(days=30), "monthly")
        year = periods.financial_year_of(board.start)
        if year not in room:
            fund, _ = SpendToSaveBudget.objects.get_or_create(year=year)
            room[year] = fund.amount * D("0.75") - Idea.objects.committed_in(year)
        funded = (
            status in {"approved", "implemented"}
            and D(requested) > 0
            and D(requested) <= room[year]
            and not Idea.objects.filter(title=title).exists()
        )
        if funded:
            room[year] -= D(requested)
        realised = None
        if status == "implemented" and saving:
            realised = (D(saving) * D(rng.choice(("0.6", "0.8", "0.9", "1.0", "1.1")))).quantize(
                D(100)
            )
        idea, created = Idea.objects.get_or_create(
            title=title,
            defaults={
                "description": f"{title}. Put forward by staff of "
                f"{services[code].name if code in services else 'the council'}: what it would "
                "change, for whom, and what it would save.",
                "service": services.get(code) if code else None,
                "submitter": rng.choice(staff) if staff else None,
                "status": status,
                "board_month": board.code if considered else "",
                "board_note": "Agreed by the board." if funded else "",
                "amount_requested": D(requested),
                "amount_awarded": D(requested) if funded else D(0),
                "funding_year": year if funded else None,
                "estimated_saving": D(saving) if saving else None,
                "realised_saving": realised,
            },
        )
        if created:
            Idea.objects.filter(pk=idea.pk).update(
                submitted_at=datetime.combine(submitted, time(10), tzinfo=UTC)
            )
            added += 1
    return added
