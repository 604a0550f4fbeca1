"""The report archive and a run's page in headless Chromium: generate a pack, read it as a
dashboard, and pass axe-core (WCAG 2.2 A and AA) on both pages."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from reporting import services
from reporting.models import ReportRun, ReportSchedule, RunStatus
from targets import periods
from targets.models import Measure, Priority, Service, User
from tests.browser.accessibility import assert_accessible
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def sign_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(base + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Corporate performance")
    return page


@pytest.fixture
def schedule() -> ReportSchedule:
    # A transactional test flushes the data migration's rows: make the schedule here.
    found, _ = ReportSchedule.objects.get_or_create(
        code="scrutiny-quarterly",
        defaults={
            "name": "Quarterly performance report to the scrutiny panel",
            "audience": "scrutiny",
            "frequency": "quarterly",
            "scope": "scrutiny",
            "cmt_may_download": True,
            "scrutiny_may_download": True,
        },
    )
    return found


@pytest.fixture
def quarter() -> periods.Period:
    # The live server and the browser share the real clock: build the data around today.
    return periods.latest_complete_period(timezone.localdate(), periods.Frequency.QUARTERLY)


@pytest.fixture
def council(waste: Service, priority: Priority, quarter: periods.Period) -> None:
    month = quarter.months()[-1]
    for code, title, actual in [
        ("CP10", "Household waste recycled", "52"),
        ("CP11", "Food waste collected", "38"),
    ]:
        measure = MeasureFactory(
            code=code,
            title=title,
            kind=Measure.Kind.CORPORATE,
            priority=priority,
            service=waste,
            is_scrutiny=True,
            active_from=month.year - 1,
        )
        for year in {month.year, month.previous().year}:
            TargetFactory(measure=measure, year=year, value=Decimal(50))
        for back, period in enumerate(reversed(periods.last_n(month, 6))):
            ValueFactory(
                measure=measure,
                period=period.code,
                actual=Decimal(actual) - back,
                corrective_action="Crews retrained." if code == "CP11" else "",
            )


def test_team_generates_a_pack_and_scrutiny_reads_it_as_a_dashboard(
    browser: Browser,
    live_server: Any,
    settings: Any,
    tmp_path: Path,
    schedule: ReportSchedule,
    council: None,
    quarter: periods.Period,
    pat: User,
    sam: User,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url

    team = sign_in(browser, base, "pat")
    team.goto(base + "/reports/")
    expect(team.get_by_role("heading", level=1)).to_contain_text("Report archive")
    assert_accessible(team)
    form = team.get_by_role("form", name=f"Generate {schedule.name}")
    form.get_by_label("Period").select_option(quarter.code)
    form.get_by_role("button", name="Generate now").click()
    expect(team.get_by_role("status")).to_contain_text("requested")
    run = ReportRun.objects.get()
    assert run.status == RunStatus.DONE
    assert_accessible(team)

    reader = sign_in(browser, base, "sam")
    reader.goto(base + "/reports/")
    expect(reader.get_by_role("button", name="Generate now")).to_have_count(0)
    reader.get_by_role("link", name=f"{quarter.label} version 1", exact=True).click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text(schedule.name)
    expect(reader.locator("#summary-title")).to_have_text("1 of 2 (50%) on target")
    expect(reader.locator("#run-trend-chart .main-svg").first).to_be_visible()
    expect(reader.locator("#run-priority-chart .main-svg").first).to_be_visible()
    row = reader.get_by_role("row", name="CP11 Food waste collected")
    expect(row).to_contain_text("Off target")
    expect(reader.locator(".red-list")).to_contain_text("Crews retrained.")
    assert_accessible(reader)

    pdf = reader.request.get(base + f"/reports/runs/{run.pk}/pack.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


def test_a_public_schedules_packs_are_listed_for_everyone(
    browser: Browser,
    live_server: Any,
    settings: Any,
    tmp_path: Path,
    schedule: ReportSchedule,
    council: None,
    quarter: periods.Period,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    schedule.is_public = True
    schedule.save()
    run = services.request_run(schedule=schedule, period=quarter, dispatch=False).run
    services.run_report(run_id=run.pk)
    page = browser.new_context().new_page()
    page.goto(live_server.url + "/reports/public/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Performance reports")
    assert_accessible(page)
    page.get_by_role("link", name=f"{quarter.label} version 1", exact=True).click()
    expect(page.locator("#summary-title")).to_have_text("1 of 2 (50%) on target")
    assert_accessible(page)
