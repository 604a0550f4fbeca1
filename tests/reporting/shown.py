"""What a scorecard row's cells show on screen: their text with the symbols the style sheet
puts before statuses and directions (`.scorecard-rows …::before`; the rows are written by
reporting/templatetags/scorecards.py)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from bs4 import Tag

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "goldthread.css"
_RULE = re.compile(
    r'\.scorecard-rows \.([\w-]+)::before \{ content: "([^"]*)"; content: "\2" / ""; \}'
)


@cache
def symbols() -> dict[str, str]:
    """{class: the symbol the style sheet writes before an element of that class in a row}."""
    return {name: symbol.strip() for name, symbol in _RULE.findall(CSS.read_text())}


def shown(cell: Tag) -> str:
    """The cell's text as read on screen: each marked element's symbol before its words."""
    for element in [cell, *cell.find_all(class_=True)]:
        for name in element.get_attribute_list("class"):
            if name in symbols():
                element.insert(0, symbols()[name] + " ")
    return cell.get_text(" ", strip=True)
