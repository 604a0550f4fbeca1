"""A freshly loaded demo in headless Chromium: the scrutiny login downloads its quarterly pack
from the first minute, and /reports/public/ lists the public pack for anyone; axe-core (WCAG 2.2
A and AA) on every page visited."""

from __future__ import annotations

import importlib
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import Browser, expect

from reporting.models import ReportRun, ReportSchedule
from tests.browser.accessibility import assert_accessible

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings: Any, tmp_path: Path) -> str:
    """`manage.py load_demo` as `make run` calls it, packs included, on today's date (the live
    server and the browser share the real clock)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO_REPORT_PACKS = True
    if not ReportSchedule.objects.exists():  # an earlier transactional test emptied them
        importlib.import_module("reporting.migrations.0002_seed_schedules").seed(apps, None)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_scrutiny_downloads_a_quarterly_pack_and_the_public_sees_the_public_one(
    browser: Browser, live_server: Any, demo: str
) -> None:
    base = live_server.url
    run = ReportRun.objects.get(schedule__code="scrutiny-quarterly")

    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(base + "/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill("scrutiny")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report archive")
    section = page.get_by_role("region", name="Quarterly performance report to the scrutiny panel")
    expect(section).to_contain_text(run.period_obj.label)
    assert_accessible(page)
    link = section.get_by_role("link", name=f"PDF of {run.period_obj.label} version 1")
    href = link.get_attribute("href")
    assert href == f"/reports/runs/{run.pk}/pack.pdf"
    # Chromium shows a PDF inline rather than saving it: fetch it with the page's session.
    pdf = page.request.get(base + href)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert f'filename="{run.file_stem()}.pdf"' in pdf.headers["content-disposition"]
    assert pdf.body().startswith(b"%PDF-")

    public = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    public.goto(base + "/reports/public/")
    expect(public.get_by_role("heading", level=1)).to_contain_text("Performance reports")
    listed = public.get_by_role("region", name="Quarterly performance report to the scrutiny panel")
    expect(
        listed.get_by_role("link", name=f"PDF of {run.period_obj.label} version 1")
    ).to_be_visible()
    expect(public.get_by_text("No reports are published here yet.")).to_have_count(0)
    assert_accessible(public)
