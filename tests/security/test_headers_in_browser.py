"""The Content-Security-Policy in Chromium: charts, the API docs, the browsable API and the admin
work with it, and the browser reports no violation; the lockout page is accessible."""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from targets import periods
from targets.models import Measure, Priority, Service, User, ValueStatus
from tests.browser.accessibility import assert_accessible
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Every violation of the policy, as the page itself sees it.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " +
                    e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def sec_figures(waste: Service, priority: Priority, pat: User) -> None:
    measure = MeasureFactory(
        code="CP10",
        title="Household waste recycled",
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
        is_public=True,
    )
    # The live server and the browser share the real clock: figures for the last 14 months.
    month = periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)
    months = [month]
    while len(months) < 14:
        months.append(months[-1].previous())
    for year in {m.year for m in months}:
        TargetFactory(measure=measure, year=year, value=Decimal("50"))
    for i, m in enumerate(reversed(months)):
        ValueFactory(
            measure=measure,
            period=m.code,
            actual=Decimal(44 + i % 9),
            status=ValueStatus.PUBLISHED,
        )


@pytest.fixture
def sec_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    context.add_init_script(LISTEN)
    yield context
    context.close()


def sign_in(page: Page, base: str, username: str, password: str = "pw-for-tests") -> None:
    page.goto(base + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def visit(page: Page, url: str, errors: list[str]) -> list[str]:
    errors.clear()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return [*page.evaluate("window.__csp"), *errors]


def test_pages_with_charts_render_with_no_policy_violation(
    sec_context: BrowserContext, live_server: Any, sec_figures: None
) -> None:
    page = sec_context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, "pat")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Corporate performance")

    charts = {
        "/": 1,
        "/measures/CP10/": 1,
        "/public/": 0,  # its cards' trends are SVG drawn on the server: no plotly
        "/public/measures/CP10/": 1,
    }
    for path, at_least in charts.items():
        assert visit(page, live_server.url + path, errors) == [], path
        drawn = page.locator(".js-plotly-plot .main-svg").count()
        assert drawn >= at_least, f"{path}: no chart drawn"

    for path in ("/services/waste/", "/my/", "/admin/", "/admin/targets/measure/", "/api/v1/"):
        assert visit(page, live_server.url + path, errors) == [], path

    # Swagger UI starts from its own script file and lists the API.
    assert visit(page, live_server.url + "/api/docs/", errors) == []
    expect(page.locator(".opblock").first).to_be_visible(timeout=15000)
    assert page.evaluate("window.__csp") == []


def test_the_lockout_page_is_clear_and_accessible(
    sec_context: BrowserContext, live_server: Any, pat: User
) -> None:
    page = sec_context.new_page()
    for attempt in range(5):
        sign_in(page, live_server.url, "pat", password=f"wrong-{attempt}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many sign-in attempts")
    expect(page.get_by_role("alert")).to_contain_text("try again in 15 minutes")
    # Even the right password waits for the cool-off.
    sign_in(page, live_server.url, "pat")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many sign-in attempts")
    assert_accessible(page)
    assert page.evaluate("window.__csp") == []
