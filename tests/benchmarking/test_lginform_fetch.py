"""The LG Inform Plus fetch against recorded answers: what it writes, counts, records and audits;
a second run writing nothing; failures; the command and the scheduled task."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.test import override_settings

from benchmarking.lginform import fetch as fetching
from benchmarking.lginform.client import LGInformClient, Request, Response
from benchmarking.lginform.fetch import (
    NOT_CONFIGURED,
    FetchRequestError,
    lginform_fetch,
)
from benchmarking.models import Authority, BenchmarkValue, Fetch, Metric
from benchmarking.tasks import fetch_lginform_task
from targets.models import ChangeRecord
from tests.benchmarking.conftest import authority, metric
from tests.benchmarking.lginform.recorded import (
    AREAS,
    FakeTransport,
    pages,
    query,
    recorded,
    replaying,
)

pytestmark = [pytest.mark.django_db]
NAMES = ["Bristol, City of", "Exeter", "Basildon", "Rushmoor", "Oxford"]
CONFIGURED = override_settings(
    LGINFORM_API_KEY="ExamplePPK", LGINFORM_API_SECRET="s3cret", LGINFORM_AREAS_PER_REQUEST=2
)


@pytest.fixture
def register() -> list[Authority]:
    """The five English areas of the recorded answers, a Welsh one and a former district."""
    made = [authority(code, name) for code, name in zip(AREAS, NAMES, strict=True)]
    authority("W06000015", "Cardiff", type="UA")
    Authority.objects.create(code="E07000048", name="Christchurch", type="NMD", is_current=False)
    return made


@pytest.fixture
def env18(register: list[Authority]) -> Metric:
    return metric("ENV18", title="Household waste recycled", unit="percent", lginform_id=46)


def client(transport: FakeTransport, slept: list[float] | None = None) -> LGInformClient:
    return LGInformClient(
        key="ExamplePPK",
        transport=transport,
        areas_per_request=2,
        sleep=(slept if slept is not None else []).append,
        clock=lambda: datetime(2026, 5, 4, tzinfo=UTC),
    )


def stored(code: str = "ENV18") -> dict[tuple[str, str], Decimal]:
    rows = BenchmarkValue.objects.filter(metric__code=code).values_list(
        "authority__code", "period", "value"
    )
    return {(area, period): value for area, period, value in rows}


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTransport]:
    """The settings' client gets the recorded answers instead of the network."""
    transport = FakeTransport(pages)
    monkeypatch.setattr(fetching, "default_transport", lambda: transport)
    yield transport


# --- The fetch ----------------------------------------------------------------------------------


def test_a_fetch_writes_every_english_authority_and_counts_the_na(env18: Metric) -> None:
    transport = FakeTransport(pages)
    outcome = lginform_fetch(client=client(transport))
    assert transport.areas_asked == ["E06000023,E07000041", "E07000066,E07000092", "E07000178"]
    fetch = Fetch.objects.get()
    assert (fetch.metric, fetch.lginform_id, fetch.status, fetch.trigger) == (
        env18,
        46,
        Fetch.Status.DONE,
        Fetch.Trigger.COMMAND,
    )
    assert fetch.periods == ["2021/22", "2022/23", "2023/24"]
    counts = (fetch.requests, fetch.rows_read, fetch.created, fetch.updated, fetch.unchanged)
    assert counts == (3, 15, 14, 0, 0)
    assert (fetch.missing, fetch.not_imported, fetch.batch) == (1, 0, outcome.batch)
    # The batch goes into the audit trail's batch too: both hold 40 characters at most.
    assert len(fetch.batch) <= min(
        Fetch._meta.get_field("batch").max_length or 0,
        ChangeRecord._meta.get_field("batch").max_length or 0,
    )
    assert fetch.finished_at is not None
    assert fetch.message == (
        "Imported benchmark values of ENV18: 15 rows read, 14 written (14 new, 0 changed), "
        "0 unchanged, 1 skipped, 0 not imported."
    )
    values = stored()
    assert len(values) == 14
    assert values["E07000178", "2023/24"] == Decimal("48.3")
    assert values["E07000066", "2023/24"] == Decimal("44")
    assert ("E06000023", "2023/24") not in values  # Bristol's NA


def test_every_value_written_is_in_the_audit_trail_with_the_fetch_batch(env18: Metric) -> None:
    lginform_fetch(client=client(FakeTransport(pages)))
    fetch = Fetch.objects.get()
    records = ChangeRecord.objects.filter(batch=fetch.batch)
    assert records.count() == 14
    oxford = records.get(period="2023/24", reason__startswith="ENV18 E07000178")
    value = BenchmarkValue.objects.get(authority__code="E07000178", period="2023/24")
    assert (oxford.action, oxford.source, oxford.object_type, oxford.object_id) == (
        ChangeRecord.Action.CREATE,
        ChangeRecord.Source.SYSTEM,
        "benchmarkvalue",
        value.pk,
    )
    assert oxford.changes == {"value": [None, "48.3"]}
    assert oxford.reason == "ENV18 E07000178: fetched from LG Inform Plus (metric type 46)"
    assert oxford.user is None and oxford.measure is None


def test_a_second_run_writes_nothing(env18: Metric) -> None:
    lginform_fetch(client=client(FakeTransport(pages)))
    before = list(BenchmarkValue.objects.order_by("pk").values_list("pk", "period", "value"))
    records = ChangeRecord.objects.count()
    lginform_fetch(client=client(FakeTransport(pages)))
    assert list(BenchmarkValue.objects.order_by("pk").values_list("pk", "period", "value")) == (
        before
    )
    assert ChangeRecord.objects.count() == records
    second = Fetch.objects.order_by("started_at", "pk").last()
    assert second is not None
    assert (second.created, second.updated, second.unchanged, second.missing) == (0, 0, 14, 1)
    assert second.status == Fetch.Status.DONE


def test_a_revised_figure_is_changed_and_audited_with_its_old_value(env18: Metric) -> None:
    oxford = Authority.objects.get(code="E07000178")
    BenchmarkValue.objects.create(
        metric=env18, authority=oxford, period="2023/24", value=Decimal("47.9")
    )
    lginform_fetch(client=client(FakeTransport(pages)))
    fetch = Fetch.objects.get()
    assert (fetch.created, fetch.updated, fetch.unchanged) == (13, 1, 0)
    assert stored()["E07000178", "2023/24"] == Decimal("48.3")
    change = ChangeRecord.objects.get(action=ChangeRecord.Action.UPDATE)
    assert change.changes == {"value": ["47.9", "48.3"]}


def test_an_area_outside_the_register_is_reported_and_the_rest_written(env18: Metric) -> None:
    transport = replaying(page3=recorded("data-46-page3-with-england.json"))
    lginform_fetch(client=client(transport))
    fetch = Fetch.objects.get()
    assert (fetch.status, fetch.rows_read, fetch.created, fetch.not_imported) == (
        Fetch.Status.DONE,
        16,
        14,
        1,
    )
    assert fetch.details == [
        "Skipped 1 row: no value (NA or empty).",
        "Not imported, 1 row: areas that are not in the register of authorities (run "
        "import_authorities).",
        "  record 16, column area_code: E92000001 is not in the register",
    ]
    assert ("E92000001", "2023/24") not in stored()


def test_a_refused_key_is_recorded_writes_nothing_and_stops_the_run(env18: Metric) -> None:
    metric("LGI-17482", title="Major planning applications in time", lginform_id=17482)
    transport = FakeTransport(lambda r: recorded("not-authorized.txt", 401))
    outcome = lginform_fetch(client=client(transport))
    fetch = Fetch.objects.get()
    assert (fetch.metric, fetch.status, fetch.requests) == (env18, Fetch.Status.FAILED, 1)
    assert fetch.message == (
        "LG Inform Plus refused the key (HTTP 401: Not Authorized): check LGINFORM_API_KEY and "
        "LGINFORM_API_SECRET"
    )
    assert outcome.stopped == fetch.message
    assert [f.metric.code for f in outcome.fetches] == ["ENV18"]  # LGI-17482 not asked for
    assert not BenchmarkValue.objects.exists()
    assert not ChangeRecord.objects.exists()


def test_a_metric_that_fails_does_not_stop_the_next(env18: Metric) -> None:
    metric("A-GONE", title="A withdrawn metric type", lginform_id=999999)

    def handler(request: Request) -> Response:
        if query(request)["metricType"] == "999999":
            return Response(400, b"Unknown metric type: 999999")
        return pages(request)

    outcome = lginform_fetch(client=client(FakeTransport(handler)))
    statuses = {f.metric.code: (f.status, f.message) for f in outcome.fetches}
    assert statuses["A-GONE"] == (
        Fetch.Status.FAILED,
        "LG Inform Plus refused the request for metric type 999999 (HTTP 400: Unknown metric "
        "type: 999999)",
    )
    assert statuses["ENV18"][0] == Fetch.Status.DONE
    assert len(stored()) == 14
    assert outcome.stopped == ""


def test_server_errors_that_go_on_fail_the_metric_after_bounded_retries(env18: Metric) -> None:
    slept: list[float] = []
    transport = replaying(page2=recorded("server-error.html", 503))
    lginform_fetch(client=client(transport, slept))
    fetch = Fetch.objects.get()
    assert (fetch.status, fetch.requests, slept) == (Fetch.Status.FAILED, 5, [2, 4, 8])
    assert fetch.message.startswith("LG Inform Plus did not answer after 4 attempts (HTTP 503")
    assert not BenchmarkValue.objects.exists()  # page 1's rows are not written alone


def test_a_429_is_waited_for_and_the_fetch_completes(env18: Metric) -> None:
    slept: list[float] = []
    limited = recorded("too-many-requests.txt", 429, retry_after="5")
    lginform_fetch(client=client(replaying(page1=[limited, recorded("data-46-page1.json")]), slept))
    fetch = Fetch.objects.get()
    assert (fetch.status, fetch.requests, fetch.created, slept) == (Fetch.Status.DONE, 4, 14, [5])


def test_a_malformed_answer_fails_the_metric_and_writes_nothing(env18: Metric) -> None:
    lginform_fetch(client=client(replaying(page2=recorded("data-46-page2-truncated.json"))))
    fetch = Fetch.objects.get()
    assert fetch.status == Fetch.Status.FAILED
    assert fetch.message.startswith("The answer is not JSON (")
    assert fetch.message.endswith("(request 2 of 3, areas E07000066 to E07000092)")
    assert not BenchmarkValue.objects.exists()


def test_a_value_that_is_not_a_number_refuses_the_whole_answer(env18: Metric) -> None:
    odd = (
        b'[{"areaIdentifier": "E07000178", "periodLabel": "2023/24", "value": "48.3"},'
        b' {"areaIdentifier": "E07000178", "periodLabel": "2022/23", "value": "about 48"}]'
    )
    lginform_fetch(client=client(replaying(page3=Response(200, odd))))
    fetch = Fetch.objects.get()
    assert fetch.status == Fetch.Status.FAILED
    assert fetch.message == "Nothing was written: the answer has 1 problem."
    assert fetch.details == ["record 14, column value: Value must be a number"]
    assert not BenchmarkValue.objects.exists()
    assert not ChangeRecord.objects.exists()


def test_a_fetch_racing_another_write_is_recorded_as_failed(
    env18: Metric, monkeypatch: pytest.MonkeyPatch
) -> None:
    def racing(*args: object, **kwargs: object) -> None:
        raise IntegrityError("duplicate key value violates unique constraint one_benchmark_value")

    monkeypatch.setattr(fetching, "import_benchmark_table", racing)
    outcome = lginform_fetch(client=client(FakeTransport(pages)))
    fetch = Fetch.objects.get()
    assert (fetch.status, fetch.requests) == (Fetch.Status.FAILED, 3)
    assert fetch.message == fetching.CONCURRENT
    assert outcome.stopped == ""


def test_an_unexpected_error_leaves_the_fetch_failed_not_running(
    env18: Metric, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(fetching, "import_benchmark_table", broken)
    with pytest.raises(RuntimeError):
        lginform_fetch(client=client(FakeTransport(pages)))
    assert Fetch.objects.get().status == Fetch.Status.FAILED


def test_a_dry_run_writes_and_records_nothing(env18: Metric) -> None:
    outcome = lginform_fetch(client=client(FakeTransport(pages)), dry_run=True)
    report = outcome.reports["ENV18"]
    assert (report.dry_run, report.created, report.skipped_total) == (True, 14, 1)
    assert outcome.fetches[0].status == Fetch.Status.DONE
    assert not Fetch.objects.exists()
    assert not BenchmarkValue.objects.exists()
    assert not ChangeRecord.objects.exists()


def test_only_the_metrics_named_are_fetched(env18: Metric) -> None:
    metric("LGI-17482", title="Major planning applications in time", lginform_id=17482)
    transport = FakeTransport(pages)
    lginform_fetch(codes=["ENV18"], client=client(transport))
    assert {query(r)["metricType"] for r in transport.requests} == {"46"}


def test_naming_a_metric_that_cannot_be_fetched_says_why(env18: Metric) -> None:
    metric("RO590-HEAD", title="Spending per head")
    with pytest.raises(FetchRequestError) as caught:
        lginform_fetch(codes=["RO590-HEAD", "NOPE"], client=client(FakeTransport(pages)))
    assert str(caught.value) == (
        "RO590-HEAD has no LG Inform metric id: set one on the metric first; "
        "There is no metric NOPE"
    )
    assert not Fetch.objects.exists()


def test_without_english_authorities_in_the_register_nothing_is_asked() -> None:
    metric("ENV18", title="Household waste recycled", lginform_id=46)
    transport = FakeTransport(pages)
    with pytest.raises(FetchRequestError, match="run import_authorities first"):
        lginform_fetch(client=client(transport))
    assert transport.requests == []


@override_settings(LGINFORM_API_KEY="")
def test_without_a_key_nothing_is_fetched(env18: Metric, no_network: FakeTransport) -> None:
    outcome = lginform_fetch()
    assert (outcome.configured, outcome.fetches, outcome.lines()) == (False, [], [NOT_CONFIGURED])
    assert no_network.requests == []
    assert not Fetch.objects.exists()


# --- The command --------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("fetch_lginform", *args, stdout=out)
    return out.getvalue()


@override_settings(LGINFORM_API_KEY="")
def test_the_command_without_a_key_says_so_and_does_nothing(
    env18: Metric, no_network: FakeTransport
) -> None:
    with pytest.raises(CommandError) as caught:
        run()
    assert str(caught.value) == NOT_CONFIGURED
    assert no_network.requests == []


@CONFIGURED
def test_the_command_fetches_with_the_settings_key_and_reports(
    env18: Metric, no_network: FakeTransport
) -> None:
    first = run()
    assert (
        "ENV18 (LG Inform 46): Imported benchmark values of ENV18: 15 rows read, 14 written"
        in first
    )
    assert first.rstrip().endswith("Fetched 1 metric: 14 values written.")
    assert query(no_network.requests[0])["ApplicationKey"] == "ExamplePPK"
    assert query(no_network.requests[0])["Signature"]
    assert run("--metric", "ENV18").rstrip().endswith("Fetched 1 metric: 0 values written.")
    assert Fetch.objects.filter(trigger=Fetch.Trigger.COMMAND).count() == 2


@CONFIGURED
def test_the_command_dry_run_writes_nothing(env18: Metric, no_network: FakeTransport) -> None:
    out = run("--dry-run", "--latest", "2")
    assert out.startswith("Check only: nothing was written or recorded.")
    assert "would give 15 rows read, 14 written" in out
    assert query(no_network.requests[0])["period"] == "latest:2"
    assert not Fetch.objects.exists() and not BenchmarkValue.objects.exists()


@CONFIGURED
def test_the_command_fails_when_a_metric_could_not_be_fetched(
    env18: Metric, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = FakeTransport(lambda r: recorded("not-authorized.txt", 401))
    monkeypatch.setattr(fetching, "default_transport", lambda: refused)
    with pytest.raises(CommandError, match="1 of 1 metrics could not be fetched"):
        run()
    assert Fetch.objects.get().status == Fetch.Status.FAILED


@CONFIGURED
def test_the_command_refuses_an_unknown_metric(env18: Metric, no_network: FakeTransport) -> None:
    with pytest.raises(CommandError, match="There is no metric NOPE"):
        run("--metric", "NOPE")


@CONFIGURED
def test_the_command_says_when_no_metric_has_an_id(
    register: list[Authority], no_network: FakeTransport
) -> None:
    assert "No metric has an LG Inform metric id" in run()


# --- The scheduled task -------------------------------------------------------------------------


@override_settings(LGINFORM_API_KEY="")
def test_the_task_without_a_key_succeeds_doing_nothing(
    env18: Metric, no_network: FakeTransport
) -> None:
    assert fetch_lginform_task.delay().get() == {"configured": False, "fetched": 0}
    assert no_network.requests == [] and not Fetch.objects.exists()


@CONFIGURED
def test_the_task_fetches_on_schedule_and_a_redelivery_writes_nothing(
    env18: Metric, no_network: FakeTransport
) -> None:
    first = fetch_lginform_task.delay().get()
    again = fetch_lginform_task.delay().get()
    assert (first["fetched"], first["failed"], first["written"]) == (1, 0, 14)
    assert (again["fetched"], again["written"]) == (1, 0)
    assert set(Fetch.objects.values_list("trigger", flat=True)) == {Fetch.Trigger.SCHEDULE}


def test_beat_fetches_every_monday_morning() -> None:
    from config.celery import app

    entry = app.conf.beat_schedule["fetch-lginform"]
    assert entry["task"] == "benchmarking.tasks.fetch_lginform_task"
    schedule = entry["schedule"]
    assert (schedule.day_of_week, schedule.hour, schedule.minute) == ({1}, {6}, {15})
    assert fetching.SCHEDULE == "every Monday at 06:15"
