"""Issue 16 points 4 and 5 in headless Chromium, axe (WCAG 2.2 AA) on every page visited: the
dashboard's service cell opens the service scorecard; the scorecard's table fits at 1366 px and
scrolls inside its own box at 390 px with the page never wider than the screen; a 403 is the
site's styled page with a way back; the print view hides the navigation and filters."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
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


def _sign_in(page: Page, live_server: Any, username: str) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.fixture
def scorecard(waste: Service, housing: Service, priority: Priority, carol: User) -> None:
    """Corporate measures with long titles, at the last complete month (the real clock)."""
    month = periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)
    for n, service in enumerate([waste, waste, housing], start=1):
        measure = MeasureFactory(
            code=f"CP0{n}",
            title="Percentage of household waste sent for reuse, recycling and composting",
            kind=Measure.Kind.CORPORATE,
            priority=priority,
            service=service,
            updater=carol,
        )
        for year in {month.year, month.previous().year}:
            TargetFactory(measure=measure, year=year, value=Decimal("50"))
        ValueFactory(measure=measure, period=month.previous().code, actual=Decimal("47"))
        ValueFactory(measure=measure, period=month.code, actual=Decimal(40 + 5 * n))


def _fits(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """() => ({
          page: document.documentElement.scrollWidth, screen: window.innerWidth,
          boxes: [...document.querySelectorAll('.table-wrap')].map(box => ({
            scroll: box.scrollWidth, width: box.clientWidth,
            right: box.getBoundingClientRect().right,
            region: box.getAttribute('role'), tabindex: box.getAttribute('tabindex'),
            label: box.getAttribute('aria-label') || box.getAttribute('aria-labelledby')}))})"""
    )


def test_dashboard_service_cell_opens_a_scorecard_that_fits(
    page: Page, live_server: Any, scorecard: None, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    _sign_in(page, live_server, "carol")
    row = page.get_by_role("row", name="CP03 Percentage of household waste")
    row.get_by_role("link", name="Housing").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Housing")
    assert violations(page) == []
    fits = _fits(page)
    assert fits["page"] <= fits["screen"]
    assert fits["boxes"]
    for box in fits["boxes"]:
        assert box["scroll"] <= box["width"]  # the whole table, Owner included, at 1366 px
        assert box["right"] <= fits["screen"]

    page.set_viewport_size({"width": 390, "height": 844})
    fits = _fits(page)
    assert fits["page"] <= fits["screen"]  # the page never scrolls sideways
    for box in fits["boxes"]:
        assert box["right"] <= fits["screen"]
        assert (box["region"], box["tabindex"]) == ("region", "0") and box["label"]
    assert any(box["scroll"] > box["width"] for box in fits["boxes"])  # it scrolls in its box
    page.locator(".table-wrap").first.focus()
    assert violations(page) == []

    page.set_viewport_size({"width": 1000, "height": 1400})
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.locator(".export-links")).to_be_hidden()
    expect(page.locator("table.scorecard").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "print.png"), full_page=True)
    assert (tmp_path / "print.png").stat().st_size > 0


def test_services_list_from_the_navigation(page: Page, live_server: Any, scorecard: None) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server, "carol")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Services").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Services")
    fits = _fits(page)
    assert fits["page"] <= fits["screen"]
    assert violations(page) == []
    page.get_by_role("link", name="Waste and Recycling").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waste and Recycling")


def test_403_is_the_styled_page_with_a_way_back(page: Page, live_server: Any, alice: User) -> None:
    _sign_in(page, live_server, "alice")
    page.goto(live_server.url + "/fsr/reviews/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot open this page")
    expect(page.get_by_text("Only the performance team plans reviews.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("link", name="Corporate performance").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Corporate performance")
