"""The browser the tests drive: the features tests/conftest.py turns off stay off, and Playwright's
own choices survive the list that replaces its --disable-features."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.conftest import CHROMIUM, UNSHOWN_PAGES

pytestmark = [pytest.mark.browser]


def _ancestors(pid: int) -> set[int]:
    found = set()
    while pid > 1:
        found.add(pid)
        status = Path(f"/proc/{pid}/status").read_text()
        pid = int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))
    return found


def _browser_command_lines() -> list[list[str]]:
    """The command lines of the Chromium browser processes this test process started (through
    Playwright's driver), without their renderers and other helpers."""
    lines = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode().split("\0")
            ours = os.getpid() in _ancestors(int(entry.name))
        except (OSError, StopIteration):
            continue  # gone meanwhile
        # Debian's /usr/bin/chromium is a script that runs /usr/lib/chromium/chromium.
        chromium = Path(argv[0]).name == CHROMIUM.name
        if ours and chromium and not any(a.startswith("--type=") for a in argv):
            lines.append(argv)
    return lines


def test_playwrights_disabled_features_are_all_in_the_list_that_replaces_them(
    browser: Browser,
) -> None:
    lines = _browser_command_lines()
    assert lines, "no Chromium browser process found under this test process"
    for argv in lines:
        given = [
            a.removeprefix("--disable-features=").split(",")
            for a in argv
            if a.startswith("--disable-features=")
        ]
        assert len(given) == 2, given  # Playwright's, then ours (the one Chromium keeps)
        playwrights, ours = given
        assert set(playwrights) <= set(ours), set(playwrights) - set(ours)
        assert set(UNSHOWN_PAGES) <= set(ours)


def test_a_new_context_holds_only_its_own_page(browser: Browser) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto("data:text/html,<title>t</title><p>A page.")
        session = browser.new_browser_cdp_session()
        targets = session.send("Target.getTargets", {})["targetInfos"]
        session.detach()
        # Chromium's own pages (the address bar's popups) would be "browser_ui" targets.
        assert [t["url"] for t in targets if t["type"] == "browser_ui"] == []
    finally:
        context.close()
