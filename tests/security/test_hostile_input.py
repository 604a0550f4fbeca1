"""Hostile input: a corpus of bad and hostile files, sent to every import, by its command and by
its upload page. Each must be refused with a message saying why, within bounded memory and time,
and write nothing at all (every table of the database is compared before and after).

The corpus is built in the test (nothing hostile is stored in the repository): formulas (CSV
text and real XLSX formula cells), NUL bytes, a PDF and a PNG under a spreadsheet's name, a zip
bomb (a tiny .xlsx whose sheet would inflate to gigabytes), an XML entity bomb (billion laughs)
inside an .xlsx, 1,000,001 rows (CSV and XLSX), a 10 MB cell, mixed encodings (UTF-8 with
Latin-1 bytes, UTF-16 with its byte order mark), an empty file and a header without rows.

Adding an import is one line in IMPORTS: its command, a header and one good row, and its upload
page's form (or None).
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from targets.imports import reader
from tests.security.world import World

MEMORY_BOUND = 200 * 1024 * 1024  # bytes, peak of Python allocations while refusing a file
TIME_BOUND = 30.0  # seconds: a guard against hangs, not a benchmark
ROWS = 1_000_001


@dataclass(frozen=True)
class ImportTarget:
    """One import: its command, a header and a good row, and its upload page."""

    name: str
    command: tuple[str, ...]  # the file's path is added last
    header: str
    row: str
    upload_url: str | None = None
    upload_form: dict[str, str] | None = None


IMPORTS = [
    ImportTarget(
        "values",
        ("import_values",),
        "measure,period,value",
        "WST-PUB,2026-08,45",
        "/upload/",
        {"kind": "values"},
    ),
    ImportTarget(
        "targets",
        ("import_targets",),
        "measure,year,target",
        "WST-PUB,2026/27,55",
        "/upload/",
        {"kind": "targets"},
    ),
    ImportTarget(
        "measures",
        ("import_measures",),
        "code,title,kind,service,priority,unit,decimals,polarity,frequency,aggregation,"
        "tolerance_pct,tolerance_abs,public",
        "NEW-01,New measure,service,waste,4,percent,1,up,monthly,snapshot,5,,no",
        "/upload/",
        {"kind": "measures"},
    ),
    ImportTarget(
        "authorities",
        ("import_authorities",),
        "gss-code,nice-name,local-authority-type",
        "E07000999,Newtown,NMD",
    ),
    ImportTarget(
        "groups",
        ("import_groups",),
        "authority_code,neighbour_code",
        "E07000001,E07000178",
    ),
    ImportTarget(
        "benchmarks",
        ("import_benchmarks", "--metric", "NEW1", "--title", "New metric"),
        "area_code,period,value",
        "E07000178,2024/25,40.5",
        "/benchmarking/upload/",
        {"metric": "NEW1", "title": "New metric"},
    ),
    ImportTarget(
        "complaints",
        ("import_complaints",),
        "reference,service,received,due,responded,stage,outcome,kind",
        "CRM-00001,waste,2026-09-01,2026-09-22,2026-09-10,1,upheld,complaint",
        "/feedback/complaints/upload/",
        {},
    ),
]


# --- the corpus --------------------------------------------------------------------------------


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _replace(data: bytes, name: str, content: bytes | Callable[[zipfile.ZipFile], None]) -> bytes:
    """The workbook with one member replaced (written by `content` if it is a function)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            if member.filename != name:
                target.writestr(member.filename, source.read(member.filename))
            elif callable(content):
                content(target)
            else:
                target.writestr(name, content)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _cells(header: str) -> list[list[str]]:
    return [header.split(",")]


def formula_csv(t: ImportTarget) -> bytes:
    cells = t.row.split(",")
    cells[0] = "=cmd|' /C calc'!A0"
    return f"{t.header}\n{','.join(cells)}\n".encode()


def formula_xlsx(t: ImportTarget) -> bytes:
    cells: list[Any] = t.row.split(",")
    cells[0] = '=HYPERLINK("http://evil.example","click")'
    return _xlsx([t.header.split(","), cells])


def nul_bytes(t: ImportTarget) -> bytes:
    return f"{t.header}\n{t.row}\n".encode().replace(b",", b"\x00,", 1)


def pdf_named_csv(t: ImportTarget) -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>\nendobj\n" + bytes(200)


def png_named_xlsx(t: ImportTarget) -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)


def zip_bomb(t: ImportTarget) -> bytes:
    """A 2 MB .xlsx whose sheet inflates to 2 GB of zeros (as its zip entry declares)."""

    def write(target: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo(SHEET)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as member:
            chunk = b"0" * (16 * 1024 * 1024)
            for _ in range(128):
                member.write(chunk)

    return _replace(_xlsx(_cells(t.header)), SHEET, write)


def entity_bomb(t: ImportTarget) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    document = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{"".join(entities)}]>'
        f'<worksheet xmlns="{NAMESPACE}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
        "<is><t>&lol9;</t></is></c></row></sheetData></worksheet>"
    )
    return _replace(_xlsx(_cells(t.header)), SHEET, document.encode())


def million_rows_csv(t: ImportTarget) -> bytes:
    return (t.header + "\n" + (t.row + "\n") * ROWS).encode()


def million_rows_xlsx(t: ImportTarget) -> bytes:
    """1,000,001 rows of varied numbers, written straight into the sheet (openpyxl would take
    minutes), so that it compresses like a real sheet rather than like a bomb."""
    width = len(t.header.split(","))

    def write(target: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo(SHEET)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as member:
            member.write(f'<worksheet xmlns="{NAMESPACE}"><sheetData>'.encode())
            head = "".join(
                f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
                for i, name in enumerate(t.header.split(","))
            )
            member.write(f'<row r="1">{head}</row>'.encode())
            batch = []
            for n in range(2, ROWS + 2):
                cells = "".join(
                    f'<c r="{chr(65 + i)}{n}"><v>{(n * 7919 + i * 104729) % 1000003}</v></c>'
                    for i in range(width)
                )
                batch.append(f'<row r="{n}">{cells}</row>')
                if len(batch) == 10_000:
                    member.write("".join(batch).encode())
                    batch = []
            member.write(("".join(batch) + "</sheetData></worksheet>").encode())

    return _replace(_xlsx(_cells(t.header)), SHEET, write)


def huge_cell_csv(t: ImportTarget) -> bytes:
    cells = t.row.split(",")
    cells[0] = "x" * (10 * 1024 * 1024)
    return f"{t.header}\n{','.join(cells)}\n".encode()


def huge_cell_xlsx(t: ImportTarget) -> bytes:
    cells: list[Any] = t.row.split(",")
    cells[0] = "x" * (10 * 1024 * 1024)
    return _xlsx([t.header.split(","), cells])


def mixed_encodings(t: ImportTarget) -> bytes:
    return f"{t.header}\n{t.row}\n".encode() + "Café,Zürich\n".encode("latin-1")


def utf16(t: ImportTarget) -> bytes:
    return f"{t.header}\n{t.row}\n".encode("utf-16")


def empty(t: ImportTarget) -> bytes:
    return b""


def only_header(t: ImportTarget) -> bytes:
    return f"{t.header}\n".encode()


@dataclass(frozen=True)
class Hostile:
    name: str
    build: Callable[[ImportTarget], bytes]
    filename: str
    says: str  # a regular expression the refusal must match
    same_for_all: bool = False  # built once for every import (the slow ones)


TOO_MANY = "more than [0-9,]+ rows"
CORPUS = [
    Hostile("formula", formula_csv, "f.csv", "Formulas are not accepted"),
    Hostile("xlsx-formula", formula_xlsx, "f.xlsx", "Formulas are not accepted"),
    Hostile("nul-bytes", nul_bytes, "n.csv", "NUL bytes"),
    Hostile("pdf-as-csv", pdf_named_csv, "p.csv", "The file is a PDF"),
    Hostile("png-as-xlsx", png_named_xlsx, "p.xlsx", "The file is an image"),
    Hostile("zip-bomb", zip_bomb, "z.xlsx", "possible zip bomb", same_for_all=True),
    Hostile("entity-bomb", entity_bomb, "e.xlsx", "declares entities"),
    # Rows are counted before the header is read: one file serves every import.
    Hostile("million-rows-csv", million_rows_csv, "m.csv", TOO_MANY, same_for_all=True),
    Hostile("million-rows-xlsx", million_rows_xlsx, "m.xlsx", TOO_MANY, same_for_all=True),
    Hostile("huge-cell-csv", huge_cell_csv, "h.csv", "longer than [0-9,]+ characters"),
    Hostile("huge-cell-xlsx", huge_cell_xlsx, "h.xlsx", "longer than [0-9,]+ characters"),
    Hostile("mixed-encodings", mixed_encodings, "x.csv", r"not UTF-8 text \(the first problem"),
    Hostile("utf-16", utf16, "u.csv", "UTF-16"),
    # The upload pages' form already says "The submitted file is empty."
    Hostile("empty", empty, "e.csv", "file is empty"),
    Hostile("only-header", only_header, "o.csv", "no rows below its header"),
]


# --- the checks --------------------------------------------------------------------------------


def database() -> str:
    """A digest of every row of every table: anything written changes it."""
    digest = hashlib.blake2b(digest_size=16)
    for model in apps.get_models():
        if model._meta.proxy or model._meta.label == "sessions.Session":
            continue
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        for row in model._default_manager.order_by("pk").values_list(*names):
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


_BUILT: dict[tuple[str, str], Path] = {}


def hostile_file(directory: Path, target: ImportTarget, item: Hostile) -> Path:
    """The corpus file for this import (built once a session: some take seconds)."""
    key = ("all" if item.same_for_all else target.name, item.name)
    if key not in _BUILT:
        path = directory / f"{key[0]}-{item.name}-{item.filename}"
        path.write_bytes(item.build(IMPORTS[0] if item.same_for_all else target))
        _BUILT[key] = path
    return _BUILT[key]


@dataclass
class Measured:
    message: str
    seconds: float
    peak: int


def measured(run: Callable[[], str]) -> Measured:
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    try:
        message = run()
    finally:
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return Measured(message, seconds, peak)


def by_command(target: ImportTarget, path: Path) -> str:
    out = io.StringIO()
    try:
        call_command(*target.command, str(path), stdout=out, stderr=out)
    except CommandError as exc:
        return str(exc)
    raise AssertionError(f"{target.command[0]} accepted {path.name}: {out.getvalue()}")


def by_page(client: Client, target: ImportTarget, path: Path) -> str:
    assert target.upload_url is not None and target.upload_form is not None
    with path.open("rb") as handle:
        upload = SimpleUploadedFile(path.name, handle.read(), "text/csv")
    response = client.post(target.upload_url, {**target.upload_form, "file": upload})
    assert response.status_code == 400, f"{target.upload_url} accepted {path.name}"
    return html.unescape(response.content.decode())


CASES = [(t, h) for t in IMPORTS for h in CORPUS]


def _id(case: tuple[ImportTarget, Hostile]) -> str:
    return f"{case[0].name}-{case[1].name}"


def _check(result: Measured, item: Hostile, where: str) -> None:
    assert re.search(item.says, result.message), f"{where}: {result.message[:2000]}"
    assert result.seconds < TIME_BOUND, f"{where} took {result.seconds:.1f} s"
    assert result.peak < MEMORY_BOUND, f"{where} peaked at {result.peak / 2**20:.0f} MB"


@pytest.fixture
def team(world: World) -> Iterator[Client]:
    client = Client()
    client.force_login(world.users["pat"])  # type: ignore[arg-type]
    yield client


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_the_command_refuses_it_and_writes_nothing(
    case: tuple[ImportTarget, Hostile], world: World, corpus_dir: Path
) -> None:
    target, item = case
    path = hostile_file(corpus_dir, target, item)
    before = database()

    result = measured(lambda: by_command(target, path))

    _check(result, item, f"{target.command[0]} {path.name}")
    assert database() == before, f"{target.command[0]} {path.name} wrote something"


PAGE_CASES = [c for c in CASES if c[0].upload_url]


@pytest.mark.django_db
@pytest.mark.parametrize("case", PAGE_CASES, ids=[_id(c) for c in PAGE_CASES])
def test_the_upload_page_refuses_it_and_writes_nothing(
    case: tuple[ImportTarget, Hostile], world: World, corpus_dir: Path, team: Client
) -> None:
    target, item = case
    path = hostile_file(corpus_dir, target, item)
    before = database()

    result = measured(lambda: by_page(team, target, path))

    _check(result, item, f"{target.upload_url} {path.name}")
    assert database() == before, f"{target.upload_url} {path.name} wrote something"


@pytest.mark.django_db
@pytest.mark.parametrize("target", IMPORTS, ids=[t.name for t in IMPORTS])
def test_the_good_row_of_each_import_is_accepted(
    target: ImportTarget, world: World, tmp_path: Path
) -> None:
    """The corpus is hostile because of what was done to it, not because its rows are bad."""
    path = tmp_path / "good.csv"
    path.write_text(f"{target.header}\n{target.row}\n")
    before = database()
    call_command(*target.command, str(path), stdout=io.StringIO())
    assert database() != before


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_rows_are_counted_across_the_chunks_the_sheet_is_inflated_in(prefix: str) -> None:
    # Each row is 1000 bytes long: tags straddle the 1 MB chunks at many offsets.
    row = f"<{prefix}row r='1'>" + " " * (1000 - len(f"<{prefix}row r='1'></{prefix}row>"))
    body = (row + f"</{prefix}row>") * 3000 + f"<{prefix}row/>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sheet.xml", f"<{prefix}sheetData>{body}</{prefix}sheetData>")

    assert reader._count_xml_rows(buffer.getvalue(), "sheet.xml", 10_000) == 3001
