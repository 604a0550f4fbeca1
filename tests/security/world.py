"""One small council for the security tests: two services, a value in every workflow state, and
report runs, benchmarking objects and evidence to point URLs at.

Every figure is unique and has two decimals, so that a page or an export can be searched for it:
finding 44.47 anywhere a draft must not show is a leak.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from rest_framework.authtoken.models import Token

from benchmarking.models import (
    Authority,
    BenchmarkValue,
    ComparatorGroup,
    Exercise,
    GoodPractice,
    GroupVersion,
    Metric,
)
from reporting.models import ReportRun, ReportSchedule, RunStatus
from reporting.packs import snapshot
from targets import audit
from targets.models import (
    CorporateRole,
    GroupRoleMapping,
    Measure,
    Priority,
    Service,
    ServiceRole,
    Target,
    User,
    Value,
    ValueStatus,
)
from targets.periods import parse_period
from targets.sso.services import Claims, sso_sign_in
from tests.factories import MeasureFactory

# The month every value is for: the last month of 2026/27-Q2 and of 2026/27-B3, so that the
# monthly, bi-monthly and quarterly packs all show it.
MONTH = "2026-09"
TODAY = datetime(2026, 11, 26, 12, tzinfo=UTC)

# measure code → (service, status, figure, public)
VALUES: dict[str, tuple[str, str, str, bool]] = {
    "WST-PUB": ("waste", ValueStatus.PUBLISHED, "41.17", True),
    "WST-APP": ("waste", ValueStatus.APPROVED, "42.27", True),
    "WST-SUB": ("waste", ValueStatus.SUBMITTED, "43.37", True),
    "WST-DRF": ("waste", ValueStatus.DRAFT, "44.47", True),
    "WST-PRV": ("waste", ValueStatus.PUBLISHED, "45.57", False),
    "HSG-DRF": ("housing", ValueStatus.DRAFT, "55.57", True),
    "HSG-SUB": ("housing", ValueStatus.SUBMITTED, "56.67", True),
}
FIGURE = {code: spec[2] for code, spec in VALUES.items()}
PUBLISHED = FIGURE["WST-PUB"]
APPROVED = FIGURE["WST-APP"]
SUBMITTED = FIGURE["WST-SUB"]
WASTE_DRAFT = FIGURE["WST-DRF"]
PRIVATE = FIGURE["WST-PRV"]  # published, of a measure that is not public
HOUSING_DRAFT = FIGURE["HSG-DRF"]
HOUSING_SUBMITTED = FIGURE["HSG-SUB"]
DRAFTS = (WASTE_DRAFT, HOUSING_DRAFT)
UNPUBLISHED = (APPROVED, SUBMITTED, HOUSING_SUBMITTED, *DRAFTS)
CMT_PACK = "Bi-monthly performance report to the corporate management team"

PERSONAS = (
    "anonymous", "noroles", "alice", "bob", "hannah", "dora", "sam", "member", "carol", "pat",
)  # fmt: skip


@dataclass
class World:
    users: dict[str, User | None]
    measures: dict[str, Measure]
    values: dict[str, Value]
    ids: dict[str, Any] = field(default_factory=dict)


# The personas sign in through single sign-on (issue 20), so the matrix covers SSO-created users:
# their roles come from the council's groups, through the mapping the performance team edits.
ISSUER = "https://login.microsoftonline.com/matrix-tenant/v2.0"
GROUPS: dict[str, tuple[str, list[str]]] = {
    # persona: (username, groups)
    "noroles": ("nora", ["All staff"]),
    "alice": ("alice", ["GT Waste officers", "All staff"]),
    "bob": ("bob", ["GT Housing officers"]),
    "hannah": ("hannah", ["GT Waste head"]),
    "harry": ("harry", ["GT Housing head"]),
    "dora": ("dora", ["GT Waste data quality"]),
    "sam": ("sam", ["GT Scrutiny panel"]),
    "member": ("amira", ["GT Councillors"]),
    "carol": ("carol", ["GT Corporate management team"]),
    "pat": ("pat", ["GT Performance team"]),
}


def _mapping(waste: Service, housing: Service) -> None:
    for group, role in (
        ("GT Performance team", CorporateRole.PERFORMANCE),
        ("GT Corporate management team", CorporateRole.CMT),
        ("GT Scrutiny panel", CorporateRole.SCRUTINY),
        ("GT Councillors", CorporateRole.MEMBER),
    ):
        GroupRoleMapping.objects.create(group=group, corporate_role=role)
    for group, service, role in (
        ("GT Waste officers", waste, ServiceRole.Role.UPDATER),
        ("GT Housing officers", housing, ServiceRole.Role.UPDATER),
        ("GT Waste data quality", waste, ServiceRole.Role.DQ_CHAMPION),
        ("GT Waste head", waste, "head"),
        ("GT Housing head", housing, "head"),
    ):
        GroupRoleMapping.objects.create(group=group, service=service, service_role=role)


def _people(waste: Service, housing: Service) -> dict[str, User | None]:
    _mapping(waste, housing)
    people: dict[str, User | None] = {"anonymous": None}
    for persona, (username, groups) in GROUPS.items():
        claims = Claims(
            issuer=ISSUER,
            subject=f"oid-{username}",
            username=username,
            email=f"{username}@oxford.example",
            first_name=username.capitalize(),
            last_name="Persona",
            groups=groups,
        )
        people[persona] = sso_sign_in(claims=claims).user
    del people["harry"]  # the head of housing: not one of the personas
    waste.refresh_from_db()
    housing.refresh_from_db()
    return people


def make_run(code: str, period: str, *, public: bool = False, version: int = 1) -> ReportRun:
    """A finished run of the schedule for the period, with its snapshot (and a PDF file that
    only stands in for the real one: the tests here check who may fetch it)."""
    schedule = ReportSchedule.objects.get(code=code)
    if public:
        schedule.is_public = True
        schedule.save()
    data = snapshot.build(
        schedule=schedule, period=parse_period(period), today=TODAY.date(), generated_at=TODAY
    )
    run = ReportRun(
        schedule=schedule,
        period=period,
        version=version,
        status=RunStatus.DONE,
        internal=data["internal"],
        pack_status=data["status"],
        summary_text=data["summary"]["text"],
        snapshot=data,
    )
    name = run.pdf_name()
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"%PDF-1.7\n% the matrix only checks access\n"))
    run.pdf.name = name
    run.save()
    return run


def _admin_only_objects(users: dict[str, User | None]) -> None:
    """One object of each model only superusers administer, so that their pages exist."""
    Group.objects.create(name="Auditors")
    Token.objects.create(user=users["alice"])
    every_day = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    PeriodicTask.objects.create(name="nightly", task="targets.tasks.nothing", interval=every_day)
    CrontabSchedule.objects.create(minute="0", hour="7")
    SolarSchedule.objects.create(event="sunrise", latitude=51.75, longitude=-1.26)
    ClockedSchedule.objects.create(clocked_time=TODAY)
    who = {"user_agent": "matrix", "ip_address": "192.0.2.1", "username": "nobody"}
    AccessAttempt.objects.create(
        **who, http_accept="*/*", path_info="/login/", get_data="", post_data="",
        failures_since_start=1,
    )  # fmt: skip
    AccessFailureLog.objects.create(**who, http_accept="*/*", path_info="/login/")
    AccessLog.objects.create(**who, http_accept="*/*", path_info="/login/")


def build_world() -> World:
    waste = Service.objects.create(code="waste", name="Waste and Recycling")
    housing = Service.objects.create(code="housing", name="Housing")
    priority = Priority.objects.create(number=4, name="A cleaner greener city")
    users = _people(waste, housing)
    services = {"waste": waste, "housing": housing}
    measures: dict[str, Measure] = {}
    values: dict[str, Value] = {}
    by = {"waste": users["alice"], "housing": users["bob"]}
    for code, (service, status, figure, public) in VALUES.items():
        measure = MeasureFactory(
            code=code,
            title=f"Measure {code}",
            kind=Measure.Kind.CORPORATE,
            priority=priority,
            service=services[service],
            decimals=2,
            is_public=public,
            is_scrutiny=True,
        )
        Target.objects.create(measure=measure, year=2026, value=Decimal("50"))
        entered = by[service]
        value = Value.objects.create(
            measure=measure,
            period=MONTH,
            actual=Decimal(figure),
            commentary=f"Commentary of {code}",
            corrective_action="Recovery plan",
            status=status,
            entered_by=entered,
            submitted_by=entered if status != ValueStatus.DRAFT else None,
            approved_by=users["hannah"]
            if status in (ValueStatus.APPROVED, ValueStatus.PUBLISHED)
            else None,
            published_by=users["pat"] if status == ValueStatus.PUBLISHED else None,
            published_at=timezone.now() if status == ValueStatus.PUBLISHED else None,
        )
        measures[code] = measure
        values[code] = value
    audit.record(
        user=users["pat"],
        action="publish",
        source="form",
        obj=values["WST-PUB"],
        measure=measures["WST-PUB"],
        period=MONTH,
        changes={"status": ["approved", "published"]},
    )
    for code in ("WST-DRF", "WST-SUB"):
        values[code].evidence.save(f"{code}.csv", ContentFile(b"a,b\n1,2\n"))

    oxford = Authority.objects.create(
        code="E07000178", name="Oxford", type="NMD", type_name="Non-metropolitan district"
    )
    other = Authority.objects.create(
        code="E07000001", name="Elsewhere", type="NMD", type_name="Non-metropolitan district"
    )
    metric = Metric.objects.create(code="ENV18", title="Household waste recycled", decimals=1)
    benchmark = BenchmarkValue.objects.create(
        metric=metric, authority=oxford, period="2023/24", value=Decimal("41.5")
    )
    BenchmarkValue.objects.create(
        metric=metric, authority=other, period="2023/24", value=Decimal("38.5")
    )
    group = ComparatorGroup.objects.create(
        slug="nearest-e07000178",
        name="Oxford's nearest neighbours",
        kind="nearest",
        authority=oxford,
    )
    GroupVersion.objects.create(group=group).members.set([other])
    exercise = Exercise.objects.create(
        service=waste, year=2026, title="Waste collection costs", scope="Cost per household"
    )
    housing_exercise = Exercise.objects.create(
        service=housing, year=2026, title="Void turnaround", scope="Days to relet"
    )
    practice = GoodPractice.objects.create(
        service=waste,
        exercise=exercise,
        topic="Food waste",
        title="Caddy liners",
        description="x",
        year=2026,
    )
    runs = {
        "members": make_run("monthly-corporate", MONTH),
        "cmt": make_run("cmt-bimonthly", "2026/27-B3"),
        "public": make_run("scrutiny-quarterly", "2026/27-Q2", public=True),
    }
    _admin_only_objects(users)
    world = World(users=users, measures=measures, values=values)
    world.ids = {
        **{f"value_{c.replace('-', '_').lower()}": v.pk for c, v in values.items()},
        **{f"version_{c.replace('-', '_').lower()}": v.version for c, v in values.items()},
        **{f"run_{name}": run.pk for name, run in runs.items()},
        "waste": waste.pk,
        "housing": housing.pk,
        "exercise": exercise.pk,
        "housing_exercise": housing_exercise.pk,
        "good_practice": practice.pk,
        "benchmark_value": benchmark.pk,
        "group": group.slug,
        "metric": metric.code,
        "authority": oxford.code,
        "month": MONTH,
        "user_alice": users["alice"].pk,  # type: ignore[union-attr]
        "admin:axes.accessattempt": AccessAttempt.objects.get().pk,
        "admin:axes.accessfailurelog": AccessFailureLog.objects.get().pk,
        # PostgreSQL's sequences don't restart per test: name the row, not "1".
        "admin:axes.accesslog": AccessLog.objects.get(username="nobody").pk,
    }
    for area in matrix_areas():
        world.ids |= area.build(world)
    return world


def matrix_areas() -> list[Any]:
    """The matrix's other parts, one module per area of the product (`matrix_<area>.py` next to
    this file): each has `build(world) -> ids`, `ROWS` and `ADMIN_MODELS`."""
    import importlib
    from pathlib import Path

    names = sorted(p.stem for p in Path(__file__).parent.glob("matrix_*.py"))
    return [importlib.import_module(f"tests.security.{name}") for name in names]
