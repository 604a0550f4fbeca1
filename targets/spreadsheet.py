"""Text written into CSV and XLSX files that people open in a spreadsheet."""

from __future__ import annotations

# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Text as a spreadsheet shows it, never as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text
