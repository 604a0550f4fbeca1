"""axe-core in headless Chromium: every browser test checks the pages it visits against WCAG 2.2
A and AA with `assert_accessible(page)` (or reads `violations(page)`), one definition for all.

axe is put into a page once per document: a second check of the same page (after typing, say)
runs the copy already there, where `Axe().run` evaluated its 500 KB script again each time.
Only violations are reported in full (`resultTypes`): axe still runs every rule of the tags,
but does not describe each element that passed, which the checks never read and which was a
fifth of each run's time in Chromium.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG: dict[str, Any] = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
_SCRIPT = Axe().axe_script  # axe.min.js, as the library ships it

# Each violation as "rule: what it asks", with the elements it found (CSS selectors).
_RUN = """options => axe.run(document, options).then(results => results.violations.map(
    v => v.id + ": " + v.help + " (" + v.nodes.map(n => n.target.join(" ")).join(", ") + ")"))"""


def violations(page: Page) -> list[str]:
    """What axe finds wrong on the page as it stands, against WCAG 2.2 A and AA."""
    if not page.evaluate("() => typeof window.axe === 'object' && 'run' in window.axe"):
        page.evaluate(_SCRIPT)
    found: list[str] = page.evaluate(_RUN, WCAG)
    return found


def assert_accessible(page: Page) -> None:
    found = violations(page)
    assert found == [], f"{page.url}: {found}"
