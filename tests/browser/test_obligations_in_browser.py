"""Champions, obligations and an audit's controls in headless Chromium: a head of service finds
the champions' network and what her service must deliver; the performance team records an
audit's checklist where a control is not working, which raises an action. Every page passes axe
(WCAG 2.2 AA)."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from fsr.models import MarketIntelligence
from targets import periods
from targets.models import (
    Action,
    DataQualityAudit,
    DataQualityProcedure,
    Measure,
    Service,
    ServicePlan,
    ServiceRole,
    User,
)
from tests.browser.accessibility import assert_accessible
from tests.factories import MeasureFactory

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
def recycling(waste: Service, alice: User) -> Measure:
    measure = MeasureFactory(
        code="CP10", title="Household waste recycled", service=waste, updater=alice
    )
    DataQualityProcedure.objects.create(
        measure=measure,
        collection="Weighbridge tickets",
        calculation="Tonnes recycled over tonnes collected",
        source_system="Weighbridge",
        controls="- Reconciled monthly with the contractor's invoice\n"
        "- A second officer re-counts ten tickets a quarter",
        last_reviewed=timezone.localdate() - timedelta(days=30),
        next_review_due=timezone.localdate() + timedelta(days=330),
    )
    return measure


def test_a_head_finds_the_champions_and_what_her_service_must_deliver(
    page: Page, live_server: Any, recycling: Measure, hannah: User, dora: User
) -> None:
    waste = recycling.service
    dora.email = "dora@council.example"
    dora.job_title = "Recycling officer"
    dora.save()
    ServiceRole.objects.create(
        user=hannah, service=waste, role=ServiceRole.Role.INNOVATION_CHAMPION
    )
    today = timezone.localdate()
    year = periods.financial_year_of(today)
    ServicePlan.objects.create(
        service=waste, year=year, status=ServicePlan.Status.SIGNED_OFF, signed_off_by=hannah
    )
    MarketIntelligence.objects.create(
        service=waste,
        source="APSE",
        sector=MarketIntelligence.Sector.PRIVATE,
        noted_on=max(today - timedelta(days=3), date(year, 4, 1)),
        summary="Contract prices",
    )

    sign_in(page, live_server, "hannah")
    page.goto(live_server.url + "/champions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Champions' network")
    row = page.get_by_role("row", name="Waste and Recycling")
    expect(row).to_contain_text("dora@council.example")
    expect(row).to_contain_text("None named")  # no Unison champion yet
    assert_accessible(page)
    page.get_by_label("Services without a").select_option("unison_champion")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("row", name="Waste and Recycling")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/obligations/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("What every service must deliver")
    assert_accessible(page)
    page.get_by_role("link", name="Waste and Recycling").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "What Waste and Recycling must deliver"
    )
    plan = page.locator("tr[data-obligation=plan]")
    expect(plan).to_contain_text("Met")
    expect(page.locator("tr[data-obligation=market_intelligence]")).to_contain_text("Met")
    expect(page.locator("tr[data-obligation=review]")).to_contain_text("Never reviewed")
    expect(page.locator("tr[data-obligation=internal_survey]")).to_contain_text("Not applicable")
    assert_accessible(page)
    page.locator("tr[data-obligation=market_intelligence]").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Market intelligence")
    expect(page.get_by_role("row", name="Waste and Recycling")).to_contain_text(
        "Market intelligence gathered"
    )


def test_an_auditor_records_a_control_not_working_which_raises_an_action(
    page: Page, live_server: Any, recycling: Measure, pat: User, alice: User
) -> None:
    month = periods.period_containing(timezone.localdate(), "monthly")
    audit = DataQualityAudit.objects.create(measure=recycling, month=month.code)

    sign_in(page, live_server, "pat")
    page.goto(live_server.url + audit.get_absolute_url())
    expect(page.get_by_text("No controls checked yet.")).to_be_visible()
    page.get_by_role("link", name="Check the procedure's controls").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check the procedure's controls")
    assert_accessible(page)

    first = page.get_by_role(
        "group", name="Control 1: Reconciled monthly with the contractor's invoice"
    )
    first.get_by_label("Tested: working").check()
    first.get_by_label("Evidence").fill("October's reconciliation signed by the head of service.")
    second = page.get_by_role(
        "group", name="Control 2: A second officer re-counts ten tickets a quarter"
    )
    second.get_by_label("Tested: not working").check()
    second.get_by_label("Evidence").fill("No re-count since July; nobody was asked to do it.")
    page.get_by_role("button", name="Save the checklist").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Control 2: Say when the action to fix the control is due")
    assert_accessible(page)
    due = timezone.localdate() + timedelta(days=45)
    page.get_by_role(
        "group", name="Control 2: A second officer re-counts ten tickets a quarter"
    ).get_by_label("Action due").fill(due.isoformat())
    page.get_by_role("button", name="Save the checklist").click()

    expect(page.get_by_role("status")).to_contain_text(
        "1 control(s) not working, each with an action"
    )
    row = page.get_by_role("row", name="2. A second officer re-counts ten tickets a quarter")
    expect(row).to_contain_text("Not working")
    expect(row).to_contain_text("Fix a data-quality control of CP10")
    assert_accessible(page)
    (action,) = audit.actions.all()
    assert (action.owner, action.due, action.source) == (alice, due, Action.Source.DATA_QUALITY)
