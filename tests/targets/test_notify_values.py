"""Values due and late through the notifications engine (the reminders it took over): due soon
and late to the updater, escalated to the head of service, each told once, in one digest a day.

Today is Thursday 26 Nov 2026, N = 5 and M = 10. A monthly measure's Oct 2026 value (period end
31 Oct) with due_days d is due on 31 Oct + d: d = 30 is due soon (30 Nov), d = 26 is due today,
d = 25 is 1 day late, d = 16 is exactly 10 days late, d = 15 is 11 days late.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.celery import app
from targets import notices as target_notices
from targets import periods
from targets.models import (
    Digest,
    Measure,
    Notice,
    Service,
    ServiceRole,
    User,
    Value,
    ValueStatus,
)
from targets.notify.engine import RunSummary, digest_send, notifications_run
from targets.tasks import retry_digests_task, send_notifications_task
from tests.factories import MeasureFactory, UserFactory, ValueFactory

pytestmark = pytest.mark.django_db

SITE = "https://goldthread.example.gov.uk"
TODAY = date(2026, 11, 26)


class ValuesOnly:
    """The value kinds of targets' notices alone: the services of these tests have no feedback
    and no plan, which other kinds would rightly raise."""

    KINDS = [kind for kind in target_notices.KINDS if kind.code.startswith("value_")]

    @staticmethod
    def collect(today: date) -> Any:
        return target_notices.values(today)


@pytest.fixture(autouse=True)
def _values_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("targets.notify.engine.registry.sources", lambda: [("targets", ValuesOnly)])


@pytest.fixture(autouse=True)
def _today(time_machine: Any, settings: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 7, tzinfo=UTC), tick=False)
    settings.REMINDER_DUE_SOON_DAYS = 5
    settings.REMINDER_ESCALATE_AFTER_DAYS = 10
    settings.SITE_URL = SITE + "/"


@pytest.fixture
def officer(alice: User) -> User:
    alice.first_name, alice.last_name, alice.email = "Alice", "Jones", "alice@example.gov.uk"
    alice.save()
    return alice


@pytest.fixture
def head(hannah: User) -> User:
    hannah.first_name, hannah.email = "Hannah", "hannah@example.gov.uk"
    hannah.save()
    return hannah


def _measure(
    service: Service,
    updater: User | None,
    *,
    due_days: int = 10,
    outstanding: tuple[str, ...] = ("2026-10",),
    **fields: Any,
) -> Measure:
    """A monthly measure with every value from Oct 2025 to Oct 2026 published but `outstanding`."""
    measure = MeasureFactory(service=service, updater=updater, due_days=due_days, **fields)
    months = periods.last_n(periods.parse_period("2026-10"), 13)
    Value.objects.bulk_create(
        Value(measure=measure, period=p.code, status=ValueStatus.PUBLISHED)
        for p in months
        if p.code not in outstanding
    )
    return measure


def _raised() -> set[tuple[str, str, str]]:
    """(object key's measure code and period, kind, recipient) of every notice standing."""
    found = set()
    for notice in Notice.objects.current().select_related("recipient"):
        _, pk, period = notice.object_key.split(":")
        code = Measure.objects.get(pk=pk).code
        found.add((f"{code} {period}", notice.kind, notice.recipient.username))
    return found


def _html(message: mail.EmailMultiAlternatives) -> BeautifulSoup:
    content, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return BeautifulSoup(str(content), "html.parser")


def test_due_soon_goes_to_the_updater_with_a_link_to_enter_it(
    officer: User, waste: Service, mailoutbox: list[Any]
) -> None:
    _measure(waste, officer, due_days=30, code="WR01", title="Bins collected on time")

    summary = notifications_run()

    assert (summary.raised, summary.sent) == (1, 1)
    (message,) = mailoutbox
    assert message.to == ["alice@example.gov.uk"]
    assert message.subject == "Goldthread for Thursday 26 November 2026: 1 thing needs you"
    assert "WR01 Bins collected on time, Oct 2026" in message.body
    assert "Values due soon: Due 30 Nov 2026 (in 4 days)" in message.body
    assert f"{SITE}/measures/WR01/enter/?period=2026-10" in message.body
    soup = _html(message)
    assert soup.html is not None and soup.html["lang"] == "en-GB"
    link = soup.select_one("ul.items a")
    assert link is not None
    assert link["href"] == f"{SITE}/measures/WR01/enter/?period=2026-10"
    assert link.get_text(strip=True) == "WR01 Bins collected on time, Oct 2026"
    assert soup.find("h2", string="Values") is not None
    assert _raised() == {("WR01 2026-10", "value_due_soon", "alice")}


def test_value_due_today_is_due_soon_not_late(
    officer: User, waste: Service, mailoutbox: list[Any]
) -> None:
    _measure(waste, officer, due_days=26)

    notifications_run()

    assert "Due 26 Nov 2026 (today)" in mailoutbox[0].body
    assert Notice.objects.get().kind == "value_due_soon"


@pytest.mark.parametrize(("due_days", "reminded"), [(31, True), (32, False)])
def test_due_soon_reaches_exactly_n_days_ahead(
    officer: User, waste: Service, due_days: int, reminded: bool
) -> None:
    _measure(waste, officer, due_days=due_days)

    assert notifications_run().raised == int(reminded)


def test_late_value_goes_to_the_updater_and_is_not_yet_escalated(
    officer: User, head: User, waste: Service, mailoutbox: list[Any]
) -> None:
    _measure(waste, officer, due_days=25, code="WR02")

    notifications_run()

    (message,) = mailoutbox
    assert message.to == ["alice@example.gov.uk"]
    assert "Late values: Was due 25 Nov 2026 (1 day late)" in message.body
    assert _html(message).select("ul.items a")[0]["href"] == (
        f"{SITE}/measures/WR02/enter/?period=2026-10"
    )
    assert _raised() == {("WR02 2026-10", "value_late", "alice")}


@pytest.mark.parametrize(("due_days", "escalated"), [(16, False), (15, True)])
def test_escalation_to_the_head_only_when_more_than_m_days_late(
    officer: User, head: User, waste: Service, due_days: int, escalated: bool
) -> None:
    _measure(waste, officer, due_days=due_days, code="WR03")

    notifications_run()

    assert (("WR03 2026-10", "value_escalated", "hannah") in _raised()) is escalated
    assert ("WR03 2026-10", "value_late", "alice") in _raised()


def test_the_heads_digest_lists_escalations_first_with_their_owners(
    officer: User, head: User, waste: Service, mailoutbox: list[Any]
) -> None:
    _measure(waste, officer, code="WR04", title="Missed bins")
    _measure(waste, None, code="WR05", title="Fly-tipping cleared")

    notifications_run()

    (digest,) = [m for m in mailoutbox if m.to == ["hannah@example.gov.uk"]]
    assert digest.subject.endswith("2 things need you (2 escalated to you)")
    assert "Owner: Alice Jones" in digest.body
    assert "Owner: Waste and Recycling officers" in digest.body
    soup = _html(digest)
    first = soup.find("h2")
    assert first is not None and first.get_text() == "Escalated to you"
    assert [a.get_text(strip=True) for a in soup.select("ul.items a")] == [
        "WR04 Missed bins, Oct 2026",
        "WR05 Fly-tipping cleared, Oct 2026",
    ]
    assert all(a["href"].startswith(f"{SITE}/measures/WR0") for a in soup.select("ul.items a"))


@pytest.mark.parametrize(
    "status", [ValueStatus.SUBMITTED, ValueStatus.APPROVED, ValueStatus.PUBLISHED]
)
def test_a_submitted_value_stops_the_notices(
    officer: User, head: User, waste: Service, mailoutbox: list[Any], status: str
) -> None:
    measure = _measure(waste, officer)
    ValueFactory(measure=measure, period="2026-10", status=status)

    assert notifications_run() == RunSummary()
    assert mailoutbox == []
    assert not Notice.objects.exists()


def test_submitting_resolves_a_notice_already_raised(
    officer: User, waste: Service, time_machine: Any
) -> None:
    measure = _measure(waste, officer, due_days=30)
    notifications_run()
    ValueFactory(measure=measure, period="2026-10", status=ValueStatus.SUBMITTED)
    time_machine.move_to(datetime(2026, 11, 27, 7, tzinfo=UTC), tick=False)

    summary = notifications_run()

    assert (summary.raised, summary.resolved) == (0, 1)
    assert Notice.objects.get().resolved_on == date(2026, 11, 27)
    assert not Notice.objects.current().exists()


def test_a_draft_still_counts_as_not_submitted(
    officer: User, head: User, waste: Service, mailoutbox: list[Any]
) -> None:
    measure = _measure(waste, officer)
    ValueFactory(measure=measure, period="2026-10", status=ValueStatus.DRAFT)

    summary = notifications_run()

    assert (summary.raised, summary.sent) == (2, 2)


def test_running_twice_sends_nothing_the_second_time(
    officer: User, head: User, waste: Service, mailoutbox: list[Any]
) -> None:
    _measure(waste, officer, due_days=30)
    _measure(waste, officer)

    first = notifications_run()
    second = notifications_run()

    assert (first.raised, first.sent) == (3, 2)
    assert second == RunSummary()
    assert len(mailoutbox) == 2
    assert Notice.objects.count() == 3


def test_one_digest_per_person_lists_all_their_items(
    officer: User, bob: User, waste: Service, housing: Service, mailoutbox: list[Any]
) -> None:
    bob.email = "bob@example.gov.uk"
    bob.save()
    _measure(waste, officer, due_days=30, code="WR06")
    _measure(waste, officer, due_days=25, code="WR07")
    _measure(housing, bob, due_days=25, code="HOU01")

    notifications_run()

    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert set(by_recipient) == {"alice@example.gov.uk", "bob@example.gov.uk"}
    alices = by_recipient["alice@example.gov.uk"]
    assert alices.subject.endswith("2 things need you")
    assert "WR06" in alices.body and "WR07" in alices.body and "HOU01" not in alices.body
    assert "HOU01" in by_recipient["bob@example.gov.uk"].body


def test_late_follows_due_soon_once_the_date_passes(
    officer: User, waste: Service, time_machine: Any, mailoutbox: list[Any]
) -> None:
    _measure(waste, officer, due_days=30)
    notifications_run()

    time_machine.move_to(datetime(2026, 12, 1, 7, tzinfo=UTC), tick=False)
    summary = notifications_run()

    assert (summary.raised, summary.resolved, summary.sent) == (1, 1, 1)
    assert "Late values" in mailoutbox[1].body and "Values due soon" not in mailoutbox[1].body


def test_settings_choose_n_and_m(officer: User, head: User, waste: Service, settings: Any) -> None:
    _measure(waste, officer, due_days=35, code="WR08")  # due 5 Dec: 9 days ahead
    _measure(waste, officer, due_days=10, code="WR09")  # due 10 Nov: 16 days late
    notifications_run()
    assert {kind for _, kind, _ in _raised()} == {"value_late", "value_escalated"}

    settings.REMINDER_DUE_SOON_DAYS = 10
    settings.REMINDER_ESCALATE_AFTER_DAYS = 20
    notifications_run()

    assert _raised() == {
        ("WR08 2026-10", "value_due_soon", "alice"),
        ("WR09 2026-10", "value_late", "alice"),
    }


def test_measure_without_updater_goes_to_every_officer_of_its_service(
    officer: User, waste: Service, mailoutbox: list[Any]
) -> None:
    walter = UserFactory(username="walter", email="walter@example.gov.uk")
    ServiceRole.objects.create(user=walter, service=waste, role=ServiceRole.Role.UPDATER)
    _measure(waste, None, due_days=30, code="WR10")

    summary = notifications_run()

    assert (summary.raised, summary.sent) == (2, 2)
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.gov.uk", "walter@example.gov.uk"]
    assert all("WR10" in m.body for m in mailoutbox)


def test_person_without_email_sees_it_on_my_work_and_is_mailed_once_they_have_one(
    alice: User, waste: Service, mailoutbox: list[Any], time_machine: Any
) -> None:
    _measure(waste, alice, due_days=30)

    summary = notifications_run()

    assert (summary.raised, summary.sent, summary.unreachable) == (1, 0, 1)
    assert Notice.objects.current().filter(recipient=alice).count() == 1
    alice.email = "alice@example.gov.uk"
    alice.save()
    time_machine.move_to(datetime(2026, 11, 27, 7, tzinfo=UTC), tick=False)

    assert notifications_run().sent == 1
    assert len(mailoutbox) == 1


def test_an_inactive_person_is_told_nothing(alice: User, waste: Service) -> None:
    alice.email, alice.is_active = "alice@example.gov.uk", False
    alice.save()
    _measure(waste, alice, due_days=30)

    assert notifications_run() == RunSummary()


def test_a_failed_send_keeps_the_digest_and_the_retry_sends_it_once(
    officer: User, waste: Service, mailoutbox: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _measure(waste, officer, due_days=30)

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError("SMTP server down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        assert notifications_run().failed == 1
    digest = Digest.objects.get()
    assert (digest.status, digest.attempts) == (Digest.Status.PENDING, 1)
    assert "SMTP server down" in digest.last_error

    assert retry_digests_task.delay().get()["sent"] == 1
    assert retry_digests_task.delay().get()["sent"] == 0
    assert len(mailoutbox) == 1
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == (Digest.Status.SENT, 2)


def test_a_digest_another_worker_claimed_is_not_sent_again(
    officer: User, waste: Service, mailoutbox: list[Any]
) -> None:
    _measure(waste, officer, due_days=30)
    notifications_run()
    digest = Digest.objects.get()
    summary = RunSummary()

    digest_send(digest_id=digest.pk, summary=summary)  # a redelivered message, say

    assert summary.sent == 0
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(("outstanding", "reminded"), [("2025-10", False), ("2025-11", True)])
def test_only_periods_ending_in_the_last_year_are_raised(
    officer: User, waste: Service, outstanding: str, reminded: bool
) -> None:
    _measure(waste, officer, outstanding=(outstanding,))

    assert notifications_run().raised == int(reminded)


def test_measures_not_active_in_the_periods_year_are_not_raised(
    officer: User, waste: Service
) -> None:
    _measure(waste, officer, code="WR11", outstanding=("2026-03", "2026-10"), active_to=2025)

    notifications_run()

    assert _raised() == {("WR11 2026-03", "value_late", "alice")}


def test_celery_task_runs_eagerly_and_returns_counts(
    officer: User, head: User, waste: Service, mailoutbox: list[Any]
) -> None:
    _measure(waste, officer)

    result = send_notifications_task.delay().get()

    assert (result["raised"], result["sent"], result["failed"]) == (2, 2, 0)
    assert len(mailoutbox) == 2


def test_beat_runs_the_engine_at_seven_and_retries_digests_in_the_day() -> None:
    daily = app.conf.beat_schedule["send-reminders"]
    retry = app.conf.beat_schedule["retry-notification-digests"]

    assert daily["task"] == send_notifications_task.name == "targets.tasks.send_notifications_task"
    assert daily["schedule"].hour == {7} and daily["schedule"].minute == {0}
    assert daily["schedule"].day_of_week == set(range(7))
    assert retry["task"] == retry_digests_task.name
    assert min(retry["schedule"].hour) == 7 and retry["schedule"].minute == {0, 30}
    assert app.conf.timezone == "Europe/London"


@pytest.mark.parametrize("command", ["send_notifications", "send_reminders"])
def test_management_command_sends_and_reports(
    officer: User, head: User, waste: Service, mailoutbox: list[Any], capsys: Any, command: str
) -> None:
    _measure(waste, officer)

    call_command(command, "--date", "2026-11-26")

    out = capsys.readouterr().out
    assert "Notices: 2 raised, 0 resolved. Digests: 2 sent." in out
    assert len(mailoutbox) == 2


def _annual_measures(count: int, service: Service, officer: User) -> None:
    # 2025/26 ended 31 Mar 2026: each is late and escalated, two notices per measure.
    MeasureFactory.create_batch(
        count, service=service, updater=officer, frequency=Measure.Frequency.ANNUAL
    )


def test_query_count_does_not_grow_with_the_number_of_measures(
    officer: User, head: User, waste: Service
) -> None:
    counts = []
    for batch in (5, 50):
        Notice.objects.all().delete()
        Digest.objects.all().delete()
        Measure.objects.all().delete()
        _annual_measures(batch, waste, officer)
        with CaptureQueriesContext(connection) as queries:
            summary = notifications_run()
        assert (summary.raised, summary.sent) == (2 * batch, 2)
        # SQLite splits a long bulk insert into batches of its parameter limit: not a loop.
        counts.append(sum(1 for q in queries if not q["sql"].startswith("INSERT")))

    assert counts[0] == counts[1]
