"""What every service must deliver each year (the framework's Appendix 2), per service and
council-wide: each obligation's status, date and the page that shows it.

Nothing here is a rule of its own: each obligation is read from the owning app's compliance
function (plans from `targets`, procedures and audits from `targets.quality.reports`, feedback
from `feedback.compliance`, benchmarking from `benchmarking.services.compliance`, market
intelligence from `fsr.compliance`, the four-year rule from `fsr.programme`), each of which loads
every service at once, so the grid takes the same few queries for any number of services.

A year is looked at as it stood on `on`: today, or the year's last day for a year that is over.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.db.models import Min
from django.urls import reverse
from django.utils.http import urlencode

from benchmarking.services import ComplianceRow
from benchmarking.services import compliance as benchmarking_compliance
from feedback.compliance import ServiceCompliance, service_compliance
from fsr.compliance import IntelligenceCompliance, intelligence_compliance
from fsr.programme import ProgrammeRow, programme
from fsr.rules import RuleStatus
from targets import periods
from targets.models import DataQualityAudit, DataQualityProcedure, Service, ServicePlan
from targets.quality import reports as dq_reports


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"
    DUE = "due"

    @property
    def label(self) -> str:
        return {
            Status.MET: "Met",
            Status.NOT_MET: "Not met",
            Status.NOT_APPLICABLE: "Not applicable",
            Status.DUE: "Due",
        }[self]

    @property
    def symbol(self) -> str:
        return {
            Status.MET: "✓",
            Status.NOT_MET: "✗",
            Status.NOT_APPLICABLE: "–",
            Status.DUE: "…",
        }[self]


# (key, what the service must deliver), in the framework's order.
OBLIGATIONS: tuple[tuple[str, str], ...] = (
    ("plan", "Improvement plan signed off"),
    ("procedures", "Data-quality procedures reviewed"),
    ("audits", "Data-quality audits passed"),
    ("feedback", "Customer feedback twice a year"),
    ("internal_survey", "Internal satisfaction survey (support services)"),
    ("benchmarking", "Benchmarking exercise within the sector"),
    ("benchmark_data", "Benchmark data shared on LG Inform"),
    ("market_intelligence", "Market intelligence gathered"),
    ("review", "Service review within four years"),
)
TITLES = dict(OBLIGATIONS)


@dataclass(frozen=True)
class Obligation:
    key: str
    status: Status
    on: date | None  # the date that says why: when it was met, or when it falls due
    detail: str
    url: str

    @property
    def title(self) -> str:
        return TITLES[self.key]


@dataclass
class ServiceObligations:
    service: Service
    items: list[Obligation] = field(default_factory=list)

    def get(self, key: str) -> Obligation:
        return next(o for o in self.items if o.key == key)

    @property
    def counts(self) -> dict[Status, int]:
        return {s: sum(1 for o in self.items if o.status == s) for s in Status}


@dataclass(frozen=True)
class Grid:
    year: int
    on: date
    rows: list[ServiceObligations]

    @property
    def year_label(self) -> str:
        return periods.fy_label(self.year)


def _link(name: str, query: dict[str, str] | None = None, args: list[object] | None = None) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _long(d: date | None) -> str:
    return f"{d:%-d %B %Y}" if d else ""


def grid(year: int, today: date, *, services: list[Service] | None = None) -> Grid:
    """Every obligation of each active service (or of `services`) for financial year `year`."""
    whole = periods.parse_period(periods.fy_label(year))
    on = min(today, whole.end)
    year_over = today > whole.end
    started = today >= whole.start
    chosen = (
        services
        if services is not None
        else list(Service.objects.filter(is_active=True).order_by("name"))
    )
    ids = {s.pk for s in chosen}
    label = periods.fy_label(year)

    plans = {p.service_id: p for p in ServicePlan.objects.filter(year=year, service__in=ids)}
    procedures = {
        r.service.pk: r
        for r in (
            dq_reports.procedures_by_service(on, service=chosen[0])
            if len(chosen) == 1
            else dq_reports.procedures_by_service(on)
        )
    }
    next_reviews = dict(
        DataQualityProcedure.objects.filter(measure__service__in=ids)
        .values_list("measure__service")
        .annotate(first=Min("next_review_due"))
    )
    months = [m.code for m in periods.periods_in_year(year, periods.Frequency.MONTHLY)]
    audits_done: dict[int, list[DataQualityAudit]] = defaultdict(list)
    for row in DataQualityAudit.objects.filter(
        status=DataQualityAudit.Status.DONE, month__in=months, measure__service__in=ids
    ).select_related("measure"):
        audits_done[row.measure.service_id].append(row)
    # Failed audits whose actions are still open, as they stand today (whatever the year).
    failures: dict[int, list[DataQualityAudit]] = defaultdict(list)
    for row in dq_reports.open_failures():
        failures[row.measure.service_id].append(row)
    feedback = {
        r.service.pk: r for r in service_compliance(on, chosen[0] if len(chosen) == 1 else None)
    }
    benchmarking = {r.service.pk: r for r in benchmarking_compliance(year)}
    intelligence = {r.service.pk: r for r in intelligence_compliance(year, today, service_ids=ids)}
    reviews = {r.service.pk: r for r in programme(today=on, service_ids=ids)}

    rows = []
    for service in chosen:
        code = service.code
        items = [
            _plan(plans.get(service.pk), service, year, started),
            _procedures(procedures.get(service.pk), next_reviews.get(service.pk), code),
            _audits(audits_done[service.pk], failures[service.pk], code, label),
            _feedback(feedback.get(service.pk), label),
            _internal(feedback.get(service.pk), label),
            _benchmarking(benchmarking.get(service.pk), year, year_over),
            _benchmark_data(benchmarking.get(service.pk), year, year_over),
            _intelligence(intelligence.get(service.pk), code),
            _review(reviews.get(service.pk)),
        ]
        rows.append(ServiceObligations(service, items))
    return Grid(year=year, on=on, rows=rows)


def _plan(plan: ServicePlan | None, service: Service, year: int, started: bool) -> Obligation:
    url = _link("plan_detail", args=[service.code, year])
    label = periods.fy_label(year)
    if plan is not None and plan.is_signed_off:
        when = plan.signed_off_at.date() if plan.signed_off_at else None
        return Obligation("plan", Status.MET, when, f"The {label} plan is signed off.", url)
    status = Status.NOT_MET if started else Status.DUE
    detail = (
        f"The {label} plan is a draft, not signed off."
        if plan is not None
        else f"There is no {label} plan."
    )
    return Obligation("plan", status, periods.parse_period(label).start, detail, url)


def _procedures(
    row: dq_reports.ServiceProcedures | None, next_due: date | None, code: str
) -> Obligation:
    url = _link("dq_procedures", {"service": code})
    if row is None or row.measures == 0:
        return Obligation("procedures", Status.NOT_APPLICABLE, None, "No measures this year.", url)
    if row.needs_attention:
        parts = []
        if row.overdue:
            parts.append(f"{len(row.overdue)} overdue for review")
        if row.missing:
            parts.append(f"{len(row.missing)} missing")
        return Obligation(
            "procedures",
            Status.NOT_MET,
            next_due,
            f"Of {row.measures} measures' procedures: {', '.join(parts)}.",
            url,
        )
    return Obligation(
        "procedures",
        Status.MET,
        next_due,
        f"All {row.measures} measures' procedures reviewed within the year; the next review "
        f"falls due on {_long(next_due)}.",
        url,
    )


def _audits(
    done: list[DataQualityAudit], failures: list[DataQualityAudit], code: str, label: str
) -> Obligation:
    url = _link("dq_programme", {"year": label, "service": code})
    if failures:
        latest = max(failures, key=lambda a: (a.month, a.pk))
        codes = ", ".join(sorted({a.measure.code for a in failures}))
        return Obligation(
            "audits",
            Status.NOT_MET,
            latest.completed_on,
            f"Failed audit of {codes} with actions still open.",
            url,
        )
    if not done:
        return Obligation(
            "audits",
            Status.NOT_APPLICABLE,
            None,
            f"None of its measures audited in {label}.",
            url,
        )
    latest_done = max((a.completed_on for a in done if a.completed_on), default=None)
    failed = sum(1 for a in done if a.is_failed)
    detail = f"{len(done)} audit{'s' if len(done) != 1 else ''} done in {label}"
    detail += f", {failed} failed and put right." if failed else ", none failed."
    return Obligation("audits", Status.MET, latest_done, detail, url)


def _feedback(row: ServiceCompliance | None, label: str) -> Obligation:
    url = _link("feedback_compliance", {"year": label})
    if row is None:
        return Obligation("feedback", Status.NOT_APPLICABLE, None, "Not an active service.", url)
    last = row.last_feedback
    if row.has_feedback:
        return Obligation(
            "feedback", Status.MET, last, f"Feedback last heard on {_long(last)}.", url
        )
    detail = f"Last heard on {_long(last)}." if last else "No feedback recorded."
    return Obligation(
        "feedback", Status.NOT_MET, last, detail + " Due at least every six months.", url
    )


def _internal(row: ServiceCompliance | None, label: str) -> Obligation:
    url = _link("feedback_compliance", {"year": label})
    if row is None or not row.needs_internal:
        return Obligation(
            "internal_survey",
            Status.NOT_APPLICABLE,
            None,
            "A front-line service: no internal survey needed.",
            url,
        )
    last = row.last_internal
    if row.has_internal:
        return Obligation(
            "internal_survey", Status.MET, last, f"Last survey ended on {_long(last)}.", url
        )
    detail = f"Last survey ended on {_long(last)}." if last else "No internal survey recorded."
    return Obligation(
        "internal_survey", Status.NOT_MET, last, detail + " Due every twelve months.", url
    )


def _benchmarking(row: ComplianceRow | None, year: int, year_over: bool) -> Obligation:
    url = _link("benchmark_compliance", {"year": str(year)})
    if row is None:
        return Obligation("benchmarking", Status.NOT_APPLICABLE, None, "Not active.", url)
    status = {
        "met": Status.MET,
        "planned": Status.DUE,
        "missing": Status.NOT_MET if year_over else Status.DUE,
    }[row.status]
    return Obligation("benchmarking", status, None, f"{row.status_text}.", url)


def _benchmark_data(row: ComplianceRow | None, year: int, year_over: bool) -> Obligation:
    url = _link("benchmark_compliance", {"year": str(year)})
    if row is None:
        return Obligation("benchmark_data", Status.NOT_APPLICABLE, None, "Not active.", url)
    if row.has_shared:
        return Obligation(
            "benchmark_data",
            Status.MET,
            row.last_shared,
            f"Shared on LG Inform on {_long(row.last_shared)}.",
            url,
        )
    status = Status.NOT_MET if year_over else Status.DUE
    return Obligation(
        "benchmark_data", status, None, "No exercise of the year shared on LG Inform yet.", url
    )


def _intelligence(row: IntelligenceCompliance | None, code: str) -> Obligation:
    url = _link("fsr_intelligence", {"service": code})
    if row is None:
        return Obligation("market_intelligence", Status.NOT_APPLICABLE, None, "Not active.", url)
    status = {"met": Status.MET, "due": Status.DUE, "missed": Status.NOT_MET}[row.status]
    detail = row.status_text + (f": latest on {_long(row.last_noted)}." if row.notes else ".")
    return Obligation("market_intelligence", status, row.last_noted, detail, url)


def _review(row: ProgrammeRow | None) -> Obligation:
    url = _link("fsr_programme")
    if row is None:
        return Obligation("review", Status.NOT_APPLICABLE, None, "Not active.", url)
    check = row.check
    status = {
        RuleStatus.OK: Status.MET,
        RuleStatus.DUE_SOON: Status.DUE,
        RuleStatus.OVERDUE: Status.NOT_MET,
        RuleStatus.NEVER: Status.NOT_MET,
    }[check.status]
    detail = check.text + "."
    if check.deadline:
        detail += f" The next review is due by {_long(check.deadline)}."
    when = check.last_ended if status == Status.MET else check.deadline
    return Obligation("review", status, when, detail, url)
