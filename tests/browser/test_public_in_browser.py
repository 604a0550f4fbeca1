"""The public page in headless Chromium: axe (WCAG 2.2 AA), charts, no JavaScript, keyboard."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from targets import periods
from targets.models import Measure, Priority, Service, ValueStatus
from tests.browser.accessibility import assert_accessible
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """A page in a context of its own, closed after the test (and its server connections)."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        contexts.append(browser.new_context(**options))
        return contexts[-1].new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def public_measures(waste: Service, priority: Priority) -> None:
    cache.clear()
    # The live server and the browser share the real clock: build data around today.
    month = periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)
    recycling = MeasureFactory(
        code="CP10",
        title="Household waste recycled",
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
        is_public=True,
    )
    noise = MeasureFactory(
        code="ENV-04",
        title="Noise complaints answered in 5 days",
        service=waste,
        polarity=Measure.Polarity.RANGE,
        unit=Measure.Unit.COUNT,
        decimals=0,
        is_public=True,
    )
    window = periods.last_n(month, 13)
    for year in {p.year for p in window}:
        TargetFactory(measure=recycling, year=year, value=Decimal("50"))
        TargetFactory(measure=noise, year=year, value=None, lower=20, upper=30)
    for i, period in enumerate(window):
        ValueFactory(measure=recycling, period=period.code, actual=Decimal(44 + i % 9))
        ValueFactory(measure=noise, period=period.code, actual=Decimal(18 + i))
    ValueFactory(
        measure=recycling,
        period=month.next().code,
        actual=Decimal("77.7"),
        status=ValueStatus.SUBMITTED,
    )
    MeasureFactory(code="WST-99", title="Crew overtime hours", service=waste)


def test_public_pages_pass_axe_with_their_charts_drawn(
    page: Page, live_server: Any, public_measures: None
) -> None:
    page.goto(live_server.url + "/public/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Our performance")
    month = periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)
    expect(page.locator("#figures-to")).to_have_text(f"Figures to {month.label}")
    expect(page.locator("svg.sparkline").first).to_be_visible()
    assert page.evaluate("typeof Plotly") == "undefined"  # the cards' trends need no script
    assert_accessible(page)

    # An earlier month: every card at its period ending by then, the counts with them.
    page.get_by_label("Show the figures to another month").select_option(month.previous().code)
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#figures-to")).to_contain_text(f"Figures to {month.previous().label}")
    card = page.get_by_role("article").filter(has_text="Household waste recycled")
    expect(card.locator(".public-figures__period").first).to_have_text(month.previous().label)
    expect(page.locator(".summary .hint")).to_contain_text("exactly the 2 measures")
    assert_accessible(page)
    page.goto(live_server.url + "/public/")
    assert "77.7" not in page.content() and "Crew overtime" not in page.content()
    page.get_by_role("link", name="Chart and figures for the last 12 periods of CP10").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Household waste recycled")
    expect(page.locator(".public-chart .main-svg").first).to_be_visible()
    assert_accessible(page)


def test_public_page_works_without_javascript(
    new_page: Callable[..., Page], live_server: Any, public_measures: None
) -> None:
    # (axe needs JavaScript: it checks these same pages in the other tests.)
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + "/public/")
    card = page.get_by_role("article").filter(has_text="Household waste recycled")
    expect(card).to_contain_text("Latest figure")
    expect(card.locator("svg.sparkline")).to_be_visible()  # drawn on the server
    card.get_by_role("link", name="Chart and figures for the last 12 periods of CP10").click()
    expect(page.locator(".public-chart").first).to_be_hidden()
    table = page.get_by_role("table")
    expect(table).to_be_visible()

    page.goto(live_server.url + "/public/measures/ENV-04/")
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(14)


def test_keyboard_user_can_skip_to_the_figures(
    page: Page, live_server: Any, public_measures: None
) -> None:
    page.goto(live_server.url + "/public/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="What the symbols mean").first).to_be_focused()


def test_a_narrow_screen_does_not_scroll_sideways(
    new_page: Callable[..., Page], live_server: Any, public_measures: None
) -> None:
    page = new_page(viewport={"width": 390, "height": 844})
    for path, chart in (("/public/", "svg.sparkline"), ("/public/measures/CP10/", ".main-svg")):
        page.goto(live_server.url + path)
        page.locator(chart).first.scroll_into_view_if_needed()  # charts draw lazily
        expect(page.locator(chart).first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert_accessible(page)
