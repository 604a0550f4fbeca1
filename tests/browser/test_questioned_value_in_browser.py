"""A questioned value in headless Chromium (issue 19 point 2): the officer types ten times the
measure's history on the value form, sees the question at once (text tied to the field), cannot
submit without a commentary, submits with one; the approver sees the question in the queue.

axe-core checks the form with the question shown and the approval queue (WCAG 2.2 A and AA).
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from targets import periods
from targets.models import Measure, Service, User, Value, ValueQuestion, ValueStatus
from tests.browser.accessibility import assert_accessible
from tests.browser.test_month_grid_in_browser import sign_in
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def month() -> periods.Period:
    """The latest complete month (the live server shares the real clock)."""
    return periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)


@pytest.fixture
def measure(waste: Service, month: periods.Period) -> Measure:
    measure = MeasureFactory(
        code="WST-07",
        title="Household waste collected (tonnes)",
        service=waste,
        unit=Measure.Unit.COUNT,
        decimals=0,
        active_from=month.year - 2,
    )
    TargetFactory(measure=measure, year=month.year, value=Decimal("500"))
    for i, period in enumerate(periods.last_n(month.previous(), 24)):
        ValueFactory(measure=measure, period=period.code, actual=Decimal(480 + (i * 7) % 40))
    return measure


def test_officer_explains_a_tenfold_value_and_the_approver_sees_the_question(
    browser: Browser,
    live_server: Any,
    measure: Measure,
    month: periods.Period,
    alice: User,
    hannah: User,
) -> None:
    officer = sign_in(browser, live_server.url, "alice", 1366)
    officer.goto(f"{live_server.url}/measures/WST-07/enter/?period={month.code}")
    question = officer.locator("#value-question")
    expect(question).to_be_hidden()

    figure = officer.get_by_label("Value", exact=True)
    figure.fill("5000")
    expect(question).to_be_visible()
    expect(question).to_contain_text("5,000 is far above")
    expect(question).to_contain_text("expected between")
    assert "value-question" in (figure.get_attribute("aria-describedby") or "")
    assert_accessible(officer)

    officer.get_by_role("button", name="Submit for approval").click()
    expect(officer.locator("#id_commentary-error")).to_contain_text("questioned")
    assert not Value.objects.filter(measure=measure, period=month.code).exists()

    officer.get_by_label("Commentary").fill("Two months of collections were recorded together.")
    officer.get_by_role("button", name="Submit for approval").click()
    expect(officer.get_by_role("status").first).to_contain_text("submitted for approval")
    value = Value.objects.get(measure=measure, period=month.code)
    assert value.status == ValueStatus.SUBMITTED
    assert ValueQuestion.objects.get(value=value).explanation.startswith("Two months")

    approver = sign_in(browser, live_server.url, "hannah", 1366)
    approver.goto(f"{live_server.url}/approvals/")
    flag = approver.locator(".question-flag")
    expect(flag).to_contain_text("Questioned:")
    expect(flag).to_contain_text("far above")
    expect(approver.locator("table.approvals")).to_contain_text("Two months of collections")
    assert_accessible(approver)


def test_a_typical_value_raises_no_question(
    browser: Browser, live_server: Any, measure: Measure, month: periods.Period, alice: User
) -> None:
    officer = sign_in(browser, live_server.url, "alice", 1366)
    officer.goto(f"{live_server.url}/measures/WST-07/enter/?period={month.code}")
    officer.get_by_label("Value", exact=True).fill("505")
    expect(officer.locator("#rag-preview")).to_contain_text("With this value")
    expect(officer.locator("#value-question")).to_be_hidden()
    officer.get_by_role("button", name="Submit for approval").click()
    expect(officer.get_by_role("status").first).to_contain_text("submitted for approval")
    assert not ValueQuestion.objects.exists()


def test_the_month_grid_questions_a_row_as_it_is_typed(
    browser: Browser, live_server: Any, measure: Measure, month: periods.Period, alice: User
) -> None:
    officer = sign_in(browser, live_server.url, "alice", 1366)
    officer.goto(f"{live_server.url}/services/{measure.service.code}/enter/?period={month.code}")
    question = officer.locator("#question-WST-07")
    expect(question).to_be_hidden()
    officer.get_by_label("Value, WST-07").fill("5000")
    expect(question).to_be_visible()
    expect(question).to_contain_text("far above")
    commentary = officer.get_by_label("Commentary, WST-07")
    assert commentary.get_attribute("aria-required") == "true"
    assert_accessible(officer)
    officer.get_by_role("button", name="Submit all for approval").click()
    expect(officer.locator(".error-summary")).to_contain_text("WST-07")
    assert not Value.objects.filter(measure=measure, period=month.code).exists()
    officer.get_by_label("Value, WST-07").fill("505")
    expect(question).to_be_hidden()
