"""Report runs: asking for a pack, making it, and the scheduler's sweep.

A run is written to the database before anything is sent to the broker, and the message is only
published once the transaction commits. If the broker is down the run stays `requested` and the
scheduler's next sweep (`start_due_runs`) publishes it again: nothing asked for is lost, and the
page that asked still answers.

Making a pack is idempotent. A worker claims the run with one conditional UPDATE, holding a lease;
a second delivery of the same message finds the run claimed (or done) and does nothing. A worker
killed mid-run leaves its lease to expire, after which the sweep hands the run to another worker.
The PDF (and the board slides' deck beside it) is written to a temporary file beside its final
name and moved into place, so a run has at most one PDF, whole or not at all. The deck is made in
a second process while this one lays out the PDF (`packs.parallel`), so a pack and its slides
take the time of the PDF alone on a machine with two cores.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from config.gc_tuning import fewer_collections
from reporting import narrative
from reporting.models import PackStatus, ReportRun, ReportSchedule, RunStatus
from reporting.packs import parallel, pdf, snapshot
from targets import permissions
from targets.models import User
from targets.periods import Period

logger = logging.getLogger(__name__)

# Errors worth trying again: the database or the disk hiccuped. Anything else is a fault that
# another attempt would repeat; the run is marked failed with the error for people to see.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError, OSError)


def lease() -> timedelta:
    return timedelta(minutes=getattr(settings, "REPORT_RUN_LEASE_MINUTES", 15))


def max_attempts() -> int:
    return int(getattr(settings, "REPORT_RUN_MAX_ATTEMPTS", 5))


def requeue_after() -> timedelta:
    """How long a requested run may wait for a worker before the sweep publishes it again."""
    return timedelta(minutes=getattr(settings, "REPORT_RUN_REQUEUE_MINUTES", 5))


@dataclass(frozen=True)
class Requested:
    run: ReportRun
    created: bool


def request_run(
    *,
    schedule: ReportSchedule,
    period: Period,
    force: bool = False,
    user: User | None = None,
    dispatch: bool = True,
) -> Requested:
    """The run of a schedule for a period: the existing one, or, with `force` or none yet, a new
    version. A new run (or a failed one asked for again) is published once the transaction
    commits, unless `dispatch` is off (the caller makes it in process)."""
    with transaction.atomic():
        latest = (
            ReportRun.objects.select_for_update()
            .filter(schedule=schedule, period=period.code)
            .order_by("-version")
            .first()
        )
        if latest is not None and not force:
            if latest.status == RunStatus.FAILED and dispatch:
                transaction.on_commit(lambda: run_dispatch(run_id=latest.pk))
            return Requested(latest, created=False)
        try:
            with transaction.atomic():
                run = ReportRun.objects.create(
                    schedule=schedule,
                    period=period.code,
                    version=latest.version + 1 if latest else 1,
                    internal=schedule.uses_internal_values,
                    requested_by=user,
                )
        except IntegrityError:
            # Someone asked for the same version at the same moment: theirs is ours.
            found = ReportRun.objects.filter(schedule=schedule, period=period.code)
            return Requested(found.latest("version"), created=False)
        if dispatch:
            transaction.on_commit(lambda: run_dispatch(run_id=run.pk))
    return Requested(run, created=True)


def run_dispatch(*, run_id: int) -> bool:
    """Publish the run's task; False (logged) when the broker cannot take it."""
    from reporting.tasks import run_report_task

    try:
        # No publishing retries: a broker that is down must not hold up the page that asked.
        run_report_task.apply_async(args=[run_id], retry=False)
    except Exception:
        # kombu's OperationalError, a refused or timed-out connection, or, with tasks run in
        # process, whatever the task raised: the run row records it and the sweep tries again.
        logger.warning("Report run %s not started; the scheduler retries it", run_id, exc_info=True)
        return False
    return True


def run_claim(*, run_id: int, now: datetime | None = None) -> ReportRun | None:
    """Take the run for this worker, atomically; None if it is done, or running elsewhere with
    a live lease, or out of attempts."""
    now = now or timezone.now()
    claimable = Q(status__in=[RunStatus.REQUESTED, RunStatus.FAILED]) | Q(
        status=RunStatus.RUNNING, lease_expires_at__lt=now
    )
    claimed = ReportRun.objects.filter(claimable, pk=run_id, attempts__lt=max_attempts()).update(
        status=RunStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        finished_at=None,
        lease_expires_at=now + lease(),
        error="",
    )
    if not claimed:
        return None
    return ReportRun.objects.select_related("schedule").get(pk=run_id)


def run_report(*, run_id: int, today: date | None = None) -> ReportRun:
    """Make the run's pack if it is still to be made; return the run as it then stands."""
    run = run_claim(run_id=run_id)
    if run is None:
        return ReportRun.objects.select_related("schedule").get(pk=run_id)
    attempt = run.attempts
    try:
        _make(run, today=today or timezone.localdate())
    except Exception as exc:
        _finish(run, attempt, status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        logger.exception("Report run %s (%s) failed", run.pk, run)
        if isinstance(exc, TRANSIENT_ERRORS):
            raise
    run.refresh_from_db()
    return run


def _make(run: ReportRun, *, today: date) -> None:
    now = timezone.now()
    data = snapshot.build(
        schedule=run.schedule, period=run.period_obj, today=today, generated_at=now
    )
    pack = snapshot.restore(data)
    pages, size = _write_pack(run, pack)
    _finish(
        run,
        run.attempts,
        status=RunStatus.DONE,
        pdf=run.pdf_name(),
        pdf_bytes=size,
        pages=pages,
        pack_status=data["status"],
        summary_text=data["summary"]["text"],
        internal=data["internal"],
        snapshot=data,
    )


def _write_pack(run: ReportRun, pack: snapshot.Pack) -> tuple[int, int]:
    """The run's PDF and its board slides, the slides made in a second process meanwhile (with
    the garbage collector tuned for it); return the PDF's (pages, bytes). Both are moved into
    place once both are made: a failure of either leaves the run's files as they were."""
    with (
        fewer_collections(),
        _placed(run.pdf_name()) as document,
        _placed(run.pptx_name()) as slides,
        parallel.Job(_write_deck, pack, slides, version=run.version) as making,
    ):
        pages = pdf.write_pdf(pack, document, version=run.version)
        making.result()
        return pages, os.path.getsize(document)


def _write_deck(pack: snapshot.Pack, target: Path, *, version: int) -> int:
    """The board slides (`packs.deck`), imported only here: in the child process that makes them
    beside the PDF, python-pptx and matplotlib's figures are loaded there, not on the way to the
    PDF (a third of a second of the pack's time)."""
    from reporting.packs import deck

    return deck.write_pptx(pack, target, version=version)


def run_deck(*, run: ReportRun) -> str:
    """The storage name of a finished run's board slides, made now from its snapshot if it has
    none yet (a run made before decks were, or whose file was lost). The deck depends on the
    snapshot alone, so two requests making it at once write the same file."""
    name = run.pptx_name()
    if not default_storage.exists(name):
        if run.status != RunStatus.DONE or not run.snapshot:
            raise ValueError(f"{run} has no figures to make slides of.")
        pack = snapshot.restore(run.snapshot)
        _write_file(name, lambda path: _write_deck(pack, path, version=run.version))
    return name


def _write_file(name: str, render: Callable[[Path], int]) -> tuple[int, int]:
    """Render to a temporary file beside the final one, then move it into place in one step,
    so that the name only ever holds a whole file. Return (what `render` counted, bytes)."""
    with _placed(name) as path:
        counted = render(path)
        return counted, os.path.getsize(path)


@contextmanager
def _placed(name: str) -> Iterator[Path]:
    """A temporary file beside the storage's `name`, moved into place in one step when the
    block ends without an error, and deleted in any case."""
    try:
        final = Path(default_storage.path(name))
    except NotImplementedError:
        final = None  # a remote storage: render locally, then upload under the name
    folder = final.parent if final else Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".pack-", suffix=".partial")
    os.close(handle)
    try:
        yield Path(temporary)
        # mkstemp makes the file private to its owner; give it the storage's usual mode.
        os.chmod(temporary, getattr(default_storage, "file_permissions_mode", None) or 0o644)
        if final is not None:
            os.replace(temporary, final)
        else:
            default_storage.delete(name)
            with open(temporary, "rb") as rendered:
                default_storage.save(name, File(rendered))
    finally:
        Path(temporary).unlink(missing_ok=True)


def _finish(run: ReportRun, attempt: int, *, status: str, **fields: object) -> bool:
    """Record the outcome, if this attempt still holds the run (a worker whose lease ran out
    and whose run was handed on must not overwrite the newer attempt's outcome)."""
    updated = ReportRun.objects.filter(
        pk=run.pk, status=RunStatus.RUNNING, attempts=attempt
    ).update(status=status, finished_at=timezone.now(), lease_expires_at=None, **fields)
    return bool(updated)


@dataclass(frozen=True)
class Sweep:
    created: int
    published: int
    given_up: int

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "published": self.published, "given_up": self.given_up}


def start_due_runs(*, today: date | None = None, now: datetime | None = None) -> Sweep:
    """The scheduler's sweep: make a run for each active schedule's due period that has none,
    then publish every run still waiting for a worker (asked for while the broker was down, or
    left by a worker that was killed: its lease has expired)."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    schedules = list(ReportSchedule.objects.filter(is_active=True))
    due = {s.pk: s.due_period(today).code for s in schedules}
    existing = set(
        ReportRun.objects.filter(schedule__in=schedules, period__in=set(due.values()))
        .order_by()
        .values_list("schedule_id", "period")
    )
    new = [
        ReportRun(schedule=s, period=due[s.pk], internal=s.uses_internal_values)
        for s in schedules
        if (s.pk, due[s.pk]) not in existing
    ]
    # A run made meanwhile by someone else wins: its row stands and this one is dropped.
    ReportRun.objects.bulk_create(new, ignore_conflicts=True)
    exhausted = Q(status=RunStatus.RUNNING, lease_expires_at__lt=now, attempts__gte=max_attempts())
    given_up = ReportRun.objects.filter(exhausted).update(
        status=RunStatus.FAILED,
        lease_expires_at=None,
        finished_at=now,
        error=f"Gave up after {max_attempts()} attempts: the worker was lost each time.",
    )
    waiting = ReportRun.objects.filter(
        Q(status=RunStatus.REQUESTED, requested_at__lt=now - requeue_after())
        | Q(status=RunStatus.REQUESTED, schedule__in=schedules, period__in=set(due.values()))
        | Q(status=RunStatus.RUNNING, lease_expires_at__lt=now)
    )
    ids = list(waiting.order_by("requested_at").values_list("pk", flat=True))
    published = sum(run_dispatch(run_id=pk) for pk in ids)
    return Sweep(created=len(new), published=published, given_up=given_up)


def run_narrative_edit(
    *, run_id: int, user: User, text: str, now: datetime | None = None
) -> ReportRun:
    """The performance team's own words for a pack's "what changed", while the pack is a draft:
    kept in the run's snapshot beside the drafted text, with who and when (runs are their own
    log, `audit.NOT_AUDITED`), and the PDF and the board slides made again so that they carry
    them.

    `text` is one sentence a line, a measure of the pack written `[CODE]`
    (`narrative.parse`: an unknown code is refused, naming it). A final pack is read only.
    """
    if not permissions.is_performance_team(user):
        raise PermissionDenied("Only the performance team can edit a pack's summary.")
    now = now or timezone.now()
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().select_related("schedule").get(pk=run_id)
        data = run.snapshot or {}
        if run.status != RunStatus.DONE or not data.get("narrative"):
            raise narrative.NarrativeError("This pack has no summary of what changed to edit.")
        if run.pack_status == PackStatus.FINAL:
            raise narrative.NarrativeError(
                "This pack is final: its summary of what changed can no longer be edited."
            )
        titles = {r["code"]: r["title"] for r in data.get("rows", [])}
        edited = {
            "sentences": narrative.parse(text, titles),
            "by": str(user),
            "by_id": user.pk,
            "at": now.isoformat(),
        }
        data = {**data, "narrative": {**data["narrative"], "edited": edited}}
        # The PDF and the board slides, which carry the same words.
        pages, size = _write_pack(run, snapshot.restore(data))
        ReportRun.objects.filter(pk=run.pk).update(
            snapshot=data, pdf=run.pdf_name(), pages=pages, pdf_bytes=size
        )
    run.refresh_from_db()
    return run
