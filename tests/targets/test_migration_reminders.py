"""Upgrading: the value reminders already sent (0002's `Reminder` rows) become notices carried
by digests marked sent (0007), so that nobody is told of them a second time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("targets", "0007_notices_digests_sso")]
AFTER = [("targets", "0008_reminders_into_notices")]


@pytest.fixture(autouse=True)
def _latest_schema_afterwards() -> Iterator[None]:
    """The tests after this one (on the same database) need every migration applied."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_reminders_sent_become_notices_of_sent_digests() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("targets", "User").objects.create(username="alice")
    service = old.get_model("targets", "Service").objects.create(code="waste", name="Waste")
    measure = old.get_model("targets", "Measure").objects.create(
        code="WR01", title="Bins collected", kind="service", service=service, unit="percent",
        polarity="up", frequency="monthly", aggregation="snapshot", active_from=2025,
    )  # fmt: skip
    sent = datetime(2026, 11, 26, 7, tzinfo=UTC)
    Reminder = old.get_model("targets", "Reminder")
    Reminder.objects.create(
        measure=measure, period="2026-10", kind="late", recipient=user, sent_at=sent
    )
    Reminder.objects.create(
        measure=measure, period="2026-09", kind="escalation", recipient=user, sent_at=sent
    )
    Reminder.objects.create(
        measure=measure, period="2026-08", kind="late", recipient=None, sent_at=sent
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    Notice = new.get_model("targets", "Notice")
    rows = sorted(
        Notice.objects.values_list("kind", "object_key", "title", "escalation", "digest__status")
    )
    assert rows == [
        (
            "value_escalated",
            f"measure:{measure.pk}:2026-09",
            "WR01 Bins collected, Sep 2026",
            True,
            "sent",
        ),
        (
            "value_late",
            f"measure:{measure.pk}:2026-10",
            "WR01 Bins collected, Oct 2026",
            False,
            "sent",
        ),
    ]
    digest = new.get_model("targets", "Digest").objects.get()
    assert (digest.day, digest.recipient_id) == (date(2026, 11, 26), user.pk)
    assert "targets_reminder" not in connection.introspection.table_names()
