"""The home page in headless Chromium: sign in, read the scorecard, pass axe (WCAG 2.2 AA)."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from targets import periods
from targets.models import Measure, Priority, Service, User
from tests.browser.accessibility import violations
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scorecard(waste: Service, priority: Priority, carol: User) -> None:
    measure = MeasureFactory(
        code="CP10",
        title="Household waste recycled",
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
    )
    # The live server and the browser share the real clock: build data around today.
    month = periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)
    for year in {month.year, month.previous().year}:
        TargetFactory(measure=measure, year=year, value=Decimal("50"))
    ValueFactory(measure=measure, period=month.previous().code, actual=Decimal("47"))
    ValueFactory(measure=measure, period=month.code, actual=Decimal("52"))


def test_sign_in_and_read_the_corporate_scorecard(
    page: Page, live_server: Any, scorecard: None
) -> None:
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert violations(page) == []

    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Corporate performance")
    row = page.get_by_role("row", name="CP10 Household waste recycled")
    expect(row).to_contain_text("On target")
    expect(row).to_contain_text("Improving")
    assert violations(page) == []


@pytest.fixture
def mixed_scorecard(waste: Service, priority: Priority, carol: User) -> None:
    """Corporate measures at the last complete month: two Red, one Green, one Amber, one with
    nothing entered; and a quarterly one, Red at its latest quarter ended, whatever the month."""
    month = periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)
    quarter = periods.latest_ending_by(month, periods.Frequency.QUARTERLY)
    figures = {"CP01": "30", "CP02": "35", "CP03": "55", "CP04": "48", "CP05": None}
    for code, actual in figures.items():
        measure = MeasureFactory(
            code=code, kind=Measure.Kind.CORPORATE, priority=priority, service=waste
        )
        for year in {month.year, quarter.year, month.previous().year}:
            TargetFactory(measure=measure, year=year, value=Decimal("50"))
        if actual is not None:
            ValueFactory(measure=measure, period=month.code, actual=Decimal(actual))
    quarterly = MeasureFactory(
        code="CP06",
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
        frequency=Measure.Frequency.QUARTERLY,
    )
    TargetFactory(measure=quarterly, year=quarter.year, value=Decimal("50"))
    ValueFactory(measure=quarterly, period=quarter.code, actual=Decimal("20"))


def test_filtered_to_red_the_headline_counts_the_rows_shown(
    page: Page, live_server: Any, mixed_scorecard: None
) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=2, name="1 of 5 (20%) on target")).to_be_visible()

    page.get_by_label("Status").select_option("red")
    page.get_by_role("button", name="Show").click()

    rows = page.locator("table.scorecard tbody tr")
    expect(rows).to_have_count(3)  # CP01, CP02 and the quarterly CP06
    expect(page.locator(".summary__headline")).to_have_text("0 of 3 (0%) on target")
    counts = page.locator(".summary__counts")
    expect(counts).to_contain_text("Red: 3")
    expect(counts).to_contain_text("Green: 0")
    expect(page.locator(".summary .hint")).to_contain_text("exactly the 3 measures shown")
    for code in ("CP01", "CP02", "CP06"):
        expect(rows.filter(has_text=code)).to_contain_text("Off target")
    expect(page.locator("#trend-title ~ .hint")).to_contain_text("status filter does not apply")
    assert violations(page) == []


def test_keyboard_user_can_skip_to_content(page: Page, live_server: Any) -> None:
    page.goto(live_server.url + "/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
