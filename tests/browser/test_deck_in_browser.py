"""The board slides from a run's page in headless Chromium: the link beside the PDF, reached by
keyboard, downloads a deck python-pptx opens; the page passes axe-core (WCAG 2.2 A and AA)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from pptx import Presentation

from reporting import services
from reporting.models import ReportSchedule
from targets import periods
from targets.models import User
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


def test_scrutiny_downloads_the_board_slides_from_the_run_page(
    browser: Browser,
    live_server: Any,
    settings: Any,
    tmp_path: Path,
    schedule: ReportSchedule,  # noqa: F811
    council: None,  # noqa: F811
    quarter: periods.Period,  # noqa: F811
    sam: User,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    run = services.request_run(schedule=schedule, period=quarter, dispatch=False).run
    services.run_report(run_id=run.pk)

    page = sign_in(browser, live_server.url, "sam")
    page.goto(live_server.url + f"/reports/runs/{run.pk}/")
    link = page.get_by_role("link", name="Board slides (PowerPoint)")
    expect(link).to_be_visible()
    assert_accessible(page)

    # The link is reached from the PDF's by Tab, and Enter downloads the deck.
    page.get_by_role("link", name="Download the PDF").focus()
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    saved = tmp_path / "slides.pptx"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"{run.file_stem()}.pptx"
    titles = [s.shapes.title.text_frame.text for s in Presentation(str(saved)).slides]
    assert titles[0] == schedule.name
    assert "Off target (Red): CP11 Food waste collected" in titles
