"""Reading files: what is accepted, and hostile files refused cleanly (nothing written)."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
import pytest
from django.core.management import CommandError, call_command

from targets.imports import import_values, reader
from targets.imports.report import ImportReport
from targets.models import Measure, Service, Value
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

GOOD = b"measure,period,value\nWST-01,2025-04,45\n"


@pytest.fixture(autouse=True)
def recycling(waste: Service) -> Measure:
    return MeasureFactory(code="WST-01", service=waste, decimals=1, active_from=2023)


def _import(data: bytes) -> ImportReport:
    return import_values(io.BytesIO(data))


def _problems(data: bytes) -> list[str]:
    report = _import(data)
    assert Value.objects.count() == 0
    return report.lines()


def _xlsx(*rows: list[Any]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            body = content if member.filename == name else source.read(member.filename)
            target.writestr(member.filename, body)
    return buffer.getvalue()


def test_openpyxl_parses_xml_with_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML is True


def test_a_csv_with_a_byte_order_mark_and_loose_headers_is_read() -> None:
    data = '\ufeff Measure ,PERIOD,Value,Notes to self\r\nWST-01,2025-04,"1,234.5",x\r\n'

    report = _import(data.encode("utf-8"))

    assert report.ok, report.lines()
    assert Value.objects.get().actual == Decimal("1234.5")


def test_blank_rows_are_skipped_but_still_counted_in_row_numbers() -> None:
    problems = _problems(b"measure,period,value\n\nWST-01,2025-04,x\n")

    assert problems == ["row 3, column value: Value must be a number"]


@pytest.mark.parametrize("text", ["12.5%", "£12", "1,23", "1 000", "1e5", "NaN", "--1"])
def test_numbers_are_strict(text: str) -> None:
    problems = _problems(f'measure,period,value\nWST-01,2025-04,"{text}"\n'.encode())

    assert problems == ["row 2, column value: Value must be a number"]


def test_a_formula_is_refused() -> None:
    problems = _problems(b"measure,period,value,commentary\nWST-01,2025-04,=1+1,=HYPERLINK(x)\n")

    assert problems == [
        "row 2, column value: Formulas are not accepted: enter the value itself",
        "row 2, column commentary: Formulas are not accepted: enter the value itself",
    ]


def test_nul_bytes_are_refused() -> None:
    problems = _problems(b"measure,period,value\nWST-01,2025-04,4\x005\n")

    assert problems == [
        "The file contains NUL bytes, so it is not CSV text: upload a CSV (UTF-8) or .xlsx file"
    ]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "is a PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is an image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "save it as .xlsx"),
        ("measure,period,value\n".encode("utf-16"), "UTF-16"),
        (b"PK\x03\x04 this is no zip at all", "damaged"),
        (b"   \n\n", "empty"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused_by_content(data: bytes, says: str) -> None:
    [problem] = _problems(data)

    assert says in problem


def test_the_command_refuses_a_pdf_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_bytes(b"%PDF-1.4\n" + bytes(100))

    with pytest.raises(CommandError, match="The file is a PDF"):
        call_command("import_values", str(path))


def test_a_latin_1_csv_is_refused_with_its_line() -> None:
    data = "measure,period,value,commentary\nWST-01,2025-04,45,Café\n".encode("latin-1")

    problems = _problems(data)

    assert problems == [
        "The file is not UTF-8 text (the first problem is on line 2): "
        "save it as CSV UTF-8 (comma delimited) or as .xlsx"
    ]


def test_an_oversize_file_is_refused(settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 30

    assert _problems(GOOD) == ["The file is larger than the 30 bytes limit: split it up"]


def test_too_many_rows_are_refused(settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 3
    rows = "".join(f"WST-01,2025-{m:02d},45\n" for m in range(4, 9))

    problems = _problems(f"measure,period,value\n{rows}".encode())

    assert problems == ["The file has more than 3 rows: split it into smaller files"]


def test_a_huge_cell_is_refused() -> None:
    long = "x" * 20_000
    problems = _problems(f"measure,period,value,commentary\nWST-01,2025-04,45,{long}\n".encode())

    assert problems == ["row 2, column commentary: The cell is longer than 10,000 characters"]


def test_a_cell_too_big_for_the_csv_reader_is_refused() -> None:
    long = "x" * 200_000
    problems = _problems(f"measure,period,value\nWST-01,2025-04,45\nWST-01,{long},1\n".encode())

    assert len(problems) == 1
    assert problems[0].startswith("row 3: The row cannot be read: field larger than field limit")


def test_a_semicolon_separated_file_is_refused_with_advice() -> None:
    [problem] = _problems(b"measure;period;value\nWST-01;2025-04;45\n")

    assert "separated by semicolons or tabs" in problem


def test_a_line_too_wide_is_refused() -> None:
    problems = _problems(b"measure,period,value\nWST-01,2025-04,45" + b"," * 1_000_001 + b"\n")

    assert problems == ["A line of the file is longer than 1,000,000 characters"]


def test_a_duplicate_column_is_refused() -> None:
    problems = _problems(b"measure,period,value,Value\nWST-01,2025-04,45,46\n")

    assert problems == ["row 1, column value: The column appears more than once"]


def test_a_zip_bomb_is_refused_before_it_is_inflated() -> None:
    workbook = _xlsx(["measure", "period", "value"], ["WST-01", "2025-04", 45])
    bomb = _replace_member(workbook, "xl/worksheets/sheet1.xml", b" " * (5 * 1024 * 1024))
    assert len(bomb) < 60_000

    [problem] = _problems(bomb)

    assert "possible zip bomb" in problem


def test_a_workbook_that_expands_too_far_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "XLSX_MAX_UNCOMPRESSED", 1000)

    [problem] = _problems(_xlsx(["measure", "period", "value"], ["WST-01", "2025-04", 45]))

    assert "it would expand to more than 1000 bytes, a possible zip bomb" in problem


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")

    [problem] = _problems(buffer.getvalue())

    assert "not an .xlsx workbook" in problem


def _billion_laughs(root: str, body: str) -> bytes:
    """An XML document whose one entity expands to 10^9 "lol"s."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    namespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return (
        f'<?xml version="1.0"?><!DOCTYPE {root} [{"".join(entities)}]>'
        f'<{root} xmlns="{namespace}">{body}</{root}>'
    ).encode()


@pytest.mark.parametrize(
    ("member", "document"),
    [
        (
            "xl/worksheets/sheet1.xml",
            _billion_laughs(
                "worksheet",
                '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
                "</row></sheetData>",
            ),
        ),
        ("xl/workbook.xml", _billion_laughs("workbook", "<sheets>&lol9;</sheets>")),
    ],
)
def test_an_xml_entity_bomb_is_refused(member: str, document: bytes) -> None:
    workbook = _replace_member(_xlsx(["measure", "period", "value"]), member, document)

    [problem] = _problems(workbook)

    assert "declares entities" in problem


def test_an_xlsx_reads_its_first_sheet_with_row_numbers_as_shown() -> None:
    data = _xlsx(
        ["measure", "period", "value"],
        ["WST-01", "2025-04", 45],
        [None, None, None],
        ["WST-01", "2025-05", "lots"],
    )

    assert _problems(data) == ["row 4, column value: Value must be a number"]


def test_an_xlsx_declaring_a_huge_sheet_is_read_by_its_cells() -> None:
    data = _xlsx(["measure", "period", "value"], ["WST-01", "2025-04", 45])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b'<dimension ref="A1:C2"/>', b'<dimension ref="A1:XFD1048576"/>')

    report = _import(_replace_member(data, "xl/worksheets/sheet1.xml", sheet))

    assert report.ok, report.lines()
    assert report.rows == 1


def test_cells_far_to_the_right_are_not_read() -> None:
    data = _xlsx(["measure", "period", "value"], ["WST-01", "2025-04", 45, *[None] * 16_000, "x"])

    header, *rows = reader._xlsx_rows(data, wanted={"measure", "period", "value"})

    assert [len(row) for row in rows] == [3]
