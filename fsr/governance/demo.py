"""The demo council's risk register and corporate programmes (fictional, Oxford-like).

- Corporate risks (funding gap, cyber attack, housing demand, contract failure, workforce,
  climate) and service risks, scored on the default 5 × 5 matrix, with controls, owners, linked
  priorities and measures; two reviews overdue; actions to reduce the worst ones.
- Two programmes with their projects and milestones: "Fit for the Future" (transformation and
  savings; Amber on cost) and "Homes for the City" (housing delivery; Red on time).

Everything goes through `fsr.governance.services` (projects and milestones as the admin saves
them, audited). Dates are set from today, so the register always has reviews due and overdue.
Safe to run again: a risk or programme that exists (same title) is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TextIO

from django.utils import timezone

from fsr.governance import services
from fsr.governance.models import Programme, ProgrammeMilestone, Project, Risk
from fsr.models import SavingsLine
from targets import audit
from targets.models import Action, ChangeRecord, Measure, Priority, Service, User

SYSTEM = ChangeRecord.Source.SYSTEM

# (service or None, title, owner, priority, cause, effect, inherent (L, I), controls,
#  residual (L, I), review in days from today (negative: overdue))
# fmt: off
RiskSpec = tuple[
    str | None, str, str, int | None, str, str, tuple[int, int], str, tuple[int, int], int
]
RISKS: tuple[RiskSpec, ...] = (
    (None, "Funding gap in the medium-term financial strategy", "finance-head", 5,
     "Government funding below inflation; business rates reset; pay awards above budget.",
     "Savings of £2.1m a year needed by 2028/29; services cut without a plan otherwise.",
     (5, 5),
     "MTFS reviewed quarterly by CMT; savings plan tracked monthly; reserves at 5% of budget.",
     (4, 4), 40),
    (None, "Cyber attack disables council systems", "ict-head", 5,
     "Ransomware and phishing aimed at local government; unpatched legacy systems.",
     "Services unable to take payments or answer residents for weeks; data breach fines.",
     (4, 5), "Cyber Essentials Plus; immutable back-ups tested quarterly; staff phishing training.",
     (3, 5), -12),
    (None, "Homelessness demand exceeds temporary accommodation", "housing-head", 1,
     "Rising private rents and evictions; fewer social lets.",
     "Families in bed and breakfast beyond six weeks; overspend on temporary accommodation.",
     (5, 4), "Prevention fund; leasing scheme with private landlords; weekly case review.",
     (4, 4), 25),
    (None, "Failure of a major contractor", "performance", 5,
     "Contractors' margins squeezed by inflation; one supplier for waste vehicles.",
     "Break in a statutory service; cost of emergency procurement.",
     (3, 4), "Financial checks at award and yearly; step-in plans for the three largest contracts.",
     (2, 4), 90),
    (None, "Unable to recruit and keep skilled staff", "hr-head", 5,
     "Pay below the private sector for planners, surveyors and ICT staff.",
     "Vacancies slow planning decisions and repairs; agency costs rise.",
     (4, 3), "Market supplements; apprenticeships; flexible working.",
     (3, 3), -40),
    (None, "Extreme weather and flooding", "environmental-health-head", 4,
     "Climate change: more frequent heavy rain and heatwaves.",
     "Homes and roads flooded; emergency response costs; services disrupted.",
     (4, 4), "Multi-agency flood plan; sandbag stores; heatwave plan for vulnerable residents.",
     (3, 3), 120),
    ("waste", "Missed collections after the round changes", "waste-head", 4,
     "New rounds and crews still learning them.",
     "Complaints rise; the recycling rate falls below target.",
     (4, 3), "Crew briefings; in-cab devices; daily missed-bin report.",
     (2, 3), 30),
    ("waste", "Recycling contamination rejects loads", "waste-officer", 4,
     "Residents unsure what goes in which bin.",
     "Loads rejected at the materials recovery facility; gate fees for landfill.",
     (3, 3), "Bin-hanger tags; leaflet campaign; crews leave contaminated bins.",
     (3, 2), 60),
    ("housing", "Void homes take too long to re-let", "housing-head", 1,
     "Repairs contractor short of trades.",
     "Rent lost; families wait longer in temporary accommodation.",
     (4, 3), "Weekly void meetings; second contractor on call.",
     (3, 3), 14),
    ("revenues", "Council tax collection falls", "revenues-head", 5,
     "Cost of living pressures on households.",
     "Income below the collection fund's estimate; deficit charged to the next year.",
     (3, 4), "Early reminders; payment plans; hardship fund.",
     (2, 3), 75),
    ("planning", "Planning appeals lost on costs", "planning-head", 3,
     "Decisions against officer advice without sound reasons.",
     "Costs awarded against the council; reputation with developers.",
     (2, 3), "Member training; legal advice at committee.",
     (2, 2), 150),
    ("leisure", "Leisure centre plant fails", "leisure-head", 2,
     "Boilers and pool plant past their design life.",
     "Pools closed; income lost; residents' activity drops.",
     (3, 4), "Planned maintenance; spare pumps in stock.",
     (3, 3), -5),
)
# fmt: on

# (risk title, action title, service, owner, days from today)
ACTIONS = (
    (
        "Cyber attack disables council systems",
        "Replace the unsupported revenues server",
        "ict",
        "ict-officer",
        60,
    ),
    (
        "Cyber attack disables council systems",
        "Run a ransomware exercise with CMT",
        "ict",
        "ict-head",
        -20,
    ),
    (
        "Funding gap in the medium-term financial strategy",
        "Agree the 2027/28 savings proposals",
        "finance",
        "finance-head",
        75,
    ),
    (
        "Homelessness demand exceeds temporary accommodation",
        "Lease 30 more homes from private landlords",
        "housing",
        "housing-officer",
        120,
    ),
    (
        "Void homes take too long to re-let",
        "Appoint the second repairs contractor",
        "housing",
        "housing-head",
        30,
    ),
)


def _programmes(today: date) -> tuple[dict, ...]:
    return (
        {
            "title": "Fit for the Future",
            "aims": "A smaller, digital council: services online first, one customer contact "
            "centre, fewer offices, and £1.5m of savings by 2027/28.",
            "sponsor": "cmt",
            "manager": "performance",
            "board": "Chief Executive (chair), Director of Finance, Head of ICT, Head of Customer "
            "Services, Unison representative; meets monthly.",
            "priority": 5,
            "start": date(2025, 4, 1),
            "planned_end": date(2028, 3, 31),
            "stage": "delivery",
            "rags": ("green", "amber", "green"),
            "note": "Online forms live for 40 services. Accommodation savings a quarter late: "
            "the lease surrender is still with the landlord.",
            "risks": (
                "Failure of a major contractor",
                "Unable to recruit and keep skilled staff",
                "Funding gap in the medium-term financial strategy",
            ),
            "savings": (
                "Web chat instead of call-backs",
                "Office accommodation: one floor released",
                "Payslips online only",
                "Insurance re-tender",
            ),
            "projects": (
                ("Digital by default", "ict-head", "delivery", ("green", "green", "green"), 270),
                (
                    "Office accommodation",
                    "finance-head",
                    "delivery",
                    ("amber", "amber", "green"),
                    120,
                ),
                (
                    "One contact centre",
                    "customer-services-head",
                    "initiation",
                    ("green", "green", "amber"),
                    420,
                ),
            ),
            "milestones": (
                ("Online forms for the top 40 services", "Digital by default", -60, True),
                ("Lease surrender of the second floor signed", "Office accommodation", -30, False),
                ("Telephony contract awarded", "One contact centre", 45, False),
                ("Board's mid-point review to CEB", None, 90, False),
            ),
        },
        {
            "title": "Homes for the City",
            "aims": "500 affordable homes by 2029 on council land, and temporary accommodation "
            "in the city instead of bed and breakfast.",
            "sponsor": "ceb",
            "manager": "housing-head",
            "board": "Executive member for housing (chair), Director of Housing, Head of Planning, "
            "housing company director; meets every six weeks.",
            "priority": 1,
            "start": date(2024, 10, 1),
            "planned_end": date(2029, 3, 31),
            "stage": "delivery",
            "rags": ("red", "amber", "green"),
            "note": "Blackbird Leys phase 1 six months late: contractor went into administration. "
            "New contractor appointed; completion now autumn next year.",
            "risks": (
                "Homelessness demand exceeds temporary accommodation",
                "Failure of a major contractor",
                "Void homes take too long to re-let",
            ),
            "savings": ("Energy contract (framework)",),
            "projects": (
                (
                    "Blackbird Leys phase 1 (120 homes)",
                    "housing-head",
                    "delivery",
                    ("red", "amber", "green"),
                    300,
                ),
                (
                    "Temporary accommodation purchase",
                    "housing-officer",
                    "delivery",
                    ("green", "green", "green"),
                    150,
                ),
                (
                    "Barton sites appraisal",
                    "planning-head",
                    "starting_up",
                    ("green", "green", "green"),
                    500,
                ),
            ),
            "milestones": (
                (
                    "New contractor appointed for phase 1",
                    "Blackbird Leys phase 1 (120 homes)",
                    -45,
                    True,
                ),
                ("First 60 homes handed over", "Blackbird Leys phase 1 (120 homes)", -10, False),
                (
                    "20 homes bought for temporary accommodation",
                    "Temporary accommodation purchase",
                    60,
                    False,
                ),
                ("Outline planning for Barton", "Barton sites appraisal", 200, False),
            ),
        },
    )


def load(*, stdout: TextIO) -> None:
    users = {u.username: u for u in User.objects.all()}
    team = users.get("performance")
    services_by_code = {s.code: s for s in Service.objects.all()}
    if team is None:
        stdout.write("  Risks and programmes: the targets demo is missing, nothing loaded.\n")
        return
    today = timezone.localdate()
    priorities = {p.number: p for p in Priority.objects.all()}
    # A service risk shows in its service's first measure; a corporate one in its priority's.
    first_measure: dict[str | int, Measure] = {}
    for m in Measure.objects.order_by("code").select_related("service"):
        first_measure.setdefault(m.service.code, m)
        if m.kind == Measure.Kind.CORPORATE and m.priority_id:
            first_measure.setdefault(m.priority_id, m)
    added = 0
    risks: dict[str, Risk] = {}
    for code, title, owner, priority, cause, effect, inh, controls, res, review in RISKS:
        found = Risk.objects.filter(title=title).first()
        if found is None and (code is None or code in services_by_code) and owner in users:
            service = services_by_code[code] if code else None
            linked = priorities.get(priority) if priority else None
            measure = first_measure.get(code) if code else None
            if measure is None and linked is not None:
                measure = first_measure.get(linked.pk)
            found = services.risk_save(
                risk=Risk(
                    kind=Risk.Kind.SERVICE if service else Risk.Kind.CORPORATE,
                    service=service,
                    title=title,
                    cause=cause,
                    effect=effect,
                    owner=users[owner],
                    inherent_likelihood=inh[0],
                    inherent_impact=inh[1],
                    controls=controls,
                    residual_likelihood=res[0],
                    residual_impact=res[1],
                    review_date=today + timedelta(days=review),
                    priority=priorities.get(priority) if priority else None,
                ),
                measures=[measure] if measure else [],
                user=team,
                source=SYSTEM,
            )
            added += 1
        if found is not None:
            risks[title] = found
    actions = 0
    for risk_title, title, code, owner, due in ACTIONS:
        risk = risks.get(risk_title)
        if (
            risk is None
            or risk.actions.filter(title=title).exists()
            or code not in services_by_code
        ):
            continue
        services.risk_action_save(
            risk=risk,
            action=Action(
                service=services_by_code[code],
                title=title,
                owner=users.get(owner),
                due=today + timedelta(days=due),
            ),
            user=team,
            source=SYSTEM,
        )
        actions += 1
    programmes = sum(
        _programme(p, users, priorities, risks, team, today) for p in _programmes(today)
    )
    stdout.write(
        f"  Risks and programmes: {added} risks, {actions} risk actions and {programmes} "
        "programmes added.\n"
    )


def _programme(
    spec: dict,
    users: dict[str, User],
    priorities: dict[int, Priority],
    risks: dict[str, Risk],
    team: User,
    today: date,
) -> int:
    if Programme.objects.filter(title=spec["title"]).exists() or spec["sponsor"] not in users:
        return 0
    time, cost, scope = spec["rags"]
    programme = services.programme_save(
        programme=Programme(
            title=spec["title"],
            aims=spec["aims"],
            sponsor=users[spec["sponsor"]],
            manager=users.get(spec["manager"]),
            board=spec["board"],
            priority=priorities.get(spec["priority"]),
            start=spec["start"],
            planned_end=spec["planned_end"],
            stage=spec["stage"],
            rag_time=time,
            rag_cost=cost,
            rag_scope=scope,
            status_note=spec["note"],
        ),
        risks=[risks[t] for t in spec["risks"] if t in risks],
        savings=SavingsLine.objects.filter(title__in=spec["savings"]),
        user=team,
        source=SYSTEM,
    )
    projects: dict[str, Project] = {}
    for title, manager, stage, (p_time, p_cost, p_scope), days in spec["projects"]:
        project = Project(
            programme=programme,
            title=title,
            manager=users.get(manager),
            stage=stage,
            rag_time=p_time,
            rag_cost=p_cost,
            rag_scope=p_scope,
            planned_end=today + timedelta(days=days),
        )
        audit.save(project, user=team, source=SYSTEM, clean=True)
        projects[title] = project
    for title, project_title, days, done in spec["milestones"]:
        due = today + timedelta(days=days)
        milestone = ProgrammeMilestone(
            programme=programme,
            project=projects.get(project_title) if project_title else None,
            title=title,
            due=due,
            done_on=due if done else None,
        )
        audit.save(milestone, user=team, source=SYSTEM, clean=True)
    return 1
