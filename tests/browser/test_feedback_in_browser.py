"""Customer feedback in headless Chromium: the performance team uploads a CRM export written by
someone else (first with bad rows, which are listed and nothing is saved, then corrected), sees
the figures on the overview beside their chart, and reads the compliance page; every page passes
axe (WCAG 2.2 AA)."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from feedback.models import Arrangement, Complaint, PanelSurvey, Round
from targets.models import Service, User
from tests.browser.accessibility import assert_accessible
from tests.factories import ServiceFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, live_server: Any, username: str) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()


def _day(months_ago: int, day: int) -> str:
    """A day of a month before this one, day first as the CRM writes it."""
    first = timezone.localdate().replace(day=1)
    for _ in range(months_ago):
        first = (first - timedelta(days=1)).replace(day=1)
    return first.replace(day=day).strftime("%d/%m/%Y")


def _export(tmp_path: Path, *, bad: bool) -> Path:
    received, due, late = _day(2, 3), _day(2, 17), _day(1, 2)
    rows = [
        "Case,Reference,Type,Kind,Service,Received,Due,Responded,Stage,Outcome",
        f"1,C-1,Phone,complaint,Waste and Recycling,{received},{due},{due},Stage 1,Upheld",
        f"2,C-2,Web,complaint,waste,{received},{due},{late},Stage 2,Not upheld",
        f"3,{'C-1' if bad else 'C-3'},Web,complaint,waste,{received},{due},,1,",
        f"4,K-1,Web,compliment,waste,{'31/02/2026' if bad else received},,,,",
    ]
    path = tmp_path / "crm-export.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_the_performance_team_imports_a_crm_export(
    page: Page, live_server: Any, pat: User, waste: Service, tmp_path: Path
) -> None:
    sign_in(page, live_server, "pat")
    page.goto(live_server.url + "/feedback/complaints/upload/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Upload the CRM's export")
    assert_accessible(page)

    page.get_by_label("File", exact=True).set_input_files(_export(tmp_path, bad=True))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")
    errors = page.locator("#import-errors")
    expect(errors.get_by_role("row", name="4 reference")).to_contain_text("C-1 is already on row 2")
    expect(errors.get_by_role("row", name="5 received")).to_contain_text(
        "is not a date that exists"
    )
    assert not Complaint.objects.exists()
    assert_accessible(page)

    page.get_by_label("File", exact=True).set_input_files(_export(tmp_path, bad=False))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("4 created")
    assert Complaint.objects.count() == 4

    page.get_by_role("link", name="Overview").click()
    expect(page.locator("#complaints-chart .main-svg").first).to_be_visible()
    page.get_by_text("Complaints by month as a table").click()
    month = timezone.localdate().replace(day=1) - timedelta(days=40)
    row = page.get_by_role("row", name=month.strftime("%b %Y"))
    # 3 complaints due that month: C-1 in time, C-2 (stage 2) late, C-3 unanswered and overdue.
    expect(row).to_contain_text("33.3%")
    assert_accessible(page)

    # The forms the performance team fills in, errors shown where they are.
    arrangement = Arrangement.objects.create(
        service=waste, kind="customer_survey", title="Bins", frequency="annual"
    )
    page.goto(live_server.url + f"/feedback/arrangements/{arrangement.pk}/rounds/new/")
    page.get_by_label("A score on its own scale").check()
    page.get_by_label("Score", exact=True).fill("7")
    page.get_by_label("Lowest score").fill("1")
    page.get_by_label("Highest score").fill("5")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The score must be between 1 and 5.")
    assert_accessible(page)
    for path in (
        "/feedback/arrangements/new/",
        "/feedback/panel/new/",
        "/feedback/mystery-shopping/new/",
    ):
        page.goto(live_server.url + path)
        assert_accessible(page)


def test_the_compliance_page_on_someone_elses_data(
    page: Page, live_server: Any, carol: User
) -> None:
    today = timezone.localdate()
    old = ServiceFactory(code="markets", name="Markets")
    fresh = ServiceFactory(code="payroll", name="Payroll", is_support=True)
    for service, ended in ((old, today - timedelta(days=400)), (fresh, today - timedelta(days=20))):
        arrangement = Arrangement.objects.create(
            service=service,
            kind="customer_survey",
            title=f"{service.name} survey",
            frequency="annual",
        )
        Round.objects.create(
            arrangement=arrangement,
            started=ended - timedelta(days=30),
            ended=ended,
            percent_satisfied=70,
            satisfaction=70,
        )
    PanelSurvey.objects.create(
        title="Spring",
        topics="Parks",
        sent=date(today.year, 1, 5),
        closed=date(today.year, 1, 30),
        panel_size=100,
        responses=40,
    )
    sign_in(page, live_server, "carol")
    page.goto(live_server.url + "/feedback/compliance/")
    section = page.get_by_role("region", name="Services without feedback in the last six months")
    expect(section).to_contain_text("Markets")
    expect(section).not_to_contain_text("Payroll")
    internal = page.get_by_role("region", name="Support services without an internal")
    expect(internal).to_contain_text("Payroll: no internal survey recorded")
    assert_accessible(page)
    for path in (
        "/feedback/",
        "/feedback/services/payroll/",
        "/feedback/arrangements/",
        "/feedback/panel/",
        "/feedback/mystery-shopping/",
    ):
        page.goto(live_server.url + path)
        assert_accessible(page)
