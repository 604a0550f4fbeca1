"""The officer's month grid in headless Chromium: at a quarter end, a Red value typed shows its
RAG at once and asks for a corrective action; the grid fits at 1366 px and 390 px.

axe-core checks every page the journey visits against WCAG 2.2 A and AA.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from targets import periods
from targets.models import Measure, Priority, Service, User, Value, ValueStatus
from tests.browser.accessibility import assert_accessible
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser: Browser, base: str, username: str, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(base + "/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


@pytest.fixture
def quarter_end() -> periods.Period:
    """The latest month that ended a quarter (the live server shares the real clock)."""
    latest = periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)
    quarter = periods.latest_ending_by(latest, periods.Frequency.QUARTERLY)
    return periods.period_containing(quarter.end, periods.Frequency.MONTHLY)


@pytest.fixture
def measures(waste: Service, priority: Priority, quarter_end: periods.Period) -> list[Measure]:
    year = quarter_end.year
    bins = MeasureFactory(
        code="CP14",
        title="Missed bin collections per 100,000",
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
        polarity=Measure.Polarity.DOWN,
        unit=Measure.Unit.COUNT,
        decimals=1,
        tolerance_pct=Decimal("10"),
        active_from=year - 1,
    )
    streets = MeasureFactory(
        code="CP13",
        title="Streets meeting the cleanliness standard",
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
        frequency=Measure.Frequency.QUARTERLY,
        active_from=year - 1,
    )
    TargetFactory(measure=bins, year=year, value=Decimal("40"))
    TargetFactory(measure=streets, year=year, value=Decimal("94"))
    ValueFactory(measure=bins, period=quarter_end.previous().code, actual=Decimal("38.5"))
    return [bins, streets]


@pytest.mark.parametrize("width", [1366, 390])
def test_officer_enters_a_quarter_end_with_live_rag(
    browser: Browser,
    live_server: Any,
    measures: list[Measure],
    quarter_end: periods.Period,
    alice: User,
    width: int,
) -> None:
    quarter = periods.period_containing(quarter_end.end, periods.Frequency.QUARTERLY)
    officer = sign_in(browser, live_server.url, "alice", width)
    officer.goto(live_server.url + "/my/")
    assert_accessible(officer)
    officer.get_by_role("link", name="Waste and Recycling").click()
    officer.get_by_label("Month", exact=True).select_option(quarter_end.code)
    officer.get_by_role("button", name="Show").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text(quarter_end.label)
    assert_accessible(officer)

    # Both rows are there, each for its own period, with last period's figure beside it.
    bins = officer.locator("#row-CP14")
    streets = officer.locator("#row-CP13")
    expect(bins).to_contain_text(quarter_end.label)
    expect(bins).to_contain_text("38.5")
    expect(streets).to_contain_text(f"{quarter.label} (quarterly)")

    # A Red figure: the RAG changes as it is typed, and the corrective action becomes required.
    action = officer.get_by_role("textbox", name="Corrective action, CP14")
    expect(action).not_to_have_attribute("aria-required", "true")
    officer.get_by_role("textbox", name="Value, CP14").fill("55")
    expect(bins.locator(".entry-row__rag")).to_contain_text("Off target")
    expect(bins.get_by_text("(required: the value is Red)")).to_be_visible()
    expect(action).to_have_attribute("aria-required", "true")
    officer.get_by_role("textbox", name="Value, CP13").fill("93")
    expect(streets.locator(".entry-row__rag")).to_contain_text("Within tolerance")
    expect(streets.get_by_text("(required: the value is Red)")).to_be_hidden()
    assert_accessible(officer)
    _fits(officer, width)

    # Submitting without the corrective action is refused, naming the measure; nothing saved.
    officer.get_by_role("button", name="Submit all for approval").click()
    expect(officer.get_by_role("alert")).to_contain_text(
        "CP14 Missed bin collections per 100,000: Corrective action is required"
    )
    assert not Value.objects.filter(period__in=[quarter_end.code, quarter.code]).exists()
    assert_accessible(officer)

    action = officer.get_by_role("textbox", name="Corrective action, CP14")
    action.fill("Agency crews booked from next week.")
    officer.get_by_role("button", name="Submit all for approval").click()
    expect(officer.get_by_role("status")).to_contain_text("2 values submitted for approval")
    assert_accessible(officer)
    saved = {v.measure.code: v for v in Value.objects.filter(status=ValueStatus.SUBMITTED)}
    assert (saved["CP14"].period, saved["CP14"].actual) == (quarter_end.code, Decimal("55"))
    assert saved["CP14"].corrective_action == "Agency crews booked from next week."
    assert (saved["CP13"].period, saved["CP13"].actual) == (quarter.code, Decimal("93"))
    expect(officer.locator("#row-CP14 .tag")).to_have_text("Submitted")
    _fits(officer, width)


def _fits(page: Page, width: int) -> None:
    """Nothing wider than the window, and the grid's box shows all of its table (at 390 px the
    rows are cards; no column is cut off)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.locator(".entry-grid__wrap")
    widths = box.evaluate("b => [b.scrollWidth, b.clientWidth, b.getBoundingClientRect().right]")
    scroll_width, client_width, right = widths
    assert right <= width
    assert scroll_width <= client_width, f"the grid scrolls at {width} px: {widths}"


def test_single_value_form_shows_the_same_context_and_live_rag(
    browser: Browser,
    live_server: Any,
    measures: list[Measure],
    quarter_end: periods.Period,
    alice: User,
) -> None:
    officer = sign_in(browser, live_server.url, "alice", 1366)
    officer.goto(f"{live_server.url}/measures/CP14/enter/?period={quarter_end.code}")
    facts = officer.locator(".facts")
    expect(facts).to_contain_text(re.compile(r"Target\s*40\.0"))
    last = re.escape(f"Last period ({quarter_end.previous().label})")
    expect(facts).to_contain_text(re.compile(last + r"\s*38\.5"))
    expect(facts).to_contain_text(re.compile(r"Status\s*New"))
    note = officer.get_by_text("The value is Red: a corrective action is required.")
    expect(note).to_be_hidden()
    assert_accessible(officer)
    officer.get_by_label("Value", exact=True).fill("55")
    expect(officer.locator("#rag-preview")).to_contain_text("Off target")
    expect(note).to_be_visible()
    expect(officer.get_by_label("Corrective action")).to_have_attribute("aria-required", "true")
    officer.get_by_label("Value", exact=True).fill("39")
    expect(officer.locator("#rag-preview")).to_contain_text("On target")
    expect(note).to_be_hidden()
    assert_accessible(officer)
