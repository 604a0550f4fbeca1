"""Report runs: one per schedule and period unless forced, made once however often the task is
delivered, retried after a lost worker, and never lost when the broker is down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from config.celery import app
from reporting import services
from reporting.models import ReportRun, ReportSchedule, RunStatus
from reporting.tasks import run_report_task, start_due_runs_task
from targets.models import DataQuality, Measure, Priority, Service, User, ValueStatus
from targets.periods import parse_period
from tests.conftest import client_for
from tests.factories import MeasureFactory, PriorityFactory, TargetFactory, ValueFactory

pytestmark = [pytest.mark.django_db]
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
Q2 = parse_period("2026/27-Q2")


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def build_council(waste: Service, housing: Service, priority: Priority) -> dict[str, Measure]:
    """Three corporate measures reported to scrutiny for Q2 2026/27 (figures as at Sep 2026):
    CP10 green (estimated), CP14 red with a corrective action, and CP20, whose September value
    is submitted but not yet approved (management sees it, scrutiny does not)."""
    housing_needs = PriorityFactory(number=1, name="Meeting housing needs")

    def corporate(code: str, title: str, service: Service, prio: Priority, **kw: Any) -> Measure:
        measure = MeasureFactory(
            code=code,
            title=title,
            service=service,
            kind=Measure.Kind.CORPORATE,
            priority=prio,
            is_scrutiny=True,
            tolerance_pct=Decimal(10),
            **kw,
        )
        for year in (2025, 2026):
            TargetFactory(measure=measure, year=year, value=Decimal(50 if code != "CP14" else 40))
        return measure

    recycling = corporate("CP10", "Household waste recycled", waste, priority)
    ValueFactory(measure=recycling, period="2025-09", actual=Decimal("45.0"))
    ValueFactory(measure=recycling, period="2026-08", actual=Decimal("47.0"))
    ValueFactory(
        measure=recycling,
        period="2026-09",
        actual=Decimal("52.0"),
        dq_flag=DataQuality.ESTIMATED,
    )
    bins = corporate(
        "CP14",
        "Missed bin collections per 100,000",
        waste,
        priority,
        polarity=Measure.Polarity.DOWN,
        unit=Measure.Unit.COUNT,
    )
    ValueFactory(measure=bins, period="2026-08", actual=Decimal("41.0"))
    ValueFactory(
        measure=bins,
        period="2026-09",
        actual=Decimal("55.0"),
        commentary="Two crews off sick for most of the month.",
        corrective_action="Agency crews booked from next week.",
    )
    homes = corporate("CP20", "Affordable homes delivered", housing, housing_needs)
    homes.is_scrutiny = False
    homes.save()
    ValueFactory(measure=homes, period="2026-08", actual=Decimal("48.0"))
    ValueFactory(
        measure=homes, period="2026-09", actual=Decimal("51.0"), status=ValueStatus.SUBMITTED
    )
    MeasureFactory(code="SV01", service=waste)  # a service measure: in no seeded pack
    return {"CP10": recycling, "CP14": bins, "CP20": homes}


@pytest.fixture
def council(waste: Service, housing: Service, priority: Priority) -> dict[str, Measure]:
    return build_council(waste, housing, priority)


def schedule(code: str) -> ReportSchedule:
    return ReportSchedule.objects.get(code=code)


def pdfs(settings: Any) -> list[Path]:
    return sorted(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def make(code: str = "scrutiny-quarterly", period: str = "2026/27-Q2") -> ReportRun:
    requested = services.request_run(
        schedule=schedule(code), period=parse_period(period), dispatch=False
    )
    return services.run_report(run_id=requested.run.pk)


def test_a_run_is_made_with_its_pdf_snapshot_and_timings(council: Any, settings: Any) -> None:
    run = make()
    assert run.status == RunStatus.DONE
    assert run.version == 1 and run.attempts == 1
    assert run.started_at == run.finished_at == timezone.now()
    assert run.error == ""
    assert run.pages and run.pages >= 4
    assert [p.name for p in pdfs(settings)] == ["scrutiny-quarterly-2026-27-Q2-v1.pdf"]
    assert run.pdf.name == "reports/scrutiny-quarterly/scrutiny-quarterly-2026-27-Q2-v1.pdf"
    assert run.pdf_bytes == pdfs(settings)[0].stat().st_size
    assert run.snapshot is not None
    assert [r["code"] for r in run.snapshot["rows"]] == ["CP10", "CP14"]
    assert run.summary_text == "1 of 2 (50%) on target"
    assert run.pack_status == "final"
    assert run.internal is False


def test_asking_twice_gives_the_same_run(council: Any) -> None:
    first = services.request_run(schedule=schedule("scrutiny-quarterly"), period=Q2)
    second = services.request_run(schedule=schedule("scrutiny-quarterly"), period=Q2)
    assert first.created and not second.created
    assert first.run.pk == second.run.pk
    assert ReportRun.objects.count() == 1


def test_force_makes_a_second_version(council: Any, settings: Any) -> None:
    make()
    forced = services.request_run(
        schedule=schedule("scrutiny-quarterly"), period=Q2, force=True, dispatch=False
    )
    assert forced.created and forced.run.version == 2
    services.run_report(run_id=forced.run.pk)
    assert ReportRun.objects.filter(status=RunStatus.DONE).count() == 2
    assert [p.name for p in pdfs(settings)] == [
        "scrutiny-quarterly-2026-27-Q2-v1.pdf",
        "scrutiny-quarterly-2026-27-Q2-v2.pdf",
    ]


def test_a_task_delivered_twice_makes_one_pack(council: Any, settings: Any) -> None:
    run = services.request_run(
        schedule=schedule("scrutiny-quarterly"), period=Q2, dispatch=False
    ).run
    assert run_report_task.apply(args=[run.pk]).get() == RunStatus.DONE
    assert run_report_task.apply(args=[run.pk]).get() == RunStatus.DONE
    run.refresh_from_db()
    assert run.attempts == 1
    assert len(pdfs(settings)) == 1


def test_a_run_with_a_live_lease_is_not_started_twice(council: Any, settings: Any) -> None:
    run = ReportRun.objects.create(
        schedule=schedule("scrutiny-quarterly"),
        period=Q2.code,
        status=RunStatus.RUNNING,
        attempts=1,
        started_at=timezone.now(),
        lease_expires_at=timezone.now() + timedelta(minutes=10),
    )
    assert services.run_report(run_id=run.pk).status == RunStatus.RUNNING
    sweep = services.start_due_runs()  # the three other seeded schedules' due runs only
    assert (sweep.created, sweep.published) == (3, 3)
    run.refresh_from_db()
    assert run.attempts == 1 and run.status == RunStatus.RUNNING
    assert not any(p.name.startswith("scrutiny-quarterly-2026-27-Q2") for p in pdfs(settings))


class Killed(BaseException):
    """What a worker killed mid-run looks like from inside: nothing after it runs."""


def test_a_worker_killed_mid_run_leaves_the_run_to_be_retried_once(
    council: Any, settings: Any, time_machine: Any
) -> None:
    run = services.request_run(
        schedule=schedule("scrutiny-quarterly"), period=Q2, dispatch=False
    ).run
    with (
        mock.patch("reporting.packs.pdf.write_pdf", side_effect=Killed),
        pytest.raises(Killed),
    ):
        run_report_task.apply(args=[run.pk])
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.attempts == 1
    assert pdfs(settings) == []

    # The message is redelivered at once (acks_late): the lease still holds, nothing happens.
    run_report_task.apply(args=[run.pk])
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.attempts == 1

    # Once the lease has run out, the scheduler's sweep hands the run on: one finished PDF.
    time_machine.move_to(NOW + services.lease() + timedelta(seconds=1), tick=False)
    start_due_runs_task.apply()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempts == 2
    ours = [p for p in pdfs(settings) if p.name.startswith("scrutiny-quarterly-2026-27-Q2")]
    assert [p.name for p in ours] == ["scrutiny-quarterly-2026-27-Q2-v1.pdf"]
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.partial"))
    assert (
        ReportRun.objects.filter(schedule__code="scrutiny-quarterly", period=Q2.code).count() == 1
    )


def test_a_run_that_keeps_losing_its_worker_is_given_up(council: Any) -> None:
    run = ReportRun.objects.create(
        schedule=schedule("scrutiny-quarterly"),
        period=Q2.code,
        status=RunStatus.RUNNING,
        attempts=services.max_attempts(),
        lease_expires_at=timezone.now() - timedelta(minutes=1),
    )
    assert services.start_due_runs().given_up == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "Gave up after" in run.error


def test_a_fault_fails_the_run_with_its_error_and_asking_again_retries(
    council: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with mock.patch("reporting.packs.snapshot.build", side_effect=ValueError("bad figures")):
        run = make()
    assert run.status == RunStatus.FAILED
    assert run.error == "ValueError: bad figures"
    assert run.finished_at is not None and run.lease_expires_at is None
    with django_capture_on_commit_callbacks(execute=True):
        again = services.request_run(schedule=schedule("scrutiny-quarterly"), period=Q2)
    assert not again.created
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempts == 2


def test_a_transient_error_is_raised_for_celery_to_retry(council: Any) -> None:
    run = services.request_run(
        schedule=schedule("scrutiny-quarterly"), period=Q2, dispatch=False
    ).run
    with (
        mock.patch("reporting.packs.snapshot.build", side_effect=OperationalError("locked")),
        pytest.raises(OperationalError),
    ):
        services.run_report(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED  # claimable again by the retry
    assert services.run_report(run_id=run.pk).status == RunStatus.DONE


def test_the_task_is_acknowledged_late_and_retried_with_backoff() -> None:
    assert run_report_task.acks_late is True
    assert run_report_task.reject_on_worker_lost is True
    assert run_report_task.max_retries == 5
    assert OperationalError in run_report_task.autoretry_for
    assert run_report_task.retry_backoff is True
    entry = app.conf.beat_schedule["start-due-report-runs"]
    assert entry["task"] == "reporting.tasks.start_due_runs_task"


def test_the_sweep_makes_each_schedules_due_pack_once(council: Any) -> None:
    first = services.start_due_runs()
    assert first.created == 4
    made = dict(ReportRun.objects.values_list("schedule__code", "period"))
    assert made == {
        "monthly-corporate": "2026-10",
        "cmt-bimonthly": "2026/27-B3",
        "ceb-quarterly": "2026/27-Q2",
        "scrutiny-quarterly": "2026/27-Q2",
    }
    assert set(ReportRun.objects.values_list("status", flat=True)) == {RunStatus.DONE}
    again = services.start_due_runs()
    assert again.created == 0 and again.published == 0
    assert ReportRun.objects.count() == 4


def test_inactive_schedules_are_not_run(council: Any) -> None:
    ReportSchedule.objects.exclude(code="scrutiny-quarterly").update(is_active=False)
    services.start_due_runs()
    assert list(ReportRun.objects.values_list("schedule__code", flat=True)) == [
        "scrutiny-quarterly"
    ]


def test_broker_down_keeps_the_request_and_the_page_then_runs_when_it_is_back(
    council: Any, pat: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(pat)
    form = {"scrutiny-quarterly-period": Q2.code}
    url = reverse("report_generate", args=["scrutiny-quarterly"])
    broker_down = mock.patch.object(
        run_report_task, "apply_async", side_effect=BrokerDown("Connection refused")
    )
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert run.status == RunStatus.REQUESTED and run.attempts == 0
    archive = client.get(reverse("report_archive"))
    assert archive.status_code == 200
    assert "waiting for the report worker" in archive.content.decode()

    # The broker is still down at the next sweep: still requested, nothing lost.
    with broker_down:
        assert services.start_due_runs(now=timezone.now() + timedelta(minutes=10)).published == 0
    run.refresh_from_db()
    assert run.status == RunStatus.REQUESTED

    # The broker is back: the sweep publishes it and it is made, once.
    services.start_due_runs(now=timezone.now() + timedelta(minutes=20))
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempts == 1
    assert ReportRun.objects.filter(schedule__code="scrutiny-quarterly").count() == 1


def test_generate_now_runs_in_process_without_a_broker(
    council: Any, pat: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(pat).post(
            reverse("report_generate", args=["ceb-quarterly"]), {"ceb-quarterly-period": Q2.code}
        )
    assert response.status_code == 302
    assert response["Location"].endswith("#schedule-ceb-quarterly")
    run = ReportRun.objects.get()
    assert run.status == RunStatus.DONE
    assert run.requested_by == pat


def test_generate_now_again_keeps_the_run_unless_a_new_version_is_asked_for(
    council: Any, pat: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(pat)
    url = reverse("report_generate", args=["ceb-quarterly"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"ceb-quarterly-period": Q2.code})
        client.post(url, {"ceb-quarterly-period": Q2.code})
    assert ReportRun.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"ceb-quarterly-period": Q2.code, "ceb-quarterly-force": "on"})
    assert list(ReportRun.objects.order_by("version").values_list("version", "status")) == [
        (1, RunStatus.DONE),
        (2, RunStatus.DONE),
    ]


def test_generate_now_refuses_a_period_not_offered(council: Any, pat: User) -> None:
    url = reverse("report_generate", args=["ceb-quarterly"])
    for period in ("2026/27-Q3", "2026-09", "nonsense"):
        response = client_for(pat).post(url, {"ceb-quarterly-period": period})
        assert response.status_code == 302
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("who", ["carol", "sam", "alice"])
def test_only_the_performance_team_can_generate(council: Any, who: str, request: Any) -> None:
    user = request.getfixturevalue(who)
    response = client_for(user).post(
        reverse("report_generate", args=["ceb-quarterly"]), {"ceb-quarterly-period": Q2.code}
    )
    assert response.status_code == 403
    assert not ReportRun.objects.exists()


def test_generate_needs_a_post(council: Any, pat: User) -> None:
    response = client_for(pat).get(reverse("report_generate", args=["ceb-quarterly"]))
    assert response.status_code == 405


def test_signed_out_generate_is_sent_to_sign_in(council: Any) -> None:
    response = Client().post(reverse("report_generate", args=["ceb-quarterly"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not ReportRun.objects.exists()
