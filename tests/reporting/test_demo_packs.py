"""`manage.py load_demo` makes the latest pack of each report schedule, so that the scrutiny
panel's first visit finds a quarterly pack and /reports/public/ lists the public ones."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client, override_settings

from reporting.models import ReportRun, ReportSchedule, RunStatus
from targets.models import User
from tests.conftest import client_for, module_world

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 26, 12, tzinfo=UTC)
# The period the scheduler makes on 26 November 2026 (14 days after each period's end).
DUE = {
    "monthly-corporate": "2026-10",
    "cmt-bimonthly": "2026/27-B3",
    "ceb-quarterly": "2026/27-Q2",
    "scrutiny-quarterly": "2026/27-Q2",
}


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-packs-media")


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, media: Path) -> Iterator[str]:
    """The demo council with its packs (the tests' default leaves them out), loaded once."""
    with (
        module_world(django_db_blocker),
        time_machine.travel(TODAY, tick=False),
        override_settings(MEDIA_ROOT=media),
    ):
        out = io.StringIO()
        with override_settings(DEMO_REPORT_PACKS=True):
            call_command("load_demo", stdout=out)
        yield out.getvalue()


@pytest.fixture(autouse=True)
def _today_and_media(media: Path) -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False), override_settings(MEDIA_ROOT=media):
        yield


def test_it_makes_the_due_pack_of_each_of_the_four_schedules(demo: str) -> None:
    runs = ReportRun.objects.select_related("schedule")
    assert {(r.schedule.code, r.period, r.status, r.version) for r in runs} == {
        (code, period, RunStatus.DONE, 1) for code, period in DUE.items()
    }
    assert all(r.pages and r.pages > 1 and r.pdf.name for r in runs)
    assert "Report packs made: Monthly corporate targets – Oct 2026" in demo


def test_the_scrutiny_login_downloads_its_quarterly_pack_as_a_pdf(demo: str) -> None:
    scrutiny = client_for(User.objects.get(username="scrutiny"))
    archive = BeautifulSoup(scrutiny.get("/reports/").content, "html.parser")
    run = ReportRun.objects.get(schedule__code="scrutiny-quarterly")
    link = archive.find("a", href=f"/reports/runs/{run.pk}/pack.pdf")
    assert link is not None

    response = scrutiny.get(f"/reports/runs/{run.pk}/pack.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    # Packs of values not yet published stay out of the scrutiny panel's reach.
    ceb = ReportRun.objects.get(schedule__code="ceb-quarterly")
    assert scrutiny.get(f"/reports/runs/{ceb.pk}/pack.pdf").status_code in (403, 404)


def test_the_public_archive_lists_the_demo_scrutiny_pack_for_anyone(demo: str) -> None:
    assert list(ReportSchedule.objects.filter(is_public=True).values_list("code", flat=True)) == [
        "scrutiny-quarterly"
    ]
    page = BeautifulSoup(Client().get("/reports/public/").content, "html.parser")
    run = ReportRun.objects.get(schedule__code="scrutiny-quarterly")

    assert page.find("a", href=f"/reports/runs/{run.pk}/pack.pdf") is not None
    assert Client().get(f"/reports/runs/{run.pk}/pack.pdf").status_code == 200


def test_loading_the_demo_again_makes_no_pack_twice(demo: str) -> None:
    with override_settings(DEMO_REPORT_PACKS=True):
        out = io.StringIO()
        call_command("load_demo", stdout=out)

    assert ReportRun.objects.count() == len(DUE)
    assert "Report packs made: none, they were already made." in out.getvalue()


def test_the_tests_default_leaves_the_packs_out(settings: Any) -> None:
    from reporting import demo as reporting_demo

    before = ReportRun.objects.count()
    out = io.StringIO()
    reporting_demo.load(stdout=out)

    assert settings.DEMO_REPORT_PACKS is False
    assert "skipped" in out.getvalue()
    assert ReportRun.objects.count() == before
