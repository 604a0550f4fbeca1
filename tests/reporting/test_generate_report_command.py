"""`manage.py generate_report SCHEDULE --period P [--force]` on the demo council: each seeded
schedule's pack, its figures against the scorecard API, idempotence and --force."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command

from reporting.models import ReportRun, RunStatus
from targets.demo.builder import load_demo
from targets.models import User
from tests.conftest import client_for, module_world

pytestmark = [pytest.mark.django_db]
# Each seeded schedule, the period it covers on 26 November 2026, the month its figures are at
# and who reads the same figures in the API (management sees submitted values, scrutiny not).
SEEDED = [
    ("monthly-corporate", "2026-10", "2026-10", "scrutiny", {"kind": "corporate"}),
    ("cmt-bimonthly", "2026/27-B3", "2026-09", "cmt", {"kind": "corporate"}),
    ("ceb-quarterly", "2026/27-Q2", "2026-09", "cmt", {"kind": "corporate"}),
    ("scrutiny-quarterly", "2026/27-Q2", "2026-09", "scrutiny", {}),
]


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with (
        module_world(django_db_blocker),
        time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False),
    ):
        load_demo()
        yield


def generate(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_report", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def pdf_text(path: str) -> str:
    done = subprocess.run(["pdftotext", path, "-"], check=True, capture_output=True, text=True)
    return re.sub(r"\s+", " ", done.stdout)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")
@pytest.mark.parametrize(("code", "period", "month", "reader", "query"), SEEDED)
def test_each_seeded_pack_prints_the_figures_of_the_api(
    demo: None, code: str, period: str, month: str, reader: str, query: dict[str, str]
) -> None:
    path, message = generate(code, "--period", period)
    assert Path(path).is_file()
    assert path.endswith(f"{code}-{period.replace('/', '-')}-v1.pdf")
    assert f"Board slides: {path.removesuffix('.pdf')}.pptx" in message
    assert Path(path.removesuffix(".pdf") + ".pptx").is_file()
    run = ReportRun.objects.get(schedule__code=code, period=period)
    assert run.status == RunStatus.DONE
    snapshot = run.snapshot or {}
    assert snapshot["month"]["code"] == month

    api = client_for(User.objects.get(username=reader)).get(
        "/api/v1/scorecard/", {"period": month, **query}
    )
    body = api.json()
    by_code = {row["code"]: row for row in body["rows"]}
    assert snapshot["rows"] == [by_code[row["code"]] for row in snapshot["rows"]]
    if code != "scrutiny-quarterly":  # the same measures: the same summary
        assert {k: v for k, v in snapshot["summary"].items()} == body["summary"]

    text = pdf_text(path)
    assert snapshot["summary"]["text"] in text
    assert f"Page {run.pages} of {run.pages}" in text
    for row in snapshot["rows"]:
        assert row["code"] in text


def test_running_twice_gives_one_run_and_force_a_second_version(demo: None) -> None:
    first, _ = generate("scrutiny-quarterly", "--period", "2026/27-Q2")
    again, message = generate("scrutiny-quarterly", "--period", "2026/27-Q2")
    assert again == first
    assert "was already made; --force makes a new version" in message
    assert ReportRun.objects.count() == 1
    forced, _ = generate("scrutiny-quarterly", "--period", "2026/27-Q2", "--force")
    assert forced.endswith("scrutiny-quarterly-2026-27-Q2-v2.pdf") and forced != first
    assert list(ReportRun.objects.order_by("version").values_list("version", flat=True)) == [1, 2]


def test_without_a_period_the_last_complete_one_is_made(demo: None) -> None:
    path, _ = generate("cmt-bimonthly")
    assert path.endswith("cmt-bimonthly-2026-27-B3-v1.pdf")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--period", "2026-10"], "No report schedule 'nope'"),
        (["scrutiny-quarterly", "--period", "2026-09"], "2026-09 is not a quarterly period"),
        (["scrutiny-quarterly", "--period", "2026/27-Q3"], "Q3 2026/27 has not ended yet"),
        (["scrutiny-quarterly", "--period", "Q2"], "is not a period code"),
    ],
)
def test_bad_schedules_and_periods_are_refused(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        generate(*args)
    assert not ReportRun.objects.exists()


def test_a_failed_run_fails_the_command(demo: None, monkeypatch: Any) -> None:
    def broken(**kwargs: Any) -> None:
        raise ValueError("no figures")

    monkeypatch.setattr("reporting.packs.snapshot.build", broken)
    with pytest.raises(CommandError, match="ValueError: no figures"):
        generate("scrutiny-quarterly", "--period", "2026/27-Q2")
    assert ReportRun.objects.get().status == RunStatus.FAILED
