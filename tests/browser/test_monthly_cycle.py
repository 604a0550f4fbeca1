"""The monthly cycle in headless Chromium: enter, approve, publish, see it on the home page.

axe-core checks every page the journey visits against WCAG 2.2 A and AA.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from targets import periods
from targets.models import Measure, Priority, Service, User, Value, ValueStatus
from tests.browser.accessibility import assert_accessible
from tests.factories import MeasureFactory, TargetFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(
    browser: Browser, base: str, username: str, landing: str = "Corporate performance"
) -> Page:
    page = browser.new_context().new_page()
    page.goto(base + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(landing)
    return page


@pytest.fixture
def month() -> periods.Period:
    # The live server and the browser share the real clock: the data is built around today.
    return periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)


@pytest.fixture
def missed_bins(waste: Service, priority: Priority, month: periods.Period) -> Measure:
    measure = MeasureFactory(
        code="CP14",
        title="Missed bin collections per 100,000",
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
        polarity=Measure.Polarity.DOWN,
        unit=Measure.Unit.COUNT,
        decimals=1,
        tolerance_pct=Decimal("10"),
        active_from=month.year - 1,
    )
    TargetFactory(measure=measure, year=month.year, value=Decimal("40"))
    return measure


def test_officer_enters_head_approves_performance_team_publishes(
    browser: Browser,
    live_server: Any,
    missed_bins: Measure,
    month: periods.Period,
    alice: User,
    hannah: User,
    pat: User,
    carol: User,
) -> None:
    base = live_server.url

    # The officer finds the value due on their work list and enters a Red figure.
    officer = sign_in(browser, base, "alice", landing="My work")  # officers land on My work
    assert_accessible(officer)
    officer.get_by_role("link", name=f"Enter CP14 {month.label}").click()
    officer.get_by_label("Value").fill("55")
    officer.get_by_label("Commentary").fill("Two crews off sick for most of the month.")
    officer.get_by_role("button", name="Check status").click()
    expect(officer.locator("#rag-preview")).to_contain_text("Off target")
    officer.get_by_role("button", name="Submit for approval").click()
    summary = officer.get_by_role("alert")
    expect(summary).to_contain_text("Corrective action is required when the value is Red.")
    assert_accessible(officer)
    assert not Value.objects.exists()

    officer.get_by_label("Corrective action").fill("Agency crews booked from next week.")
    officer.get_by_role("button", name="Submit for approval").click()
    expect(officer.get_by_role("status")).to_contain_text("submitted for approval")
    assert Value.objects.get().status == ValueStatus.SUBMITTED

    # The head of service approves it from the queue.
    head = sign_in(browser, base, "hannah", landing="My work")
    queue = head.get_by_role("region", name="To approve (1)")
    expect(queue).to_contain_text("Agency crews booked")
    assert_accessible(head)
    queue.get_by_role("button", name=f"Approve CP14 {month.label}").click()
    expect(head.get_by_role("status")).to_contain_text("approved")

    # The performance team publishes the month.
    team = sign_in(browser, base, "pat")
    # A click on a link does not wait for the next page: each page's heading is waited for
    # before axe reads it (axe on a page still loading found no document: CI failed on it).
    team.get_by_role("link", name="My work").click()
    expect(team.get_by_role("heading", level=1)).to_have_text("My work")
    assert_accessible(team)
    team.get_by_role("link", name=f"Preview and publish {month.label}").click()
    expect(team.get_by_role("heading", level=1)).to_contain_text(
        f"Publish the approved values of {month.label}"
    )
    assert_accessible(team)
    team.get_by_role("button", name=f"Publish 1 value for {month.label}").click()
    expect(team.get_by_role("status")).to_contain_text("Published 1 value")
    assert Value.objects.get().status == ValueStatus.PUBLISHED

    # The management team sees it on the home page.
    cmt = sign_in(browser, base, "carol")
    row = cmt.get_by_role("row", name="CP14 Missed bin collections per 100,000")
    expect(row).to_contain_text("55.0")
    expect(row).to_contain_text("Off target")
    assert_accessible(cmt)
