from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from targets.imports import import_measures
from targets.models import ChangeRecord, Measure, Priority, Service, User
from tests.factories import MeasureFactory, ValueFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "code,title,kind,service,priority,unit,decimals,polarity,frequency,aggregation,"
    "tolerance_pct,tolerance_abs,public"
)
RECYCLING = "CP10,Household waste recycled,corporate,waste,4,percent,1,up,monthly,snapshot,5,,yes"
MISSED = "WST-05,Missed bins per 100k,service,Waste and Recycling,,count,0,down,monthly,sum,,2,no"


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 5, 20, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def setting(waste: Service, housing: Service, priority: Priority) -> None:
    """The services and priority the files name."""


def _file(tmp_path: Path, *lines: str, header: str = HEADER) -> str:
    path = tmp_path / "measures.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return str(path)


def _run(path: str, *args: str) -> str:
    out = io.StringIO()
    call_command("import_measures", path, *args, stdout=out)
    return out.getvalue()


def _refused(path: str, *args: str) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("import_measures", path, *args, stdout=io.StringIO())
    return str(exc.value)


def test_measures_are_created_with_every_column(
    tmp_path: Path, setting: None, waste: Service, priority: Priority
) -> None:
    out = _run(_file(tmp_path, RECYCLING, MISSED))

    assert "2 created, 0 updated, 0 unchanged" in out
    cp10 = Measure.objects.get(code="CP10")
    assert (cp10.title, cp10.kind, cp10.service, cp10.priority) == (
        "Household waste recycled",
        "corporate",
        waste,
        priority,
    )
    assert (cp10.unit, cp10.decimals, cp10.polarity, cp10.frequency) == (
        "percent",
        1,
        "up",
        "monthly",
    )
    assert (cp10.tolerance_pct, cp10.tolerance_abs, cp10.is_public) == (Decimal("5"), None, True)
    missed = Measure.objects.get(code="WST-05")
    assert (missed.service, missed.aggregation, missed.tolerance_abs) == (waste, "sum", Decimal(2))
    assert missed.is_public is False


def test_a_new_measure_is_active_from_the_current_financial_year(
    tmp_path: Path, setting: None
) -> None:
    _run(_file(tmp_path, MISSED))

    assert Measure.objects.get().active_from == 2026


def test_optional_columns_are_read(
    tmp_path: Path, setting: None, alice: User, hannah: User
) -> None:
    header = HEADER + ",Definition,due_days,data_source,scrutiny,active_from,updater,approver"
    line = MISSED + ",Bins reported missed,15,Bartec,yes,2021/22,alice,hannah"

    _run(_file(tmp_path, line, header=header))

    measure = Measure.objects.get()
    assert (measure.definition, measure.due_days, measure.data_source) == (
        "Bins reported missed",
        15,
        "Bartec",
    )
    assert (measure.is_scrutiny, measure.active_from) == (True, 2021)
    assert (measure.updater, measure.approver) == (alice, hannah)


def test_reimport_is_an_upsert_by_code(tmp_path: Path, setting: None) -> None:
    path = _file(tmp_path, RECYCLING, MISSED)
    _run(path)

    assert "0 created, 0 updated, 2 unchanged" in _run(path)
    assert Measure.objects.count() == 2


def test_a_code_in_another_case_updates_the_measure(tmp_path: Path, setting: None) -> None:
    _run(_file(tmp_path, MISSED))

    out = _run(_file(tmp_path, MISSED.replace("WST-05", "wst-05").replace(",down,", ",up,")))

    assert "0 created, 1 updated" in out
    assert list(Measure.objects.values_list("code", "polarity")) == [("WST-05", "up")]


def test_an_update_is_recorded_with_old_and_new_values(tmp_path: Path, setting: None) -> None:
    _run(_file(tmp_path, MISSED))

    changed = MISSED.replace("Missed bins per 100k", '"Missed bins per 100,000"')
    out = _run(_file(tmp_path, changed.replace(",down,", ",up,")))

    assert "0 created, 1 updated" in out
    record = ChangeRecord.objects.filter(action="update").get()
    assert (record.object_type, record.source, record.measure_code) == (
        "measure",
        "import",
        "WST-05",
    )
    assert record.changes == {
        "title": ["Missed bins per 100k", "Missed bins per 100,000"],
        "polarity": ["down", "up"],
    }


def test_every_bad_row_is_reported_and_nothing_is_written(tmp_path: Path, setting: None) -> None:
    path = _file(
        tmp_path,
        MISSED,
        MISSED.replace("WST-05", "WST-06").replace(",down,", ",sideways,"),
        MISSED.replace("WST-05", "WST-07").replace("Waste and Recycling", "Parks"),
        RECYCLING.replace(",4,", ",,"),
        MISSED.replace("WST-05", "WST-08").replace(",0,", ",two,"),
        MISSED,
        MISSED.replace("WST-05", "WST 09"),
        MISSED.replace("WST-05", "WST-10").replace(",no", ",maybe"),
    )

    message = _refused(path)

    assert "row 3, column polarity: Polarity must be one of up, down, range, none" in message
    assert "row 4, column service: Unknown service Parks" in message
    assert "row 5, column priority: A corporate measure needs a priority" in message
    assert "row 6, column decimals: Decimals must be a whole number" in message
    assert "row 7, column code: WST-05 is already on row 2" in message
    assert "row 8, column code: Code must be" in message
    assert "row 9, column public: Public must be yes or no" in message
    assert Measure.objects.count() == 0
    assert ChangeRecord.objects.count() == 0


def test_missing_required_columns_are_reported(tmp_path: Path, setting: None) -> None:
    message = _refused(_file(tmp_path, "CP10,Title", header="code,title"))

    assert "row 1, column polarity: Required column is missing" in message
    assert "row 1, column service: Required column is missing" in message


def test_a_measure_with_values_cannot_change_frequency(
    tmp_path: Path, setting: None, waste: Service
) -> None:
    measure = MeasureFactory(code="WST-05", service=waste, frequency="monthly")
    ValueFactory(measure=measure)

    message = _refused(_file(tmp_path, MISSED.replace("monthly", "quarterly")))

    assert "row 2, column frequency: WST-05 has monthly values" in message
    assert Measure.objects.get().frequency == "monthly"


def test_unknown_updater_is_reported(tmp_path: Path, setting: None) -> None:
    message = _refused(_file(tmp_path, MISSED + ",nobody", header=HEADER + ",updater"))

    assert "row 2, column updater: Unknown updater nobody" in message


def test_dry_run_writes_nothing(tmp_path: Path, setting: None) -> None:
    out = _run(_file(tmp_path, RECYCLING, MISSED), "--dry-run")

    assert "would give 2 created" in out
    assert Measure.objects.count() == 0


def test_only_the_performance_team_imports_measures(setting: None, hannah: User, pat: User) -> None:
    data = f"{HEADER}\n{MISSED}\n".encode()

    refused = import_measures(io.BytesIO(data), user=hannah)
    assert refused.lines() == ["Only the performance team can import measures"]
    assert Measure.objects.count() == 0

    report = import_measures(io.BytesIO(data), user=pat)
    assert report.created == 1
    assert ChangeRecord.objects.get().user == pat


def test_measures_import_from_xlsx(tmp_path: Path, setting: None) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([h.upper() for h in HEADER.split(",")])
    sheet.append(["NI192", "Household waste reused", "national", "WASTE", 4, "percent", 2, "UP",
                  "annual", "snapshot", 2.5, None, True])  # fmt: skip
    path = tmp_path / "measures.xlsx"
    workbook.save(path)

    _run(str(path))

    measure = Measure.objects.get()
    assert (measure.code, measure.kind, measure.decimals, measure.polarity) == (
        "NI192",
        "national",
        2,
        "up",
    )
    assert (measure.tolerance_pct, measure.is_public) == (Decimal("2.5"), True)
