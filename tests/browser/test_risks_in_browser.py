"""The risk register in headless Chromium: the head of waste adds a risk whose controls would
make it worse (refused, with the reason, the error summary leading to the field), corrects it,
reads it on its page and on the register's heat map; the pages pass axe (WCAG 2.2 AA), at a
desktop and a phone's width."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from fsr.governance.models import Risk
from targets.models import Service, User
from tests.browser.accessibility import assert_accessible
from tests.browser.test_fsr_in_browser import sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_head_records_a_risk_and_finds_it_on_the_heat_map(
    page: Page, live_server: Any, hannah: User, pat: User, waste: Service
) -> None:
    Risk.objects.create(
        reference="CR01",
        kind="corporate",
        title="Funding gap",
        cause="Settlement below inflation",
        effect="Savings needed",
        owner=pat,
        controls="MTFS reviewed quarterly",
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=4,
        residual_impact=4,
        review_date=timezone.localdate() - timedelta(days=3),
    )
    sign_in(page, live_server, "hannah")
    page.goto(live_server.url + "/fsr/risks/")
    page.get_by_role("link", name="Add a risk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a risk")
    page.get_by_label("Service", exact=True).select_option(label="Waste and Recycling")
    page.get_by_label("Title", exact=True).fill("Depot fire from batteries in bins")
    page.get_by_label("Cause", exact=True).fill("Lithium batteries thrown in the recycling")
    page.get_by_label("Effect", exact=True).fill("Depot closed; rounds suspended")
    page.get_by_label("Owner", exact=True).select_option(str(hannah.pk))
    page.get_by_label("Inherent likelihood").select_option("3")
    page.get_by_label("Inherent impact").select_option("5")
    page.get_by_label("Controls", exact=True).fill(
        "Sprinklers; thermal camera on the tipping floor"
    )
    page.get_by_label("Residual likelihood").select_option("4")
    page.get_by_label("Residual impact").select_option("5")
    page.get_by_label("Next review").fill("2027-03-31")
    page.get_by_role("button", name="Save the risk").click()

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(
        "The residual likelihood (4) cannot be higher than the inherent likelihood (3)"
    )
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Residual likelihood")).to_be_focused()
    assert not Risk.objects.filter(service=waste).exists()

    page.get_by_label("Residual likelihood").select_option("2")
    page.get_by_role("button", name="Save the risk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Depot fire from batteries in bins"
    )
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("▲ High (15)")
    expect(facts).to_contain_text("◇ Medium (10)")
    assert_accessible(page)

    page.get_by_role("link", name="Risk register").first.click()
    heat = page.get_by_role("table", name="Open risks by residual likelihood and impact")
    expect(heat).to_be_visible()
    # Likelihood 2, impact 5: the fourth row from the top of a 5 × 5 map, the fifth cell.
    cell = heat.locator("tbody tr").nth(3).locator("td").nth(4)
    expect(cell.locator(".heat-map__count")).to_have_text("1")
    expect(cell).to_contain_text("Medium")
    expect(page.get_by_role("row", name="CR01 Funding gap")).to_contain_text("Overdue")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)


def test_dashboard_loads_the_summary_of_risks_and_programmes(
    page: Page, live_server: Any, carol: User, pat: User, waste: Service
) -> None:
    Risk.objects.create(
        reference="WASTE-R01",
        kind="service",
        service=waste,
        title="Missed collections",
        cause="New rounds",
        effect="Complaints",
        owner=pat,
        controls="Briefings",
        inherent_likelihood=4,
        inherent_impact=4,
        residual_likelihood=4,
        residual_impact=4,
        review_date=timezone.localdate() + timedelta(days=10),
    )
    sign_in(page, live_server, "carol")
    summary = page.locator("#governance-summary")
    expect(summary).to_contain_text("WASTE-R01 Missed collections")
    expect(summary).to_contain_text("▲ High (16)")
    expect(page.get_by_role("heading", name="Risks and corporate programmes")).to_be_visible()
    assert_accessible(page)
