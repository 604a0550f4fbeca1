"""Upgrading: the value reminders already sent (0002's `Reminder` rows) become notices carried
by digests marked sent (0007), so that nobody is told of them a second time."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("targets", "0007_notices_digests_sso")]
AFTER = [("targets", "0008_reminders_into_notices")]
SCRATCH = "migrations_scratch"


@pytest.fixture
def scratch(tmp_path: Path, django_db_blocker: Any) -> Iterator[BaseDatabaseWrapper]:
    """An empty database of its own, beside the suite's, on the same server: migrated there from
    nothing to 0007 and on to 0008, while the suite's database keeps every migration applied
    (unapplying every later migration of every app there, then applying them again, took most
    of 20 s). Nothing is written to the suite's database. The data migrations write through the
    connection they are run on (`schema_editor.connection.alias`), as this needs."""
    postgres = connection.vendor == "postgresql"
    name = f"goldthread_migrations_{os.getpid()}" if postgres else str(tmp_path / "db")
    with django_db_blocker.unblock():
        if postgres:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                cursor.execute(f'CREATE DATABASE "{name}"')
        connections.settings[SCRATCH] = {**connection.settings_dict, "NAME": name}
        try:
            yield connections[SCRATCH]
        finally:
            connections[SCRATCH].close()
            del connections[SCRATCH]
            del connections.settings[SCRATCH]
            if postgres:
                with connection._nodb_cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_reminders_sent_become_notices_of_sent_digests(scratch: BaseDatabaseWrapper) -> None:
    executor = MigrationExecutor(scratch)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps

    def manager(model: str) -> Any:
        return old.get_model("targets", model).objects.db_manager(SCRATCH)

    user = manager("User").create(username="alice")
    service = manager("Service").create(code="waste", name="Waste")
    measure = manager("Measure").create(
        code="WR01", title="Bins collected", kind="service", service=service, unit="percent",
        polarity="up", frequency="monthly", aggregation="snapshot", active_from=2025,
    )  # fmt: skip
    sent = datetime(2026, 11, 26, 7, tzinfo=UTC)
    reminders = manager("Reminder")
    reminders.create(measure=measure, period="2026-10", kind="late", recipient=user, sent_at=sent)
    reminders.create(
        measure=measure, period="2026-09", kind="escalation", recipient=user, sent_at=sent
    )
    reminders.create(measure=measure, period="2026-08", kind="late", recipient=None, sent_at=sent)

    executor = MigrationExecutor(scratch)
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    Notice = new.get_model("targets", "Notice")
    rows = sorted(
        Notice.objects.using(SCRATCH).values_list(
            "kind", "object_key", "title", "escalation", "digest__status"
        )
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
    digest = new.get_model("targets", "Digest").objects.using(SCRATCH).get()
    assert (digest.day, digest.recipient_id) == (date(2026, 11, 26), user.pk)
    assert "targets_reminder" not in scratch.introspection.table_names()
