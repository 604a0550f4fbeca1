"""Backups (issue 10, item 7): `manage.py backup`, then `manage.py restore` into a fresh database,
which must hold every value, every revision and every history record, byte for byte.

On SQLite the fresh database is a new file; on PostgreSQL (DATABASE_URL) a new database
`<name>_restore`, dropped afterwards. The restore runs as an operator would run it: the command,
in a process of its own, pointed at the fresh database.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from targets import services
from targets.models import ChangeRecord, Measure, User, Value
from targets.periods import parse_period
from tests.factories import MeasureFactory, TargetFactory
from tests.reporting.test_runs import build_council

pytestmark = [pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sec_history(
    waste: Any, housing: Any, priority: Any, alice: User, hannah: User, pat: User
) -> Measure:
    """Demo-like figures: corporate measures, and one measure whose values went through the
    whole cycle — entered, returned, submitted, approved, published and restated twice."""
    build_council(waste, housing, priority)
    measure = MeasureFactory(code="NI192", title="Household waste recycled", service=waste)
    TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    for month, actual in (("2026-04", "48.5"), ("2026-05", "51.25"), ("2026-06", "49.9")):
        period = parse_period(month)
        data = services.ValueInput(
            actual=Decimal(actual),
            commentary="Garden waste “brown bin” round — café & shops; line two\nline three",
            corrective_action="Extra crew" if Decimal(actual) < 50 else "",
        )
        value = services.value_save(
            measure=measure, period=period, data=data, user=alice, expected_version=None
        )
        value = services.value_submit(value, user=alice)
        if month == "2026-05":
            value = services.value_return(value, user=hannah, reason="Check the tonnage.")
            value = services.value_submit(value, user=alice)
        value = services.value_approve(value, user=hannah)
        services.value_publish(value, user=pat)
    april = Value.objects.get(measure=measure, period="2026-04")
    for revision, actual in enumerate(("48.75", "49.0"), start=2):
        april = services.value_save(
            measure=measure,
            period=parse_period("2026-04"),
            data=services.ValueInput(actual=Decimal(actual), corrective_action="Extra crew"),
            user=pat,
            expected_version=april.version,
            reason=f"Late weighbridge tickets, restatement {revision - 1}",
        )
        april = services.value_submit(april, user=pat) if april.status == "draft" else april
    assert Value.objects.get(pk=april.pk).revision == 3
    assert ChangeRecord.objects.count() >= 15
    return measure


def checksum(rows: list[Any]) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


@pytest.fixture
def sec_fresh_database(tmp_path: Path) -> Iterator[str]:
    """The address of a new, empty database beside the test's own; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"{settings['NAME']}_restore"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    yield f"postgres://{settings['USER']}{password}@{host}:{settings['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_backup_restored_into_a_fresh_database_holds_every_value_and_its_history(
    sec_history: Measure, sec_fresh_database: str, tmp_path: Path, capsys: Any
) -> None:
    dump = tmp_path / ("goldthread.dump" if connection.vendor == "postgresql" else "gt.sqlite3")
    call_command("backup", output=dump)
    assert str(dump) in capsys.readouterr().out
    assert dump.stat().st_size > 10_000

    restored = manage("restore", str(dump), DATABASE_URL=sec_fresh_database)
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout

    # Everything, through the ORM of each database: every model's rows in primary-key order.
    call_command("dumpdata", output=str(tmp_path / "before.json"))
    after = manage(
        "dumpdata", "--output", str(tmp_path / "after.json"), DATABASE_URL=sec_fresh_database
    )
    assert after.returncode == 0, after.stderr
    before_rows = json.loads((tmp_path / "before.json").read_text())
    after_rows = json.loads((tmp_path / "after.json").read_text())
    assert len(after_rows) == len(before_rows)
    assert after_rows == before_rows
    counts = Counter(row["model"] for row in after_rows)
    for model in ("targets.value", "targets.changerecord"):
        rows = [row for row in after_rows if row["model"] == model]
        print(f"{model}: {len(rows)} rows identical, checksum {checksum(rows)}")
    print(f"{len(counts)} models, {len(after_rows)} rows identical after restore")
    # The restated value, with its revisions and its history, is there as it was.
    april = next(
        row["fields"]
        for row in after_rows
        if row["model"] == "targets.value"
        and row["fields"]["period"] == "2026-04"
        and row["fields"]["measure"] == sec_history.pk
    )
    assert (april["revision"], Decimal(april["actual"])) == (3, Decimal("49.0"))
    history = [
        row["fields"]
        for row in after_rows
        if row["model"] == "targets.changerecord"
        and "restatement" in (row["fields"].get("reason") or "")
    ]
    assert len(history) >= 2, "both restatements are in the history"


def test_restore_refuses_a_database_that_is_not_empty(sec_history: Measure, tmp_path: Path) -> None:
    dump = tmp_path / "backup"
    call_command("backup", output=dump)
    with pytest.raises(CommandError, match="is not empty .* --force"):
        call_command("restore", str(dump))


def test_restore_says_what_is_wrong_with_a_bad_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.dump"), force=True)
    junk = tmp_path / "junk.dump"
    junk.write_text("not a backup")
    with pytest.raises(CommandError):
        call_command("restore", str(junk), force=True)
    assert Measure.objects.count() == 0  # the database is untouched and usable


def test_backup_goes_to_the_backup_folder_by_default(
    settings: Any, tmp_path: Path, capsys: Any
) -> None:
    settings.BACKUP_DIR = tmp_path / "backups"
    call_command("backup")
    files = list((tmp_path / "backups").iterdir())
    assert len(files) == 1 and files[0].name.startswith("goldthread-")
    assert not list((tmp_path / "backups").glob("*.partial"))
    assert files[0].name in capsys.readouterr().out
