"""Digests through a real SMTP server (aiosmtpd, started here): one server that takes them, one
that refuses at DATA, one that is not there, one that never answers. Nothing is lost, nothing
is sent twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from targets.models import Digest, Notice, User
from targets.notify.engine import RunSummary, digests_gather, digests_send
from tests.factories import UserFactory
from tests.smtp_servers import Inbox, Silent, closed_port

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    server = Inbox().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 7, tzinfo=UTC), tick=False)


def use(settings: Any, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 0.5


@pytest.fixture
def alice() -> User:
    return UserFactory(username="alice", email="alice@oxford.example", first_name="Alice")


def notice(user: User, title: str = "WR01 Bins collected on time, Oct 2026") -> Notice:
    return Notice.objects.create(
        recipient=user, kind="value_late", object_key=f"measure:1:{title}", title=title,
        detail="Was due 25 Nov 2026 (1 day late)", url="/measures/WR01/", raised_on=TODAY,
    )  # fmt: skip


def run() -> RunSummary:
    summary = digests_gather(today=TODAY)
    return digests_send(today=TODAY, summary=summary)


def test_a_digest_arrives_as_plain_text_and_html(settings: Any, inbox: Inbox, alice: User) -> None:
    use(settings, inbox.port)
    notice(alice)

    assert run().sent == 1

    (message,) = inbox.messages
    assert message.to == ["alice@oxford.example"]
    assert "WR01 Bins collected on time, Oct 2026" in message.part("text/plain")
    assert 'href="http://127.0.0.1:8000/measures/WR01/"' in message.part("text/html")
    assert message.message["Auto-Submitted"] == "auto-generated"
    assert message.message["List-Unsubscribe"] == "<http://127.0.0.1:8000/my/notifications/>"


@pytest.mark.parametrize("server", ["refuses at DATA", "not listening", "never answers"])
def test_a_server_that_fails_keeps_the_digest_for_the_next_attempt(
    settings: Any, inbox: Inbox, alice: User, server: str
) -> None:
    notice(alice)
    silent = Silent().start()
    try:
        if server == "refuses at DATA":
            inbox.handler.refuse = True
            use(settings, inbox.port)
        else:
            use(settings, closed_port() if server == "not listening" else silent.port)

        assert run().failed == 1
    finally:
        silent.stop()
    digest = Digest.objects.get()
    assert (digest.status, digest.attempts, digest.claimed_until) == ("pending", 1, None)
    assert digest.last_error
    assert inbox.messages == []

    inbox.handler.refuse = False
    use(settings, inbox.port)

    assert run().sent == 1
    assert run().sent == 0  # and never again
    assert len(inbox.messages) == 1
    digest.refresh_from_db()
    assert (digest.status, digest.attempts, digest.last_error) == ("sent", 2, "")


def test_a_sender_killed_mid_send_is_replaced_after_its_lease_with_the_same_message_id(
    settings: Any, inbox: Inbox, alice: User, time_machine: Any
) -> None:
    use(settings, inbox.port)
    notice(alice)
    digests_gather(today=TODAY)
    digest = Digest.objects.get()
    # A worker claimed it and died: the claim stands until its lease ends.
    Digest.objects.filter(pk=digest.pk).update(
        status=Digest.Status.SENDING, claimed_until=timezone.now() + timedelta(minutes=10)
    )

    assert digests_send(today=TODAY).sent == 0

    time_machine.move_to(datetime(2026, 11, 26, 7, 11, tzinfo=UTC), tick=False)
    assert digests_send(today=TODAY).sent == 1
    assert (
        inbox.messages[0].message["Message-ID"]
        == f"<goldthread-digest-{digest.pk}-20261126@127.0.0.1>"
    )


def test_notices_resolved_before_the_retry_are_left_out_and_an_empty_digest_is_not_sent(
    settings: Any, inbox: Inbox, alice: User
) -> None:
    use(settings, closed_port())
    first, second = notice(alice, "WR01 first"), notice(alice, "WR02 second")
    assert run().failed == 1
    Notice.objects.filter(pk=first.pk).update(resolved_on=TODAY)
    use(settings, inbox.port)

    assert run().sent == 1
    assert "WR01 first" not in inbox.messages[0].part("text/plain")
    assert "WR02 second" in inbox.messages[0].part("text/plain")

    Digest.objects.all().delete()
    Notice.objects.filter(pk=second.pk).update(resolved_on=TODAY, digest=None)
    notice(alice, "WR03 third")
    use(settings, closed_port())
    run()
    Notice.objects.filter(title="WR03 third").update(resolved_on=TODAY)
    summary = digests_send(today=TODAY)
    assert (summary.sent, summary.empty) == (0, 1)
    assert Digest.objects.get().status == Digest.Status.EMPTY


def test_a_digest_waiting_from_yesterday_goes_with_todays_in_one_e_mail(
    settings: Any, inbox: Inbox, alice: User
) -> None:
    yesterday = TODAY - timedelta(days=1)
    old = Digest.objects.create(recipient=alice, day=yesterday, attempts=3, last_error="down")
    carried = notice(alice, "WR01 from yesterday")
    Notice.objects.filter(pk=carried.pk).update(digest=old)
    notice(alice, "WR02 from today")
    use(settings, inbox.port)

    assert run().sent == 1

    (message,) = inbox.messages
    assert "WR01 from yesterday" in message.part("text/plain")
    assert "WR02 from today" in message.part("text/plain")
    old.refresh_from_db()
    assert old.status == Digest.Status.SUPERSEDED and old.carried_into is not None
    assert old.carried_into.day == TODAY


def test_a_digest_already_sent_today_takes_nothing_more_until_tomorrow(
    settings: Any, inbox: Inbox, alice: User
) -> None:
    use(settings, inbox.port)
    notice(alice, "WR01 morning")
    run()
    notice(alice, "WR02 afternoon")

    assert run().sent == 0
    assert Notice.objects.get(title="WR02 afternoon").digest is None

    summary = digests_gather(today=TODAY + timedelta(days=1))
    assert digests_send(today=TODAY + timedelta(days=1), summary=summary).sent == 1
    assert "WR02 afternoon" in inbox.messages[-1].part("text/plain")
    assert len(inbox.messages) == 2
