"""Every CSV and XLSX export escapes text a spreadsheet would run as a formula (`= + - @`, a tab
or a carriage return at the start), while numbers stay numbers: one function for all of them
(`targets/exports.py`), property-tested here, and each export endpoint checked with a hostile
measure title and commentary.

Adding an export is one line in EXPORTS (and the module scan below fails until its cells go
through `targets.exports`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from targets.exports import FORMULA_START, PLAIN_NUMBER, csv_cell, safe_text, xlsx_cell
from targets.models import Measure, Value
from tests.security.world import MONTH, World, make_run

# --- the function, for any text and any number ------------------------------------------------

texts = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-3.2", "+4", "-.5", "-"]
)
numbers = (
    st.integers(-(10**15), 10**15)
    | st.decimals(
        allow_nan=False, allow_infinity=False, places=6, min_value=-(10**9), max_value=10**9
    )
    | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9)
)


def _runs_as_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text)


@given(texts)
@example('=HYPERLINK("http://evil.example","x")')
@example("-3.2")
def test_text_is_never_written_as_a_formula_and_keeps_its_content(text: str) -> None:
    written = csv_cell(text)
    assert not _runs_as_formula(written)
    assert written == ("'" + text if _runs_as_formula(text) else text)
    assert safe_text(text) == written


@given(numbers)
@example(Decimal("-3.2"))
@example(-3)
def test_numbers_stay_numbers(number: int | float | Decimal) -> None:
    assert xlsx_cell(number) == number
    written = csv_cell(number)
    assert not written.startswith("'")
    assert re.fullmatch(r"-?\d+(\.\d+)?", written), written
    expected = Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    assert Decimal(written) == expected


@given(st.lists(texts | numbers | st.none(), max_size=8))
@settings(max_examples=60, deadline=None)
def test_a_workbook_of_safe_cells_holds_no_formula(cells: list[Any]) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet")
    sheet.append([xlsx_cell(cell) for cell in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue()))
    for cell in read["Sheet"][1] if cells else []:
        assert cell.data_type != "f", cell.value
        if isinstance(cell.value, str):
            assert not _runs_as_formula(cell.value)


@pytest.mark.parametrize("text", ["-3.2", "+4", "-.5", "-0"])
def test_a_signed_number_written_as_text_is_a_number(text: str) -> None:
    assert csv_cell(text) == text
    assert xlsx_cell(text) == Decimal(text)


def test_control_characters_a_workbook_cannot_hold_are_dropped() -> None:
    assert xlsx_cell("\x01=cmd\x0b") == "'=cmd"


# --- each export endpoint ----------------------------------------------------------------------

TITLE = '=HYPERLINK("http://evil.example","x")'
COMMENTARY = "+cmd|' /C calc'!A0"
ACTION = "@SUM(1+1)"


@dataclass(frozen=True)
class Export:
    name: str
    url: Callable[[World], str]
    kind: str  # "csv" or "xlsx"
    persona: str = "pat"


EXPORTS = [
    Export("open data CSV", lambda w: "/public/data.csv", "csv", "anonymous"),
    Export("report pack CSV", lambda w: f"/reports/runs/{w.ids['hostile_run']}/figures.csv", "csv"),
    Export(
        "report pack XLSX", lambda w: f"/reports/runs/{w.ids['hostile_run']}/figures.xlsx", "xlsx"
    ),
    # Export what you see (issue 16): the pages' own rows, headed as the page heads them.
    Export("dashboard CSV", lambda w: f"/?period={MONTH}&kind=&export=csv", "csv"),
    Export("scorecard XLSX", lambda w: f"/services/waste/?period={MONTH}&export=xlsx", "xlsx"),
]


@pytest.fixture
def hostile(world: World) -> World:
    """WST-PUB's title, commentary and corrective action would run as formulas; its figure is
    negative; its commentary holds a control character."""
    Measure.objects.filter(code="WST-PUB").update(title=TITLE)
    Value.objects.filter(measure__code="WST-PUB").update(
        actual=Decimal("-3.2"), commentary=COMMENTARY + "\x0b", corrective_action=ACTION
    )
    world.ids["hostile_run"] = make_run("monthly-corporate", "2026-09", version=2).pk
    return world


def _rows(export: Export, body: bytes) -> list[list[Any]]:
    if export.kind == "xlsx":
        workbook = load_workbook(io.BytesIO(body))
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                assert all(cell.data_type != "f" for cell in row), [c.value for c in row]
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    text = body.decode()
    if text.startswith("#"):
        text = text.split("\r\n", 1)[1]  # the open data's licence line
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]


@pytest.mark.django_db
@pytest.mark.parametrize("export", EXPORTS, ids=[e.name for e in EXPORTS])
def test_each_export_escapes_hostile_text_and_keeps_numbers(export: Export, hostile: World) -> None:
    client = Client()
    user = hostile.users[export.persona]
    if user is not None:
        client.force_login(user)
    response = client.get(export.url(hostile))
    assert response.status_code == 200
    rows = _rows(export, response.content)
    header, data = rows[0], rows[1:]
    row = next(r for r in data if "WST-PUB" in r)
    cells = dict(zip((h.lower() for h in header), row, strict=False))
    title = cells.get("title", cells.get("measure_title", cells.get("measure")))
    assert title == "'" + TITLE
    value = cells.get("actual", cells.get("value"))
    if export.kind == "xlsx":
        assert value == -3.2
    else:
        assert Decimal(value) == Decimal("-3.2"), value
    if "commentary" in cells:
        assert cells["commentary"] in ("'" + COMMENTARY, "'" + COMMENTARY + "\x0b")
        assert cells["corrective_action"] == "'" + ACTION
    for text in (c for c in row if isinstance(c, str)):
        assert not _runs_as_formula(text), text


# --- no module writes a spreadsheet without the escaping --------------------------------------

APPS = ("targets", "benchmarking", "feedback", "oim", "fsr", "reporting")
WRITES = re.compile(r"csv\.writer\(|csv\.DictWriter\(|Workbook\(|\.to_csv\(|\.to_excel\(")
# Modules that write CSV that is not an export, with the reason.
NOT_EXPORTS = {
    "targets/exports.py": "the escaping itself; export_response passes every cell through it",
    "benchmarking/demo.py": "builds an import file in memory for the demo's own import",
    "feedback/demo.py": "builds the demo CRM export for the demo's own complaints import",
    "feedback/bench.py": "builds the benchmark's CRM export",
    "feedback/derive.py": "hands the derived values to import_values in memory",
    "oim/outturn.py": "hands the outturn's figures per head to import_benchmarks in memory",
}


def test_every_module_writing_csv_or_xlsx_uses_the_escaping() -> None:
    base = Path(django_settings.BASE_DIR)
    missing = []
    for app in APPS:
        for path in sorted((base / app).rglob("*.py")):
            name = str(path.relative_to(base))
            text = path.read_text()
            if "migrations" in path.parts or name in NOT_EXPORTS or not WRITES.search(text):
                continue
            if "targets.exports" not in text:
                missing.append(name)
    assert not missing, (
        f"{missing} write CSV or XLSX without targets.exports: pass every cell through "
        "csv_cell() or xlsx_cell(), and add the export to EXPORTS in "
        "tests/security/test_export_escaping.py"
    )
