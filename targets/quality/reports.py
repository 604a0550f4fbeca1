"""What the data-quality pages show, each in a fixed number of queries: procedures overdue and
missing by service, the audit programme by month, the champions' quarterly summary, and the
flags failed audits put on values."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet

from targets import periods
from targets.models import (
    DIMENSIONS,
    Action,
    AuditResult,
    DataQualityAudit,
    DataQualityProcedure,
    Measure,
    Service,
    ServiceRole,
    User,
)
from targets.models.quality import AuditQuerySet
from targets.periods import Frequency, Period


def champions(services: Iterable[Service] | None = None) -> dict[int, User]:
    """{service id: its data-quality champion}, in one query."""
    roles = ServiceRole.objects.filter(role=ServiceRole.Role.DQ_CHAMPION).select_related("user")
    if services is not None:
        roles = roles.filter(service__in=list(services))
    return {r.service_id: r.user for r in roles}


def champion_of(service: Service) -> User | None:
    return champions([service]).get(service.pk)


# Procedures ----------------------------------------------------------------------------------


@dataclass
class ServiceProcedures:
    service: Service
    champion: User | None
    measures: int = 0
    overdue: list[Measure] = field(default_factory=list)
    missing: list[Measure] = field(default_factory=list)
    current: int = 0

    @property
    def needs_attention(self) -> bool:
        return bool(self.overdue or self.missing)


def procedures_by_service(
    today: date, *, service: Service | None = None
) -> list[ServiceProcedures]:
    """Every active service's measures active this year: procedures overdue for review (next
    review before `today`) and missing. Three queries."""
    year = periods.financial_year_of(today)
    services = Service.objects.filter(is_active=True).order_by("name")
    if service is not None:
        services = services.filter(pk=service.pk)
    rows = {s.pk: ServiceProcedures(s, None) for s in services}
    for service_id, champion in champions(services).items():
        if service_id in rows:
            rows[service_id].champion = champion
    measures = (
        Measure.objects.active_in(year)
        .filter(service__in=rows.keys())
        .select_related("updater", "dq_procedure")
        .order_by("code")
    )
    for measure in measures:
        row = rows[measure.service_id]
        row.measures += 1
        procedure = _procedure(measure)
        if procedure is None:
            row.missing.append(measure)
        elif procedure.is_overdue(today):
            row.overdue.append(measure)
        else:
            row.current += 1
    return list(rows.values())


def _procedure(measure: Measure) -> DataQualityProcedure | None:
    try:
        return measure.dq_procedure
    except DataQualityProcedure.DoesNotExist:
        return None


# The programme -------------------------------------------------------------------------------


def audits_with_details() -> AuditQuerySet:
    return DataQualityAudit.objects.select_related(
        "measure", "measure__service", "auditor"
    ).prefetch_related(Prefetch("actions", queryset=Action.objects.select_related("owner")))


def programme(audits: QuerySet[DataQualityAudit], year: int) -> list[tuple[Period, list]]:
    """The financial year's months, each with its audits (cancelled last)."""
    months = periods.periods_in_year(year, Frequency.MONTHLY)
    by_month: dict[str, list[DataQualityAudit]] = defaultdict(list)
    for row in audits.filter(month__in=[m.code for m in months]):
        by_month[row.month].append(row)
    cancelled = DataQualityAudit.Status.CANCELLED
    return [
        (m, sorted(by_month[m.code], key=lambda a: (a.status == cancelled, a.measure.code)))
        for m in months
    ]


# Flags on values -----------------------------------------------------------------------------


def open_failures() -> list[DataQualityAudit]:
    """Failed audits whose actions are not all done or cancelled; one query."""
    return list(
        DataQualityAudit.objects.open_failures()
        .select_related("measure")
        .order_by("measure_id", "-month")
    )


def flags_for(rows: Iterable[tuple[int, Period]]) -> dict[int, DataQualityAudit]:
    """{measure id: the open failed audit whose sample includes the row's period}, for rows of
    (measure id, period) — one per measure, as on a scorecard. One query."""
    failures: dict[int, list[DataQualityAudit]] = defaultdict(list)
    for row in open_failures():
        failures[row.measure_id].append(row)
    flags: dict[int, DataQualityAudit] = {}
    for measure_id, period in rows:
        for failure in failures.get(measure_id, []):
            if failure.samples(period):
                flags[measure_id] = failure
                break
    return flags


# The champions' quarterly summary -------------------------------------------------------------


@dataclass
class ServiceSummary:
    service: Service
    champion: User | None
    audits_done: int = 0
    results: Counter[str] = field(default_factory=Counter)
    overdue_reviews: int = 0
    missing_procedures: int = 0
    overdue_actions: int = 0


@dataclass
class QuarterSummary:
    quarter: Period
    today: date
    done: list[DataQualityAudit]
    not_done: list[DataQualityAudit]
    results: Counter[str]
    by_dimension: list[tuple[str, Counter[str]]]
    overdue_reviews: list[Measure]
    missing_procedures: int
    overdue_actions: list[Action]
    services: list[ServiceSummary]

    @property
    def result_rows(self) -> list[tuple[str, str, int]]:
        return [(r.value, r.label, self.results[r.value]) for r in AuditResult]


def quarter_summary(quarter: Period, today: date) -> QuarterSummary:
    """Audits of the quarter's months and their results; overdue reviews, missing procedures and
    overdue actions as they stand on `today`."""
    months = [m.code for m in quarter.months()]
    audits = list(
        audits_with_details().filter(month__in=months).in_programme().order_by("month", "measure")
    )
    done = [a for a in audits if a.status == DataQualityAudit.Status.DONE]
    procedures = procedures_by_service(today)
    actions = list(
        Action.objects.filter(
            source=Action.Source.DATA_QUALITY,
            status__in=Action.OPEN_STATUSES,
            due__lt=today,
        )
        .select_related("owner", "service")
        .prefetch_related("dq_audits__measure")
        .order_by("due", "pk")
    )
    services = {
        row.service.pk: ServiceSummary(
            row.service,
            row.champion,
            overdue_reviews=len(row.overdue),
            missing_procedures=len(row.missing),
        )
        for row in procedures
    }
    for a in done:
        summary = services.get(a.measure.service_id)
        if summary is not None:
            summary.audits_done += 1
            summary.results[a.result] += 1
    for action in actions:
        if action.service_id in services:
            services[action.service_id].overdue_actions += 1
    return QuarterSummary(
        quarter=quarter,
        today=today,
        done=done,
        not_done=[a for a in audits if a.status != DataQualityAudit.Status.DONE],
        results=Counter(a.result for a in done),
        by_dimension=[
            (label, Counter(getattr(a, name) for a in done)) for name, label, _ in DIMENSIONS
        ],
        overdue_reviews=[m for row in procedures for m in row.overdue],
        missing_procedures=sum(len(row.missing) for row in procedures),
        overdue_actions=actions,
        services=list(services.values()),
    )


# The measure page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasurePanel:
    measure: Measure
    procedure: DataQualityProcedure | None
    overdue: bool
    audits: list[DataQualityAudit]
    failures: list[DataQualityAudit]
    champion: User | None


def measure_panel(measure: Measure, today: date) -> MeasurePanel:
    procedure = DataQualityProcedure.objects.filter(measure=measure).first()
    audits = list(audits_with_details().filter(measure=measure).in_programme().order_by("-month"))
    failure_ids = set(
        DataQualityAudit.objects.open_failures()
        .filter(measure=measure)
        .values_list("pk", flat=True)
    )
    return MeasurePanel(
        measure=measure,
        procedure=procedure,
        overdue=procedure is not None and procedure.is_overdue(today),
        audits=audits[:5],
        failures=[a for a in audits if a.pk in failure_ids],
        champion=champion_of(measure.service),
    )


# Report packs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewDue:
    measure: Measure
    state: str  # "overdue" or "missing"
    due: date | None


def reviews_due(measures: Iterable[Measure], today: date) -> list[ReviewDue]:
    """Of these measures, those whose procedure is missing or overdue for review; one query."""
    ids = [m.pk for m in measures]
    rows = Measure.objects.filter(pk__in=ids).select_related("service", "updater", "dq_procedure")
    found = []
    for measure in rows.order_by("code"):
        procedure = _procedure(measure)
        if procedure is None:
            found.append(ReviewDue(measure, "missing", None))
        elif procedure.is_overdue(today):
            found.append(ReviewDue(measure, "overdue", procedure.next_review_due))
    return found


def failures_of(measures: Iterable[Measure]) -> list[DataQualityAudit]:
    """Open failed audits of these measures, with their actions; two queries."""
    return list(
        DataQualityAudit.objects.open_failures()
        .filter(measure__in=[m.pk for m in measures])
        .select_related("measure")
        .prefetch_related("actions")
        .order_by("measure__code", "-month")
    )


def rule_has_proposed(month: Period) -> bool:
    """Whether the rule has already chosen this month's audits (then it proposes no more)."""
    return DataQualityAudit.objects.filter(
        month=month.code, origin=DataQualityAudit.Origin.RULE
    ).exists()
