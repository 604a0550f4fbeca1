"""The home page in headless Chromium: sign in, read the scorecard, pass axe (WCAG 2.2 AA)."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from targets import periods
from targets.models import Measure, Priority, Service, User
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
}


def _violations(page: Page) -> list[str]:
    results = Axe().run(page, options=WCAG)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


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
    assert _violations(page) == []

    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Corporate performance")
    row = page.get_by_role("row", name="CP10 Household waste recycled")
    expect(row).to_contain_text("On target")
    expect(row).to_contain_text("Improving")
    assert _violations(page) == []


def test_keyboard_user_can_skip_to_content(page: Page, live_server: Any) -> None:
    page.goto(live_server.url + "/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
