"""The browser tests' accessibility check (`tests/browser/accessibility.py`) finds what it must:
a check that found nothing on any page would pass every journey."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page

from tests.browser.accessibility import assert_accessible, violations

pytestmark = [pytest.mark.browser]

GOOD = """<!doctype html><html lang="en-GB"><head><title>Fine</title></head>
<body><main><h1>Fine</h1><p>Readable text.</p></main></body></html>"""
# An image without a text alternative, a field without a label, grey on white (2.3:1).
BAD = """<!doctype html><html lang="en-GB"><head><title>Broken</title></head>
<body><main><h1>Broken</h1><img src="data:," id="picture">
<input type="text" id="nameless"><p style="color:#aaa">Faint text</p></main></body></html>"""


def test_a_page_that_breaks_wcag_is_named_with_its_elements(page: Page) -> None:
    page.set_content(BAD)
    found = violations(page)
    rules = sorted(v.split(":")[0] for v in found)
    assert rules == ["color-contrast", "image-alt", "label"]
    assert any("#picture" in v for v in found) and any("#nameless" in v for v in found)
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)


def test_the_same_document_is_checked_again_as_it_changes(page: Page) -> None:
    page.set_content(GOOD)
    assert_accessible(page)
    # axe is already in the page: the second check must still see what changed since.
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert [v.split(":")[0] for v in violations(page)] == ["image-alt"]
    # A page loaded anew has no axe of its own until it is checked.
    page.goto("data:text/html," + quote(GOOD))
    assert page.evaluate("typeof window.axe") == "undefined"
    assert violations(page) == []
