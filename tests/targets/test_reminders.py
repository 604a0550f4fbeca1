"""Reminders: due soon and late to the updater, escalation to the head, each sent once.

Today is Thursday 26 Nov 2026, N = 5 and M = 10. A monthly measure's Oct 2026 value (period end
31 Oct) with due_days d is due on 31 Oct + d: d = 30 is due soon (30 Nov), d = 26 is due today,
d = 25 is 1 day late, d = 16 is exactly 10 days late, d = 15 is 11 days late.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app
from targets import periods
from targets.models import Measure, Reminder, Service, ServiceRole, User, Value, ValueStatus
from targets.reminders import ReminderSummary, outstanding_items, send_reminders
from targets.tasks import send_reminders_task
from tests.factories import MeasureFactory, UserFactory, ValueFactory

pytestmark = pytest.mark.django_db

SITE = "https://goldthread.example.gov.uk"
Kind = Reminder.Kind


@pytest.fixture(autouse=True)
def _today(time_machine: Any, settings: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)
    settings.REMINDER_DUE_SOON_DAYS = 5
    settings.REMINDER_ESCALATE_AFTER_DAYS = 10
    settings.SITE_URL = SITE + "/"


@pytest.fixture
def officer(alice: User) -> User:
    alice.first_name, alice.email = "Alice", "alice@example.gov.uk"
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


def _sent() -> set[tuple[str, str, str, str]]:
    rows = Reminder.objects.select_related("measure", "recipient")
    return {(r.measure.code, r.period, r.kind, r.recipient.username) for r in rows}


def _html(message: mail.EmailMultiAlternatives) -> BeautifulSoup:
    content, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return BeautifulSoup(str(content), "html.parser")


def test_due_soon_mail_goes_to_the_updater_with_the_measure_listed(
    officer: User, waste: Service, mailoutbox: list[Any]
) -> None:
    measure = _measure(waste, officer, due_days=30, code="WR01", title="Bins collected on time")

    summary = send_reminders()

    assert summary == ReminderSummary(due_soon=1, emails=1)
    (message,) = mailoutbox
    assert message.to == ["alice@example.gov.uk"]
    assert message.subject == "Goldthread: 1 value due soon"
    assert "WR01 Bins collected on time, Oct 2026" in message.body
    assert "Due 30 Nov 2026 (in 4 days)" in message.body
    assert f"{SITE}/measures/WR01/" in message.body
    soup = _html(message)
    link = soup.select_one("ul.due-soon a")
    assert link is not None
    assert link["href"] == f"{SITE}{measure.get_absolute_url()}"
    assert link.get_text(strip=True) == "WR01 Bins collected on time"
    assert _sent() == {("WR01", "2026-10", Kind.DUE_SOON, "alice")}


def test_value_due_today_is_due_soon_not_late(
    officer: User, waste: Service, mailoutbox: list[Any]
) -> None:
    _measure(waste, officer, due_days=26)

    assert send_reminders() == ReminderSummary(due_soon=1, emails=1)
    assert "Due 26 Nov 2026 (today)" in mailoutbox[0].body


@pytest.mark.parametrize(("due_days", "reminded"), [(31, True), (32, False)])
def test_due_soon_reaches_exactly_n_days_ahead(
    officer: User, waste: Service, due_days: int, reminded: bool
) -> None:
    _measure(waste, officer, due_days=due_days)

    assert send_reminders().due_soon == int(reminded)


def test_late_value_is_reminded_to_the_updater_and_not_yet_escalated(
    officer: User, head: User, waste: Service, mailoutbox: list[Any]
) -> None:
    _measure(waste, officer, due_days=25, code="WR02")

    assert send_reminders() == ReminderSummary(late=1, emails=1)
    (message,) = mailoutbox
    assert message.to == ["alice@example.gov.uk"]
    assert message.subject == "Goldthread: 1 value late"
    assert "Was due 25 Nov 2026 (1 day late)" in message.body
    assert _html(message).select("ul.late a")[0]["href"] == f"{SITE}/measures/WR02/"
    assert _sent() == {("WR02", "2026-10", Kind.LATE, "alice")}


@pytest.mark.parametrize(("due_days", "escalated"), [(16, False), (15, True)])
def test_escalation_to_head_only_when_more_than_m_days_late(
    officer: User, head: User, waste: Service, due_days: int, escalated: bool
) -> None:
    _measure(waste, officer, due_days=due_days, code="WR03")

    summary = send_reminders()

    assert (summary.late, summary.escalation) == (1, int(escalated))
    assert (("WR03", "2026-10", Kind.ESCALATION, "hannah") in _sent()) is escalated


def test_escalation_mail_lists_the_services_late_measures_with_their_owners(
    officer: User, head: User, waste: Service, mailoutbox: list[Any]
) -> None:
    _measure(waste, officer, code="WR04", title="Missed bins")
    _measure(waste, None, code="WR05", title="Fly-tipping cleared")

    summary = send_reminders()

    assert summary.escalation == 2
    (escalation,) = [m for m in mailoutbox if m.to == ["hannah@example.gov.uk"]]
    assert (
        escalation.subject == "Goldthread: 2 values more than 10 days late in Waste and Recycling"
    )
    assert "Owner: Alice" in escalation.body
    assert "Owner: Waste and Recycling officers (no updater)" in escalation.body
    rows = _html(escalation).select("table tbody tr")
    assert [row.th.get_text(strip=True) for row in rows] == [
        "WR04 Missed bins",
        "WR05 Fly-tipping cleared",
    ]
    assert [row.find_all("td")[-1].get_text() for row in rows] == ["16", "16"]


@pytest.mark.parametrize(
    "status", [ValueStatus.SUBMITTED, ValueStatus.APPROVED, ValueStatus.PUBLISHED]
)
def test_a_submitted_value_stops_reminders(
    officer: User, head: User, waste: Service, mailoutbox: list[Any], status: str
) -> None:
    measure = _measure(waste, officer)
    ValueFactory(measure=measure, period="2026-10", status=status)

    assert send_reminders() == ReminderSummary()
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_a_draft_still_counts_as_not_submitted(
    officer: User, head: User, waste: Service, mailoutbox: list[Any]
) -> None:
    measure = _measure(waste, officer)
    ValueFactory(measure=measure, period="2026-10", status=ValueStatus.DRAFT)

    assert send_reminders() == ReminderSummary(late=1, escalation=1, emails=2)


def test_running_twice_sends_nothing_the_second_time(
    officer: User, head: User, waste: Service, mailoutbox: list[Any]
) -> None:
    _measure(waste, officer, due_days=30)
    _measure(waste, officer)

    first = send_reminders()
    second = send_reminders()

    assert first == ReminderSummary(due_soon=1, late=1, escalation=1, emails=2)
    assert second == ReminderSummary()
    assert len(mailoutbox) == 2
    assert Reminder.objects.count() == 3


def test_one_mail_per_person_lists_all_their_items(
    officer: User, bob: User, waste: Service, housing: Service, mailoutbox: list[Any]
) -> None:
    bob.email = "bob@example.gov.uk"
    bob.save()
    _measure(waste, officer, due_days=30, code="WR06")
    _measure(waste, officer, due_days=25, code="WR07")
    _measure(housing, bob, due_days=25, code="HOU01")

    send_reminders()

    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert set(by_recipient) == {"alice@example.gov.uk", "bob@example.gov.uk"}
    alices = by_recipient["alice@example.gov.uk"]
    assert alices.subject == "Goldthread: 1 value due soon, 1 value late"
    assert "WR06" in alices.body and "WR07" in alices.body and "HOU01" not in alices.body
    assert "HOU01" in by_recipient["bob@example.gov.uk"].body


def test_late_reminder_follows_due_soon_once_the_date_passes(
    officer: User, waste: Service, time_machine: Any
) -> None:
    _measure(waste, officer, due_days=30)
    assert send_reminders() == ReminderSummary(due_soon=1, emails=1)

    time_machine.move_to(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False)

    assert send_reminders() == ReminderSummary(late=1, emails=1)


def test_settings_choose_n_and_m(officer: User, head: User, waste: Service, settings: Any) -> None:
    _measure(waste, officer, due_days=35, code="WR08")  # due 5 Dec: 9 days ahead
    _measure(waste, officer, due_days=10, code="WR09")  # due 10 Nov: 16 days late
    assert send_reminders(today=date(2026, 11, 26)) == ReminderSummary(
        late=1, escalation=1, emails=2
    )
    Reminder.objects.all().delete()

    settings.REMINDER_DUE_SOON_DAYS = 10
    settings.REMINDER_ESCALATE_AFTER_DAYS = 20

    assert send_reminders() == ReminderSummary(due_soon=1, late=1, emails=1)


def test_measure_without_updater_reminds_every_officer_of_its_service(
    officer: User, waste: Service, mailoutbox: list[Any]
) -> None:
    walter = UserFactory(username="walter", email="walter@example.gov.uk")
    ServiceRole.objects.create(user=walter, service=waste, role=ServiceRole.Role.UPDATER)
    _measure(waste, None, due_days=30, code="WR10")

    assert send_reminders() == ReminderSummary(due_soon=1, emails=2)
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.gov.uk", "walter@example.gov.uk"]
    assert all("WR10" in m.body for m in mailoutbox)
    assert Reminder.objects.get().kind == Kind.DUE_SOON


def test_person_without_email_is_skipped_and_reminded_once_they_have_one(
    alice: User, waste: Service, mailoutbox: list[Any]
) -> None:
    _measure(waste, alice, due_days=30)

    assert send_reminders() == ReminderSummary(skipped=1)
    assert not Reminder.objects.exists()

    alice.email = "alice@example.gov.uk"
    alice.save()

    assert send_reminders() == ReminderSummary(due_soon=1, emails=1)


def test_failed_send_records_nothing_and_is_retried_next_run(
    officer: User, waste: Service, mailoutbox: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _measure(waste, officer, due_days=30)

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError("SMTP server down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        assert send_reminders() == ReminderSummary(failed=1)
    assert not Reminder.objects.exists()

    assert send_reminders() == ReminderSummary(due_soon=1, emails=1)
    assert len(mailoutbox) == 1


def test_item_another_run_claims_meanwhile_is_not_sent_twice(
    officer: User, waste: Service, mailoutbox: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _measure(waste, officer, due_days=30, code="WR12")
    _measure(waste, officer, due_days=30, code="WR13")

    def racing(today: date) -> list[Any]:
        found = outstanding_items(today)
        # A run started a second earlier (beat and a manual command) claims WR12 meanwhile.
        Reminder.objects.create(
            measure=first,
            period="2026-10",
            kind=Kind.DUE_SOON,
            recipient=officer,
            sent_at=timezone.now() - timedelta(seconds=1),
        )
        return found

    monkeypatch.setattr("targets.reminders.outstanding_items", racing)

    assert send_reminders() == ReminderSummary(due_soon=1, emails=1)
    assert "WR13" in mailoutbox[0].body
    assert "WR12" not in mailoutbox[0].body


@pytest.mark.parametrize(("outstanding", "reminded"), [("2025-10", False), ("2025-11", True)])
def test_only_periods_ending_in_the_last_year_are_reminded(
    officer: User, waste: Service, outstanding: str, reminded: bool
) -> None:
    _measure(waste, officer, outstanding=(outstanding,))

    assert send_reminders().late == int(reminded)


def test_measures_not_active_in_the_periods_year_are_not_reminded(
    officer: User, waste: Service
) -> None:
    _measure(waste, officer, code="WR11", outstanding=("2026-03", "2026-10"), active_to=2025)

    send_reminders()

    assert _sent() == {("WR11", "2026-03", Kind.LATE, "alice")}


def test_celery_task_runs_eagerly_and_returns_counts(
    officer: User, head: User, waste: Service, mailoutbox: list[Any]
) -> None:
    _measure(waste, officer)

    result = send_reminders_task.delay()

    assert result.get() == {
        "due_soon": 0,
        "late": 1,
        "escalation": 1,
        "emails": 2,
        "skipped": 0,
        "failed": 0,
    }
    assert len(mailoutbox) == 2


def test_beat_runs_the_task_every_day_at_seven_london_time() -> None:
    entry = app.conf.beat_schedule["send-reminders"]

    assert entry["task"] == send_reminders_task.name == "targets.tasks.send_reminders_task"
    assert entry["schedule"].hour == {7}
    assert entry["schedule"].minute == {0}
    assert entry["schedule"].day_of_week == set(range(7))
    assert app.conf.timezone == "Europe/London"


def test_management_command_sends_and_reports(
    officer: User, head: User, waste: Service, mailoutbox: list[Any], capsys: Any
) -> None:
    _measure(waste, officer)

    call_command("send_reminders", "--date", "2026-11-26")

    out = capsys.readouterr().out
    assert "Reminders sent: 0 due soon, 1 late, 1 escalated, in 2 e-mails." in out
    assert len(mailoutbox) == 2


def _annual_measures(count: int, service: Service, officer: User) -> None:
    # 2025/26 ended 31 Mar 2026: each is late and escalated, two items per measure.
    MeasureFactory.create_batch(
        count, service=service, updater=officer, frequency=Measure.Frequency.ANNUAL
    )


@pytest.mark.parametrize("count", [5, 50])
def test_query_count_is_bounded(
    officer: User,
    head: User,
    waste: Service,
    count: int,
    django_assert_max_num_queries: Any,
) -> None:
    _annual_measures(count, waste, officer)

    with django_assert_max_num_queries(12):
        summary = send_reminders()

    assert summary == ReminderSummary(late=count, escalation=count, emails=2)


def test_query_count_does_not_grow_with_the_number_of_measures(
    officer: User, head: User, waste: Service
) -> None:
    counts = []
    for batch in (5, 50):
        Reminder.objects.all().delete()
        Measure.objects.all().delete()
        _annual_measures(batch, waste, officer)
        with CaptureQueriesContext(connection) as queries:
            send_reminders()
        counts.append(len(queries))

    assert counts[0] == counts[1]
