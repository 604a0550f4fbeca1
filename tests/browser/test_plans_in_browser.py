"""Service improvement plans in headless Chromium: 21 service targets refused, a plan signed off
and then read only, and the golden thread of a person and of a priority agreeing.

axe-core checks every page the journey visits against WCAG 2.2 A and AA.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from targets import periods
from targets.models import Action, Measure, Priority, Service, ServicePlan, User
from tests.browser.accessibility import assert_accessible
from tests.factories import MeasureFactory, PriorityFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(base + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    # Heads and officers land on My work, everyone else on the dashboard.
    landing = re.compile("Corporate performance|My work")
    expect(page.get_by_role("heading", level=1)).to_contain_text(landing)
    return page


def links(page: Page) -> set[str]:
    rows = page.locator("table.thread-table tr[data-link]")
    return {
        link
        for i in range(rows.count())
        if (link := rows.nth(i).get_attribute("data-link") or "") and "||" not in link
    }


@pytest.fixture
def year() -> int:
    # The live server and the browser share the real clock: this year's plan, whose March has
    # passed, so its head may sign it off (late, during the year).
    return periods.financial_year_of(timezone.localdate())


@pytest.fixture
def measures(waste: Service, year: int) -> list[Measure]:
    return [
        MeasureFactory(service=waste, code=f"WST-{i:02d}", active_from=year - 1) for i in range(21)
    ]


def test_head_builds_and_signs_off_a_plan_and_the_thread_agrees(
    browser: Browser,
    live_server: Any,
    waste: Service,
    priority: Priority,
    measures: list[Measure],
    year: int,
    alice: User,
    hannah: User,
    pat: User,
) -> None:
    PriorityFactory(number=5, name="An efficient and effective council")
    base = live_server.url
    label = periods.fy_label(year)

    head = sign_in(browser, base, "hannah")
    head.get_by_role("link", name="Plans", exact=True).click()
    expect(head.get_by_role("heading", level=1)).to_contain_text("Service improvement plans")
    assert_accessible(head)
    head.get_by_role("link", name="Waste and Recycling").click()
    head.get_by_role("button", name="Start an empty plan").click()
    expect(head.get_by_role("status")).to_contain_text(f"A draft {label} plan has been started")
    assert_accessible(head)

    # 21 service targets are refused, with the limit and the count.
    head.get_by_role("link", name="Change the summary and service targets").click()
    head.get_by_label("Summary").fill("Recycle more, for less.")
    for measure in measures:
        head.get_by_label(f"{measure.code} {measure.title}").check()
    head.get_by_role("button", name="Save the plan").click()
    alert = head.get_by_role("alert")
    expect(alert).to_contain_text("at most 20 service targets: 21 were chosen")
    assert_accessible(head)
    assert ServicePlan.objects.get().measures.count() == 0
    head.get_by_label(f"{measures[-1].code} {measures[-1].title}").uncheck()
    head.get_by_role("button", name="Save the plan").click()
    expect(head.get_by_role("heading", name="Service targets (20 of at most 20)")).to_be_visible()

    # An objective and an appraisal-target action.
    head.get_by_role("link", name="Add an objective").click()
    head.get_by_label("Title").fill("Recycle and compost more")
    head.get_by_label("Corporate priority").select_option(label=str(priority))
    head.get_by_label("WST-00 Measure WST-00").check()
    assert_accessible(head)
    head.get_by_role("button", name="Save the objective").click()
    head.get_by_role("link", name="Add an action", exact=True).click()
    head.get_by_label("Title").fill("Weekly food waste trial")
    head.get_by_label("Objective").select_option(label="Recycle and compost more")
    head.get_by_label("Owner", exact=True).select_option(label=str(alice))
    head.get_by_label("Due date").fill(f"{year}-12-31")
    head.get_by_label("This is the owner's appraisal target").check()
    assert_accessible(head)
    head.get_by_role("button", name="Save the action").click()
    expect(head.get_by_role("status")).to_contain_text("Action saved: Weekly food waste trial")

    # Sign-off, with a confirmation page; the plan is then read only.
    head.get_by_role("link", name="Sign off the plan").click()
    expect(head.get_by_text("recorded as signed off late")).to_be_visible()
    assert_accessible(head)
    head.get_by_role("button", name="Yes, sign off the plan").click()
    expect(head.get_by_role("status")).to_contain_text("is signed off")
    expect(head.get_by_text("This plan is signed off")).to_be_visible()
    expect(head.get_by_role("link", name="Change the summary and service targets")).to_have_count(0)
    assert_accessible(head)
    head.goto(f"{base}/plans/waste/{year}/edit/")
    expect(head.get_by_role("status")).to_contain_text("signed off: it cannot be changed")
    assert ServicePlan.objects.get().is_signed_off

    # The owner updates progress, and sees the thread upwards.
    officer = sign_in(browser, base, "alice")
    officer.goto(f"{base}/people/alice/")
    targets = officer.get_by_role("region", name="Appraisal targets (1)")
    expect(targets).to_contain_text("Recycle and compost more")
    expect(targets).to_contain_text("4. A cleaner greener city")
    assert_accessible(officer)
    person_links = links(officer)
    officer.get_by_role("link", name="Weekly food waste trial").click()
    officer.get_by_label("Status").select_option(label="In progress")
    officer.get_by_label("Progress note").fill("Caddies ordered for 2,000 homes.")
    officer.get_by_role("button", name="Save progress").click()
    expect(officer.get_by_role("status")).to_contain_text("Progress saved")
    assert_accessible(officer)
    assert Action.objects.get().status == Action.Status.IN_PROGRESS

    # The priority's page, downwards, shows the same links.
    team = sign_in(browser, base, "pat")
    team.goto(f"{base}/priorities/4/?year={year}")
    expect(team.get_by_role("heading", level=1)).to_contain_text("A cleaner greener city")
    assert_accessible(team)
    assert links(team) == person_links and len(person_links) == 1
