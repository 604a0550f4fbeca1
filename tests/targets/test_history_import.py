"""History imports in the natural order: measures first (reported from the current year unless
the file says otherwise), then years of targets and values. The performance team's import of
earlier years moves the measure's first year back, says so and audits it; anyone else's is
refused as before."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from targets.imports import ImportReport, import_targets, import_values
from targets.models import ChangeRecord, Measure, Service, Target, User, Value
from tests.conftest import client_for
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

VALUES: list[tuple[str, ...]] = [
    ("measure", "period", "value"),
    ("CP05", "2021-06", "41"),
    ("CP05", "2019-04", "38.5"),
    ("CP05", "2026-04", "47"),
]
TARGETS: list[tuple[str, ...]] = [
    ("measure", "year", "target"),
    ("CP05", "2020/21", "40"),
    ("CP05", "2019/20", "39"),
]
MOVED = "CP05: first year moved back from 2026/27 to 2019/20"


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 5, 20, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def cp05(waste: Service) -> Measure:
    """A measure imported without `active_from`: reported from the current year, 2026/27."""
    return MeasureFactory(code="CP05", service=waste, decimals=1, active_from=2026)


def _csv(rows: Sequence[tuple[str, ...]]) -> io.BytesIO:
    return io.BytesIO("".join(",".join(row) + "\n" for row in rows).encode())


def _xlsx(rows: Sequence[tuple[str, ...]]) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        # Figures as numbers and periods as text, as a spreadsheet holds them.
        sheet.append(
            [
                Decimal(cell)
                if cell[:1].isdigit() and "-" not in cell and "/" not in cell
                else cell
                for cell in row
            ]
        )
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


FORMATS: dict[str, Callable[[Sequence[tuple[str, ...]]], io.BytesIO]] = {"csv": _csv, "xlsx": _xlsx}


def _moves(measure: Measure) -> list[ChangeRecord]:
    return list(ChangeRecord.objects.filter(object_type="measure", object_id=measure.pk))


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_performance_teams_values_move_the_first_year_back(
    fmt: str, pat: User, cp05: Measure
) -> None:
    report = import_values(FORMATS[fmt](VALUES), user=pat)

    assert report.ok, report.lines()
    assert report.notes == [MOVED]
    cp05.refresh_from_db()
    assert cp05.active_from == 2019
    assert sorted(Value.objects.values_list("period", "actual")) == [
        ("2019-04", Decimal("38.5")),
        ("2021-06", Decimal("41")),
        ("2026-04", Decimal("47")),
    ]
    [move] = _moves(cp05)
    assert (move.user, move.action, move.source) == (pat, "update", "import")
    assert move.changes == {"active_from": ["2026", "2019"]}
    assert move.batch == report.batch
    assert ChangeRecord.objects.filter(batch=report.batch).count() == 4


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_performance_teams_targets_move_the_first_year_back(
    fmt: str, pat: User, cp05: Measure
) -> None:
    report = import_targets(FORMATS[fmt](TARGETS), user=pat)

    assert report.ok, report.lines()
    assert report.notes == [MOVED]
    cp05.refresh_from_db()
    assert cp05.active_from == 2019
    assert sorted(Target.objects.values_list("year", "value")) == [
        (2019, Decimal("39")),
        (2020, Decimal("40")),
    ]
    assert [m.changes for m in _moves(cp05)] == [{"active_from": ["2026", "2019"]}]


def test_targets_then_values_in_the_natural_order_move_it_once(pat: User, cp05: Measure) -> None:
    first = import_targets(_csv(TARGETS), user=pat)
    then = import_values(_csv(VALUES), user=pat)

    assert (first.notes, then.notes) == ([MOVED], [])
    assert len(_moves(cp05)) == 1


def test_a_dry_run_says_it_would_move_the_first_year_and_moves_nothing(
    pat: User, cp05: Measure
) -> None:
    report = import_values(_csv(VALUES), user=pat, dry_run=True)

    assert report.ok
    assert report.notes == ["CP05: first year would move back from 2026/27 to 2019/20"]
    cp05.refresh_from_db()
    assert cp05.active_from == 2026
    assert not ChangeRecord.objects.exists()


def test_all_or_nothing_a_bad_row_leaves_the_first_year_as_it_was(pat: User, cp05: Measure) -> None:
    report = import_values(_csv([*VALUES, ("CP05", "2020-05", "lots")]), user=pat)

    assert not report.ok
    assert report.notes == []
    cp05.refresh_from_db()
    assert cp05.active_from == 2026
    assert not Value.objects.exists() and not ChangeRecord.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_officers_own_upload_of_earlier_years_is_still_refused(
    fmt: str, alice: User, cp05: Measure
) -> None:
    report = import_values(FORMATS[fmt](VALUES), user=alice)

    assert not report.ok
    assert [str(e) for e in report.errors] == [
        f"row {row}, column period: CP05 is not reported in {year} (it is reported from "
        "2026/27); the performance team can import its earlier history"
        for row, year in ((2, "2021/22"), (3, "2019/20"))
    ]
    cp05.refresh_from_db()
    assert cp05.active_from == 2026
    assert not Value.objects.exists()


def test_a_heads_targets_for_earlier_years_are_still_refused(hannah: User, cp05: Measure) -> None:
    report = import_targets(_csv(TARGETS), user=hannah)

    assert not report.ok
    assert "row 3, column year: CP05 is not reported in 2019/20" in report.lines()[1]
    cp05.refresh_from_db()
    assert cp05.active_from == 2026


def test_years_after_the_measures_last_year_are_still_refused(pat: User, waste: Service) -> None:
    ended = MeasureFactory(code="CP06", service=waste, active_from=2020, active_to=2022)

    report = import_values(
        _csv([("measure", "period", "value"), ("CP06", "2024-04", "1")]), user=pat
    )

    assert report.lines() == [
        "row 2, column period: CP06 is not reported in 2024/25 (it is reported from 2020/21 "
        "to 2022/23)"
    ]
    ended.refresh_from_db()
    assert (ended.active_from, ended.active_to) == (2020, 2022)


def test_a_later_import_never_moves_the_first_year_forward(pat: User, cp05: Measure) -> None:
    cp05.active_from = 2018
    cp05.save()

    report = import_values(_csv(VALUES), user=pat)

    assert report.ok and report.notes == []
    cp05.refresh_from_db()
    assert cp05.active_from == 2018
    assert _moves(cp05) == []


def test_the_command_run_by_the_system_moves_it_and_prints_the_note(
    tmp_path: Path, cp05: Measure
) -> None:
    path = tmp_path / "history.csv"
    path.write_bytes(_csv(VALUES).getvalue())
    out = io.StringIO()

    call_command("import_values", str(path), "--publish", stdout=out)

    assert MOVED in out.getvalue().splitlines()
    assert [m.user for m in _moves(cp05)] == [None]


def test_the_command_as_an_officer_refuses(tmp_path: Path, alice: User, cp05: Measure) -> None:
    path = tmp_path / "history.csv"
    path.write_bytes(_csv(VALUES).getvalue())

    with pytest.raises(CommandError, match="the performance team can import its earlier history"):
        call_command("import_values", str(path), "--user", "alice", stdout=io.StringIO())


def _upload(user: User, rows: Sequence[tuple[str, ...]], kind: str, **fields: Any) -> Any:
    data = _csv(rows).getvalue()
    post = {"kind": kind, **fields, "file": SimpleUploadedFile("history.csv", data)}
    return client_for(user).post(reverse("upload"), post, follow=True)


def test_the_upload_page_tells_the_performance_team_the_first_year_moved(
    pat: User, cp05: Measure
) -> None:
    page = BeautifulSoup(_upload(pat, VALUES, "values").content, "html.parser")

    messages = [p.get_text(strip=True) for p in page.select(".messages p")]
    assert messages[0].startswith("Imported values: 3 created")
    assert MOVED in messages


def test_the_upload_pages_dry_run_lists_the_first_years_it_would_move(
    pat: User, cp05: Measure
) -> None:
    page = BeautifulSoup(_upload(pat, TARGETS, "targets", dry_run="on").content, "html.parser")

    heading = page.find("h3", string="First years it would move back")
    assert heading is not None
    assert [li.get_text(strip=True) for li in page.select("ul.import-notes li")] == [
        "CP05: first year would move back from 2026/27 to 2019/20"
    ]


def test_the_upload_page_refuses_an_officers_earlier_years(alice: User, cp05: Measure) -> None:
    response = _upload(alice, VALUES, "values")

    assert response.status_code == 400
    problems = BeautifulSoup(response.content, "html.parser").select("#import-errors tbody td")
    assert "the performance team can import its earlier history" in problems[1].get_text()


def test_the_report_has_no_notes_by_default() -> None:
    assert ImportReport(kind="values").notes == []
