"""Fetching LG Inform Plus: every metric with an LG Inform id, for every current English
authority in the register and the latest periods, upserted by the benchmark import's rules.

The answer's rows become the table a file would give (`area_code, area_name, period, value`) and
go through `import_benchmark_table`: NA counted, calendar years and areas outside the register
left out and reported, a row that makes no sense refusing the metric's whole answer, an upsert
that writes only what is new or changed. Each metric fetched is recorded (`Fetch`); each value
written is recorded in the audit trail with the run's batch. Dry runs record nothing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from benchmarking import periods as benchmark_periods
from benchmarking.imports import BenchmarkImportReport, MetricSpec, import_benchmark_table
from benchmarking.imports.values import NO_VALUE
from benchmarking.lginform.client import (
    Answer,
    DataRow,
    LGInformClient,
    LGInformError,
    Transport,
    UrlLibTransport,
)
from benchmarking.models import Authority, BenchmarkValue, Fetch, Metric
from targets import audit
from targets.imports.reader import Table
from targets.models import ChangeRecord
from targets.periods import PeriodError

NOT_CONFIGURED = (
    "LG Inform Plus is not configured: set LGINFORM_API_KEY (and LGINFORM_API_SECRET to sign "
    "requests). Nothing was fetched."
)
# Celery beat's entry (config/celery.py), in words for the page.
SCHEDULE = "every Monday at 06:15"
COLUMNS = frozenset({"area_code", "area_name", "period", "value"})
DETAILS_KEPT = 60
CONCURRENT = (
    "Nothing was written: the same values were being written by another fetch or upload at the "
    "same time; the next fetch will compare with what is stored then"
)


class FetchRequestError(ValueError):
    """What was asked cannot be fetched: an unknown metric, one without an LG Inform id, or no
    English authority in the register."""


@dataclass
class FetchOutcome:
    configured: bool = True
    batch: str = ""
    fetches: list[Fetch] = field(default_factory=list)
    reports: dict[str, BenchmarkImportReport] = field(default_factory=dict)
    stopped: str = ""  # why the run ended before its last metric

    @property
    def failed(self) -> list[Fetch]:
        return [f for f in self.fetches if f.status == Fetch.Status.FAILED]

    @property
    def written(self) -> int:
        return sum(f.written for f in self.fetches)

    def lines(self) -> list[str]:
        """What happened, metric by metric, as the command prints it."""
        if not self.configured:
            return [NOT_CONFIGURED]
        lines = []
        for fetch in self.fetches:
            lines.append(f"{fetch.metric.code} (LG Inform {fetch.lginform_id}): {fetch.message}")
            lines += [f"  {line}" for line in fetch.details]
        if self.stopped:
            lines.append(f"Stopped before the other metrics: {self.stopped}")
        return lines


def is_configured() -> bool:
    return bool(settings.LGINFORM_API_KEY)


def default_transport() -> Transport:
    return UrlLibTransport()


def client_from_settings() -> LGInformClient:
    return LGInformClient(
        key=settings.LGINFORM_API_KEY,
        secret=settings.LGINFORM_API_SECRET,
        base_url=settings.LGINFORM_BASE_URL,
        areas_per_request=settings.LGINFORM_AREAS_PER_REQUEST,
        transport=default_transport(),
    )


def english_areas() -> list[str]:
    """Every current English authority of the register, by ONS code (E…)."""
    current = Authority.objects.filter(code__startswith="E", is_current=True).order_by("code")
    return list(current.values_list("code", flat=True))


def metrics_to_fetch(codes: Sequence[str] | None = None) -> list[Metric]:
    """The metrics with an LG Inform id, or those named (each must have one)."""
    if not codes:
        return list(Metric.objects.filter(lginform_id__isnull=False).order_by("code"))
    found = {m.code: m for m in Metric.objects.filter(code__in=codes)}
    problems = []
    for code in dict.fromkeys(codes):
        if code not in found:
            problems.append(f"There is no metric {code}")
        elif found[code].lginform_id is None:
            problems.append(f"{code} has no LG Inform metric id: set one on the metric first")
    if problems:
        raise FetchRequestError("; ".join(problems))
    return sorted(found.values(), key=lambda m: m.code)


def lginform_fetch(
    *,
    codes: Sequence[str] | None = None,
    dry_run: bool = False,
    trigger: str = Fetch.Trigger.COMMAND,
    latest: int | None = None,
    client: LGInformClient | None = None,
) -> FetchOutcome:
    """Fetch and upsert each metric; without a key (and no client given) do nothing at all."""
    if client is None:
        if not is_configured():
            return FetchOutcome(configured=False)
        client = client_from_settings()
    metrics = metrics_to_fetch(codes)
    areas = english_areas()
    if metrics and not areas:
        raise FetchRequestError(
            "The register of authorities has no current English authority: run "
            "import_authorities first"
        )
    outcome = FetchOutcome(batch=f"lginform-{uuid.uuid4().hex[:24]}")  # 40 characters at most
    for metric in metrics:
        assert metric.lginform_id is not None
        fetch = Fetch(
            batch=outcome.batch, metric=metric, lginform_id=metric.lginform_id, trigger=trigger
        )
        if not dry_run:
            fetch.save()
        outcome.fetches.append(fetch)
        try:
            answer = client.fetch(
                metric.lginform_id, areas, latest=latest or settings.LGINFORM_LATEST_PERIODS
            )
        except LGInformError as exc:
            _failed(fetch, str(exc), requests=exc.requests, dry_run=dry_run)
            if exc.stops_run:
                outcome.stopped = str(exc)
                break
            continue
        try:
            report = _store(metric, answer, outcome.batch, dry_run=dry_run)
        except IntegrityError:
            # Another fetch (or an upload) wrote the same new values meanwhile: nothing of this
            # one was kept; the next run compares with what is stored now.
            _failed(fetch, CONCURRENT, requests=answer.requests, dry_run=dry_run)
            continue
        except Exception:
            stopped = "The fetch stopped on an error (see the log)"
            _failed(fetch, stopped, requests=answer.requests, dry_run=dry_run)
            raise
        outcome.reports[metric.code] = report
        _finish(fetch, answer, report, dry_run=dry_run)
    return outcome


def _table(rows: list[DataRow]) -> Table:
    """The answer as a file's table; rows numbered as the answer's records, from 1."""
    return Table(
        COLUMNS,
        [
            (
                number,
                {
                    "area_code": row.area,
                    "area_name": row.area_label,
                    "period": row.period,
                    "value": row.value,
                },
            )
            for number, row in enumerate(rows, 1)
        ],
    )


def _store(metric: Metric, answer: Answer, batch: str, *, dry_run: bool) -> BenchmarkImportReport:
    """Upsert the answer and record every value written, in one transaction."""
    with transaction.atomic():
        report = import_benchmark_table(
            _table(answer.rows), MetricSpec(metric.code), dry_run=dry_run, keep_changes=True
        )
        if report.ok and report.changes and not dry_run:
            _audit(metric, report, batch)
    return report


def _figure(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _audit(metric: Metric, report: BenchmarkImportReport, batch: str) -> None:
    periods = {change.period for change in report.changes}
    stored = BenchmarkValue.objects.filter(metric=metric, period__in=periods)
    pks = {(a, p): pk for pk, a, p in stored.values_list("pk", "authority_id", "period")}
    areas = {c.authority_id for c in report.changes}
    codes = dict(Authority.objects.filter(pk__in=areas).values_list("pk", "code"))
    ChangeRecord.objects.bulk_create(
        [
            audit.change_record(
                user=None,
                action=ChangeRecord.Action.CREATE
                if change.before is None
                else ChangeRecord.Action.UPDATE,
                source=ChangeRecord.Source.SYSTEM,
                obj=BenchmarkValue(pk=pks.get((change.authority_id, change.period))),
                period=change.period,
                changes={"value": [_figure(change.before), _figure(change.after)]},
                reason=f"{metric.code} {codes[change.authority_id]}: fetched from LG Inform "
                f"Plus (metric type {metric.lginform_id})",
                batch=batch,
            )
            for change in report.changes
        ],
        batch_size=500,
    )


def answer_periods(rows: list[DataRow]) -> list[str]:
    """The benchmark periods the answer held, oldest first (labels that are not one, such as
    calendar years, are left out: the import reports them)."""
    found = set()
    for label in {row.period for row in rows}:
        try:
            found.add(benchmark_periods.parse(label).code)
        except PeriodError:
            continue
    return sorted(found, key=benchmark_periods.sort_key)


def _finish(fetch: Fetch, answer: Answer, report: BenchmarkImportReport, *, dry_run: bool) -> None:
    fetch.requests = answer.requests
    fetch.rows_read = report.rows
    fetch.periods = answer_periods(answer.rows)
    fetch.finished_at = timezone.now()
    if report.ok:
        fetch.status = Fetch.Status.DONE
        fetch.message = report.summary
        fetch.created, fetch.updated = report.created, report.updated
        fetch.unchanged = report.unchanged
        fetch.missing = report.skipped.get(NO_VALUE, 0)
        fetch.not_imported = report.not_imported_total
        fetch.details = _records(report.details())
    else:
        problems = len(report.errors)
        fetch.status = Fetch.Status.FAILED
        fetch.message = (
            f"Nothing was written: the answer has {problems} problem{'s' if problems != 1 else ''}."
        )
        fetch.details = _records(report.lines())
    if not dry_run:
        fetch.save()


def _records(lines: list[str]) -> list[str]:
    """The report's lines, a few of each kind, with the answer's records called what they are."""
    return [re.sub(r"^(\s*)row (\d+)", r"\1record \2", line) for line in lines[:DETAILS_KEPT]]


def _failed(fetch: Fetch, message: str, *, requests: int, dry_run: bool) -> None:
    fetch.status = Fetch.Status.FAILED
    fetch.message = message
    fetch.requests = requests
    fetch.finished_at = timezone.now()
    if not dry_run:
        fetch.save()
