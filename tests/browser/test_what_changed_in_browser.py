"""'What changed' in headless Chromium: the performance team rewrites a draft pack's narrative
on its run page, sees it marked as edited, and both states pass axe-core (WCAG 2.2 A and AA)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from reporting import services
from reporting.models import PackStatus, ReportRun, ReportSchedule
from targets import periods
from targets.models import User, Value, ValueStatus
from tests.browser.test_archive_in_browser import (  # noqa: F401 (fixtures)
    assert_accessible,
    council,
    quarter,
    schedule,
    sign_in,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_the_team_edits_a_draft_packs_narrative(
    browser: Browser,
    live_server: Any,
    settings: Any,
    tmp_path: Path,
    schedule: ReportSchedule,  # noqa: F811 (the fixture)
    council: None,  # noqa: F811 (the fixture)
    quarter: periods.Period,  # noqa: F811 (the fixture)
    pat: User,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # CP11's last month is submitted, not published: the scrutiny pack is a draft.
    month = quarter.months()[-1]
    Value.objects.filter(measure__code="CP11", period=month.code).update(
        status=ValueStatus.SUBMITTED
    )
    run = services.request_run(schedule=schedule, period=quarter, dispatch=False).run
    run = services.run_report(run_id=run.pk)
    assert run.pack_status == PackStatus.DRAFT

    page = sign_in(browser, live_server.url, "pat")
    page.goto(live_server.url + run.get_absolute_url())
    section = page.locator("section.what-changed")
    expect(section.get_by_role("heading", level=2)).to_have_text(
        f"What changed since {quarter.previous().label}"
    )
    expect(section).to_contain_text("on target in")
    assert_accessible(page)

    field = page.get_by_role("textbox", name="Summary of what changed")
    expect(field).to_have_value(re.compile(r"^\d+ of \d+ on target in "))
    field.fill("Recycling held up: see [CP10].\nFood waste is being chased: [CP99].")
    page.get_by_role("button", name="Save the summary").click()
    # An unknown code: the page says which, the field keeps the text, nothing is saved.
    expect(page.locator("#error-summary")).to_contain_text("[CP99] is not a measure of this pack")
    assert_accessible(page)
    field = page.get_by_role("textbox", name="Summary of what changed")
    field.fill("Recycling held up: see [CP10].\nFood waste is being chased.")
    page.get_by_role("button", name="Save the summary").click()

    expect(page.locator(".messages")).to_contain_text("The summary of what changed is saved")
    section = page.locator("section.what-changed")
    expect(section.get_by_role("listitem").first).to_have_text(
        "Recycling held up: see Household waste recycled (CP10)."
    )
    expect(section.get_by_role("link", name="Household waste recycled (CP10)")).to_have_attribute(
        "href", "/measures/CP10/"
    )
    expect(section).to_contain_text("Edited by")
    assert_accessible(page)
    stored = ReportRun.objects.get(pk=run.pk).snapshot
    assert stored is not None and stored["narrative"]["edited"]["by"] == str(pat)
