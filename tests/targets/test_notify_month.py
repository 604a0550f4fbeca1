"""A simulated month of deadlines against a real SMTP server started by the test (aiosmtpd).

November 2026 in a small council, one daily run at 07:00 (the beat task) and the half-hourly
retry of digests, with the mail server refusing connections on the 16th and hanging on the
17th. Every person gets exactly the digests they should, once, with links that work for them;
the outage delays the 16th's digest to the 18th and loses nothing.

The month (N = 5, M = 10, L = 30):

- values: WR01 (alice) Oct due 15 Nov; WR02 (alice) Oct due 5 Nov, submitted on the 3rd, and
  its Nov value due 5 Dec; HS01 (bob, no e-mail address) Oct due 15 Nov, housing has no head;
- an improvement action of alice's due 20 Nov; WR01's procedure review due 25 Nov; an audit of
  WR02 for November, pat auditing;
- a review of waste (sponsor carol, manager hannah) started 20 Feb: nine months on 20 Nov, with
  a milestone of alice's due 4 Nov;
- waste's last feedback ended 10 May (lapses 11 Nov); housing has none at all, nor a signed
  plan for 2026/27;
- a pack for CMT made on the 12th.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client

from feedback.models import Arrangement, Round
from fsr.models import Milestone, Review
from reporting.models import ReportRun, ReportSchedule, RunStatus
from reporting.packs import snapshot
from targets import periods
from targets.models import (
    Action,
    CorporateRole,
    DataQualityAudit,
    DataQualityProcedure,
    Digest,
    Measure,
    Notice,
    Service,
    ServicePlan,
    ServiceRole,
    User,
    Value,
    ValueStatus,
)
from targets.tasks import retry_digests_task, send_notifications_task
from tests.factories import MeasureFactory, UserFactory
from tests.smtp_servers import Inbox, Received, Silent, closed_port

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
SITE = "https://goldthread.example.gov.uk"
MONTH = [date(2026, 11, day) for day in range(1, 31)]
REFUSED_ON, HANGS_ON = date(2026, 11, 16), date(2026, 11, 17)

# Titles as the digests show them.
WR01 = "WR01 Bins collected on time"
WR02 = "WR02 Missed bins put right"
ACTION = "Introduce food waste collections (Waste and Recycling)"
PROCEDURE = f"Data-quality procedure of {WR01}"
AUDIT = f"Data-quality audit of {WR02}, Nov 2026"
REVIEW = "Waste collection review (Waste and Recycling)"
MILESTONE = f"Options appraisal: {REVIEW}"
WASTE_FEEDBACK, HOUSING_FEEDBACK = (
    "Customer feedback of Waste and Recycling",
    "Customer feedback of Housing",
)
HOUSING_PLAN = "Housing improvement plan 2026/27"
PACK = "Bi-monthly performance report to the corporate management team, B3 2026/27"

# (day, person) → the (kind, title) pairs of their digest that day: nothing else, ever.
EXPECTED: dict[tuple[int, str], set[tuple[str, str]]] = {
    (1, "alice"): {
        ("Values due soon", f"{WR02}, Oct 2026"),
        ("Procedures due for review", PROCEDURE),
    },
    (1, "hannah"): {
        ("Reviews approaching nine months", REVIEW),
        ("Feedback about to lapse", WASTE_FEEDBACK),
    },
    (1, "pat"): {
        ("Audits assigned to you", AUDIT),
        ("Lapsed feedback escalated", HOUSING_FEEDBACK),
        ("Plans not signed off", HOUSING_PLAN),
    },
    (5, "alice"): {("Missed milestones", MILESTONE)},
    (10, "alice"): {("Values due soon", f"{WR01}, Oct 2026")},
    (11, "hannah"): {("Feedback lapsed", WASTE_FEEDBACK)},
    (12, "carol"): {("Report packs published", PACK)},
    (15, "alice"): {("Improvement actions due soon", ACTION)},
    (15, "hannah"): {("Missed milestones escalated", MILESTONE)},
    # Raised on the 16th; the server refused that day and hung the next: sent on the 18th.
    (18, "alice"): {("Late values", f"{WR01}, Oct 2026")},
    (21, "alice"): {("Overdue improvement actions", ACTION)},
    (21, "hannah"): {("Reviews past nine months", REVIEW)},
    (21, "carol"): {("Reviews past nine months, escalated", REVIEW)},
    (22, "pat"): {("Lapsed feedback escalated", WASTE_FEEDBACK)},
    (26, "alice"): {("Procedures overdue for review", PROCEDURE)},
    (26, "hannah"): {("Late values escalated to you", f"{WR01}, Oct 2026")},
    (30, "alice"): {("Values due soon", f"{WR02}, Nov 2026")},
}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    server = Inbox().start()
    yield server
    server.stop()


@pytest.fixture
def council(settings: Any) -> dict[str, User]:
    settings.SITE_URL = SITE
    settings.REMINDER_DUE_SOON_DAYS = 5
    settings.REMINDER_ESCALATE_AFTER_DAYS = 10
    settings.NOTIFY_LEAD_DAYS = 30
    with time_machine.travel(at(date(2026, 10, 31), 18), tick=False):
        return _council()


def _council() -> dict[str, User]:
    def person(username: str, email: str, **fields: Any) -> User:
        first, last = username.capitalize(), "Smith"
        return UserFactory(
            username=username, email=email, first_name=first, last_name=last, **fields
        )

    people = {
        "alice": person("alice", "alice@oxford.example"),
        "hannah": person("hannah", "hannah@oxford.example"),
        "pat": person("pat", "pat@oxford.example", corporate_role=CorporateRole.PERFORMANCE),
        "carol": person("carol", "carol@oxford.example", corporate_role=CorporateRole.CMT),
        "bob": person("bob", ""),  # no e-mail address: sees his notices on My work only
    }
    waste = Service.objects.create(code="waste", name="Waste and Recycling", head=people["hannah"])
    housing = Service.objects.create(code="housing", name="Housing")
    ServiceRole.objects.create(user=people["alice"], service=waste, role="updater")
    ServiceRole.objects.create(user=people["bob"], service=housing, role="updater")
    measures = {
        "WR01": _measure("WR01", "Bins collected on time", waste, people["alice"], 15),
        "WR02": _measure("WR02", "Missed bins put right", waste, people["alice"], 5),
        "HS01": _measure("HS01", "Homes let in 28 days", housing, people["bob"], 15),
    }
    Action.objects.create(
        service=waste, title="Introduce food waste collections", owner=people["alice"],
        due=date(2026, 11, 20),
    )  # fmt: skip
    DataQualityProcedure.objects.create(
        measure=measures["WR01"], collection="Crew tablets", calculation="Collected / due",
        source_system="Whitespace", controls="Weekly check",
        last_reviewed=date(2025, 11, 25), next_review_due=date(2026, 11, 25),
    )  # fmt: skip
    DataQualityAudit.objects.create(
        measure=measures["WR02"], month="2026-11", auditor=people["pat"]
    )
    review = Review.objects.create(
        service=waste, title="Waste collection review", scope="Round design and costs",
        sponsor=people["carol"], project_manager=people["hannah"], start=date(2026, 2, 20),
        planned_end=date(2026, 11, 20), status=Review.Status.IN_PROGRESS,
    )  # fmt: skip
    Milestone.objects.create(
        review=review, title="Options appraisal", owner=people["alice"], due=date(2026, 11, 4)
    )
    survey = Arrangement.objects.create(
        service=waste, kind=Arrangement.Kind.CUSTOMER_SURVEY, title="Collection survey",
        frequency=Arrangement.Frequency.TWICE_YEARLY,
    )  # fmt: skip
    Round.objects.create(
        arrangement=survey, started=date(2026, 4, 1), ended=date(2026, 5, 10),
        respondents=400, percent_satisfied=Decimal("81.0"),
    )  # fmt: skip
    ServicePlan.objects.create(service=waste, year=2026, status=ServicePlan.Status.SIGNED_OFF)
    return people


def _measure(code: str, title: str, service: Service, updater: User, due_days: int) -> Measure:
    """Monthly, with every value from Nov 2025 to Sep 2026 published."""
    measure = MeasureFactory(
        code=code, title=title, service=service, updater=updater, due_days=due_days,
        active_from=2025,
    )  # fmt: skip
    months = periods.last_n(periods.parse_period("2026-09"), 11)
    Value.objects.bulk_create(
        Value(measure=measure, period=p.code, actual=Decimal("90"), status=ValueStatus.PUBLISHED)
        for p in months
    )
    return measure


def _pack_made(day: date) -> ReportRun:
    schedule = ReportSchedule.objects.get(code="cmt-bimonthly")
    period = periods.parse_period("2026/27-B3")
    data = snapshot.build(schedule=schedule, period=period, today=day, generated_at=at(day, 6))
    return ReportRun.objects.create(
        schedule=schedule, period=period.code, status=RunStatus.DONE, internal=data["internal"],
        pack_status=data["status"], summary_text=data["summary"]["text"], snapshot=data,
        started_at=at(day, 6), finished_at=at(day, 6, 1),
    )  # fmt: skip


def _mail_server(settings: Any, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 0.5


def _items(message: Received) -> set[tuple[str, str]]:
    """(kind, title) of each item of the HTML part, which must say the same as the text part."""
    soup = BeautifulSoup(message.part("text/html"), "html.parser")
    items = set()
    text = message.part("text/plain")
    for li in soup.select("ul.items li"):
        link = li.find("a")
        assert link is not None
        kind = li.get_text("\n").split("\n")[-1].split(":")[0].strip()
        items.add((kind, link.get_text(strip=True)))
        assert link.get_text(strip=True) in text and link["href"] in text
    return items


def _links(message: Received) -> list[str]:
    soup = BeautifulSoup(message.part("text/html"), "html.parser")
    return [str(a["href"]) for a in soup.find_all("a")]


def test_a_month_of_deadlines_reaches_each_person_once_through_an_outage(
    council: dict[str, User], inbox: Inbox, settings: Any
) -> None:
    people = council
    by_address = {user.email: name for name, user in people.items() if user.email}
    got: dict[tuple[int, str], list[Received]] = defaultdict(list)
    silent = Silent().start()
    try:
        for day in MONTH:
            if day == REFUSED_ON:
                _mail_server(settings, closed_port())
            elif day == HANGS_ON:
                _mail_server(settings, silent.port)
            else:
                _mail_server(settings, inbox.port)
            if day == date(2026, 11, 12):
                with time_machine.travel(at(day, 6), tick=False):
                    _pack_made(day)
            with time_machine.travel(at(day, 7), tick=False):
                send_notifications_task.delay().get()
                if day == MONTH[0]:
                    # The broker delivers the daily task twice: nothing is sent twice.
                    assert send_notifications_task.delay().get()["sent"] == 0
            with time_machine.travel(at(day, 7, 30), tick=False):
                retry_digests_task.delay().get()
            if day == date(2026, 11, 3):
                Value.objects.create(
                    measure=Measure.objects.get(code="WR02"), period="2026-10",
                    actual=Decimal("95"), status=ValueStatus.SUBMITTED,
                    entered_by=people["alice"], submitted_by=people["alice"],
                )  # fmt: skip
            for message in inbox.messages:
                (address,) = message.to
                got[(day.day, by_address[address])].append(message)
            inbox.clear()
    finally:
        silent.stop()

    assert set(got) == set(EXPECTED), "digests on the wrong days or to the wrong people"
    for (day, person), messages in sorted(got.items()):
        assert len(messages) == 1, f"{person} got {len(messages)} e-mails on the {day}th"
        (message,) = messages
        assert _items(message) == EXPECTED[(day, person)], f"{person} on the {day}th"
        when = date(2026, 11, day)
        assert message.subject.startswith(f"Goldthread for {when:%A} {day} November 2026: ")
        assert str(message.message["Message-ID"]).startswith("<goldthread-digest-")
    # Nothing was ever told twice, and the outage lost nothing.
    told = [item for messages in got.values() for m in messages for item in _items(m)]
    assert len(told) == len(set(told)) == sum(len(items) for items in EXPECTED.values())
    outage = Digest.objects.get(recipient=people["alice"], day=REFUSED_ON)
    hung = Digest.objects.get(recipient=people["alice"], day=HANGS_ON)
    assert (outage.status, outage.attempts, outage.carried_into) == (
        Digest.Status.SUPERSEDED,
        2,
        hung,  # the daily run and the retry at 07:30
    )
    assert "ConnectionRefusedError" in outage.last_error
    assert hung.status == Digest.Status.SUPERSEDED and "timed out" in hung.last_error
    assert hung.carried_into is not None and hung.carried_into.day == date(2026, 11, 18)
    assert hung.carried_into.status == Digest.Status.SENT
    # bob has no address: his deadlines wait for him on My work.
    assert set(
        Notice.objects.current().filter(recipient=people["bob"]).values_list("kind", flat=True)
    ) == {"value_late"}

    # Every link of every digest works for the person it was sent to.
    for (day, person), messages in got.items():
        browser = Client()
        browser.force_login(people[person])
        with time_machine.travel(at(date(2026, 11, day), 9), tick=False):
            for href in _links(messages[0]):
                assert href.startswith(SITE), href
                parts = urlsplit(href)
                response = browser.get(parts.path, dict(parse_qsl(parts.query)))
                assert response.status_code == 200, f"{href} for {person}: {response.status_code}"
