"""Data quality in headless Chromium: a champion updates a procedure, and the performance team
records an audit whose failure then flags the sampled value on the dashboard. Every page passes
axe (WCAG 2.2 AA)."""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from targets import periods
from targets.models import (
    Action,
    DataQualityAudit,
    DataQualityProcedure,
    Measure,
    Priority,
    Service,
    User,
)
from tests.browser.accessibility import assert_accessible
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def sign_in(page: Page, live_server: Any, username: str) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def recycling(waste: Service, priority: Priority, alice: User) -> Measure:
    measure = MeasureFactory(
        code="CP10",
        title="Household waste recycled",
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
        updater=alice,
        data_source="Weighbridge",
    )
    last = periods.latest_complete_period(timezone.localdate(), "monthly")
    for year in {last.year, last.previous().year}:
        TargetFactory(measure=measure, year=year, value=Decimal(50))
    ValueFactory(measure=measure, period=last.previous().code, actual=Decimal(52))
    ValueFactory(measure=measure, period=last.code, actual=Decimal(53))
    return measure


def test_a_champion_updates_a_procedure(
    page: Page, live_server: Any, recycling: Measure, dora: User
) -> None:
    sign_in(page, live_server, "dora")
    page.goto(live_server.url + recycling.get_absolute_url())
    panel = page.get_by_role("region", name="Data quality")
    expect(panel).to_contain_text("No data-quality procedure yet.")
    assert_accessible(page)
    panel.get_by_role("link", name="Write the procedure").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Write the procedure")
    expect(page.get_by_label("Source system")).to_have_value("Weighbridge")

    page.get_by_label("How the data is collected").fill("Weighbridge tickets, keyed weekly.")
    page.get_by_label("How it is calculated").fill("Tonnes recycled / tonnes collected x 100.")
    page.get_by_role("button", name="Save the procedure").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter controls")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter controls").click()
    expect(page.get_by_label("Controls")).to_be_focused()

    page.get_by_label("Controls").fill("Reconciled monthly with the contractor's invoice.")
    page.get_by_role("button", name="Save the procedure").click()
    expect(page.get_by_role("status")).to_contain_text("Procedure saved.")
    expect(page.get_by_text("Reconciled monthly with the contractor's invoice.")).to_be_visible()
    assert_accessible(page)
    saved = DataQualityProcedure.objects.get(measure=recycling)
    assert saved.updated_by == dora
    assert saved.next_review_due == DataQualityProcedure.due_after(timezone.localdate())


def test_the_performance_team_records_an_audit(
    page: Page, live_server: Any, recycling: Measure, pat: User, alice: User
) -> None:
    today = timezone.localdate()
    month = periods.period_containing(today, "monthly")
    sampled = periods.latest_complete_period(today, "monthly")
    audit = DataQualityAudit.objects.create(measure=recycling, month=month.code)

    sign_in(page, live_server, "pat")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Data quality").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data quality")
    assert_accessible(page)
    page.get_by_role("link", name=f"CP10 audit, {month.label}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Household waste recycled")
    assert_accessible(page)
    page.get_by_role("link", name="Record the audit").click()

    page.get_by_label("First period sampled").fill(sampled.code)
    for dimension in ("Accuracy", "Validity", "Reliability", "Relevance", "Completeness"):
        page.get_by_label(dimension, exact=True).select_option("pass")
    page.get_by_role("button", name="Record as done").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Score timeliness before recording the audit as done")
    assert_accessible(page)

    page.get_by_label("Timeliness", exact=True).select_option("fail")
    page.get_by_label("Findings").fill(
        "Last month's tonnage was entered before the weighbridge closed."
    )
    first = page.get_by_role("group", name="Action 1")
    first.get_by_label("What is to be done").fill("Wait for the weighbridge month-end report")
    first.get_by_label("Owner").select_option(str(alice.pk))
    first.get_by_label("Due").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Record as done").click()

    expect(page.get_by_role("status")).to_contain_text("recorded as done")
    expect(page.get_by_role("row", name="Timeliness")).to_contain_text("Fail")
    expect(page.get_by_text(f"values of {sampled.label} are flagged")).to_be_visible()
    assert_accessible(page)
    audit.refresh_from_db()
    assert (audit.status, audit.result, audit.auditor) == ("done", "fail", pat)
    (action,) = audit.actions.all()
    assert (action.owner, action.source) == (alice, Action.Source.DATA_QUALITY)

    page.goto(f"{live_server.url}/?period={sampled.code}")
    row = page.get_by_role("row", name="CP10 Household waste recycled")
    expect(row).to_contain_text("Failed data-quality audit")

    page.goto(live_server.url + audit.get_absolute_url())
    page.get_by_label("Status of Wait for the weighbridge month-end report").select_option("done")
    page.get_by_role("button", name="Update Wait for the weighbridge month-end report").click()
    expect(page.get_by_role("status")).to_contain_text("Action updated")
    page.goto(f"{live_server.url}/?period={sampled.code}")
    row = page.get_by_role("row", name="CP10 Household waste recycled")
    expect(row).not_to_contain_text("Failed data-quality audit")


def test_the_programme_procedures_and_summary_are_accessible(
    page: Page, live_server: Any, recycling: Measure, carol: User
) -> None:
    sign_in(page, live_server, "carol")
    for path, heading in (
        ("/quality/audits/", "Data-quality audit programme"),
        ("/quality/procedures/", "Procedures overdue and missing"),
        ("/quality/champions/", "Summary for"),
        ("/services/waste/", "Waste and Recycling"),
    ):
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page)
