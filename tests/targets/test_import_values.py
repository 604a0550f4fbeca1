from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from targets.imports import import_values
from targets.models import ChangeRecord, Measure, Service, User, Value, ValueStatus
from tests.factories import MeasureFactory, ValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 5, 20, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def recycling(waste: Service) -> Measure:
    return MeasureFactory(code="WST-01", service=waste, decimals=1, active_from=2023)


@pytest.fixture
def collected(waste: Service) -> Measure:
    """A ratio measure: % of bins collected on time."""
    return MeasureFactory(
        code="WST-02",
        service=waste,
        decimals=1,
        aggregation=Measure.Aggregation.RATIO,
        active_from=2023,
    )


@pytest.fixture
def rent(housing: Service) -> Measure:
    return MeasureFactory(code="HOU-01", service=housing, active_from=2023)


def _file(tmp_path: Path, text: str, name: str = "values.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _run(path: str, *args: str) -> str:
    out = io.StringIO()
    call_command("import_values", path, *args, stdout=out)
    return out.getvalue()


def _refused(path: str, *args: str) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("import_values", path, *args, stdout=io.StringIO())
    return str(exc.value)


GOOD = "measure,period,value,commentary\nWST-01,2025-04,45.2,Good month\nWST-01,2025-05,46,\n"


def test_values_arrive_as_drafts_recorded_in_one_import_batch(
    tmp_path: Path, recycling: Measure
) -> None:
    out = _run(_file(tmp_path, GOOD))

    assert "2 created, 0 updated, 0 unchanged" in out
    values = {v.period: v for v in Value.objects.all()}
    assert values["2025-04"].actual == Decimal("45.2")
    assert values["2025-04"].commentary == "Good month"
    assert values["2025-04"].status == ValueStatus.DRAFT
    assert values["2025-05"].dq_flag == "final"
    records = list(ChangeRecord.objects.all())
    assert {(r.action, r.source, r.object_type, r.user) for r in records} == {
        ("create", "import", "value", None)
    }
    assert len({r.batch for r in records}) == 1
    assert records[0].batch.startswith("import-")
    assert {r.object_id for r in records} == {v.pk for v in values.values()}


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path, recycling: Measure) -> None:
    path = _file(tmp_path, GOOD)
    _run(path)

    out = _run(path)

    assert "0 created, 0 updated, 2 unchanged" in out
    assert Value.objects.count() == 2
    assert ChangeRecord.objects.count() == 2


def test_a_changed_draft_is_updated_with_its_old_and_new_figures(
    tmp_path: Path, recycling: Measure
) -> None:
    ValueFactory(measure=recycling, period="2025-04", actual=Decimal("40"), status="draft")

    out = _run(_file(tmp_path, "measure,period,value\nWST-01,2025-04,41.5\n"))

    assert "0 created, 1 updated" in out
    value = Value.objects.get()
    assert (value.actual, value.version) == (Decimal("41.5"), 2)
    record = ChangeRecord.objects.get()
    assert record.action == "update"
    assert record.changes == {"actual": ["40", "41.5"]}


def test_one_bad_row_among_good_ones_writes_nothing_and_every_bad_row_is_reported(
    tmp_path: Path, recycling: Measure
) -> None:
    path = _file(
        tmp_path,
        "measure,period,value\n"
        "WST-01,2025-04,45\n"
        "WST-01,2025-05,lots\n"
        "WST-01,2026-13,45\n"
        "XYZ-99,2025-06,45\n"
        "WST-01,2025/26-Q1,45\n"
        "WST-01,2025-04,44\n"
        "WST-01,2025-07,\n"
        "WST-01,2025-08,12.5%\n",
    )

    message = _refused(path)

    assert "Nothing was imported" in message
    assert "row 3, column value: Value must be a number" in message
    assert "row 4, column period: Period 2026-13 does not exist" in message
    assert "row 5, column measure: Unknown measure XYZ-99" in message
    assert (
        "row 6, column period: WST-01 is monthly: 2025/26-Q1 is not one of its periods" in message
    )
    assert "row 7, column period: WST-01 2025-04 is already on row 2" in message
    assert "row 8, column value: Value is required" in message
    assert "row 9, column value: Value must be a number" in message
    assert Value.objects.count() == 0
    assert ChangeRecord.objects.count() == 0


def test_a_period_outside_the_measures_years_is_refused_to_an_officer(
    tmp_path: Path, recycling: Measure, alice: User
) -> None:
    path = _file(tmp_path, "measure,period,value\nWST-01,2019-04,45\n")
    message = _refused(path, "--user", "alice")

    assert "WST-01 is not reported in 2019/20 (it is reported from 2023/24)" in message


def test_missing_columns_are_reported_before_any_row(tmp_path: Path, recycling: Measure) -> None:
    message = _refused(_file(tmp_path, "measure,value\nWST-01,45\n"))

    assert "row 1, column period: Required column is missing" in message


def test_dry_run_reports_what_would_change_and_writes_nothing(
    tmp_path: Path, recycling: Measure
) -> None:
    out = _run(_file(tmp_path, GOOD), "--dry-run")

    assert "would give 2 created, 0 updated, 0 unchanged" in out
    assert Value.objects.count() == 0
    assert ChangeRecord.objects.count() == 0


def test_publish_backfills_published_values_recorded_as_such(
    tmp_path: Path, recycling: Measure, pat: User
) -> None:
    _run(_file(tmp_path, GOOD), "--publish", "--user", "pat")

    values = list(Value.objects.all())
    assert {v.status for v in values} == {ValueStatus.PUBLISHED}
    assert {v.published_by for v in values} == {pat}
    assert all(v.published_at is not None for v in values)
    records = list(ChangeRecord.objects.all())
    assert len(records) == 2
    assert {(r.action, r.source, r.user) for r in records} == {("create", "import", pat)}
    assert all(r.changes["status"] == [None, "published"] for r in records)
    assert len({r.batch for r in records}) == 1


def test_publish_publishes_an_existing_draft(tmp_path: Path, recycling: Measure) -> None:
    ValueFactory(measure=recycling, period="2025-04", actual=Decimal("45.2"), status="draft")

    _run(_file(tmp_path, "measure,period,value\nWST-01,2025-04,45.2\n"), "--publish")

    value = Value.objects.get()
    assert (value.status, value.version) == (ValueStatus.PUBLISHED, 2)
    assert value.published_at == datetime(2026, 5, 20, 12, tzinfo=UTC)
    assert value.updated_at == datetime(2026, 5, 20, 12, tzinfo=UTC)
    record = ChangeRecord.objects.get()
    assert record.action == "publish"
    assert record.changes == {"status": ["draft", "published"]}


def test_a_published_value_is_refused_without_publish(tmp_path: Path, recycling: Measure) -> None:
    ValueFactory(measure=recycling, period="2025-04", actual=Decimal("40"))

    message = _refused(_file(tmp_path, "measure,period,value\nWST-01,2025-04,41\n"))

    assert "row 2, column period: WST-01 2025-04 is published" in message
    assert Value.objects.get().actual == Decimal("40")


def test_publish_restates_a_published_value_with_a_new_revision(
    tmp_path: Path, recycling: Measure, pat: User
) -> None:
    ValueFactory(measure=recycling, period="2025-04", actual=Decimal("40"))
    ValueFactory(measure=recycling, period="2025-05", actual=Decimal("40"))
    path = _file(
        tmp_path,
        "measure,period,value,reason\nWST-01,2025-04,41,\nWST-01,2025-05,42,Late returns\n",
    )

    _run(path, "--publish", "--user", "pat")

    values = {v.period: v for v in Value.objects.all()}
    assert (values["2025-04"].actual, values["2025-04"].revision) == (Decimal("41"), 2)
    assert values["2025-04"].status == ValueStatus.PUBLISHED
    reasons = {r.period: (r.action, r.reason) for r in ChangeRecord.objects.all()}
    assert reasons == {
        "2025-04": ("restate", "Imported restatement"),
        "2025-05": ("restate", "Late returns"),
    }


def test_a_submitted_value_is_refused(tmp_path: Path, recycling: Measure) -> None:
    ValueFactory(measure=recycling, period="2025-04", status=ValueStatus.SUBMITTED)

    message = _refused(_file(tmp_path, "measure,period,value\nWST-01,2025-04,41\n"), "--publish")

    assert "WST-01 2025-04 is submitted: return it to draft first" in message


def test_a_ratio_value_is_derived_from_its_numerator_and_denominator(
    tmp_path: Path, collected: Measure
) -> None:
    _run(_file(tmp_path, "measure,period,numerator,denominator\nWST-02,2025-04,45,60\n"))

    value = Value.objects.get()
    assert (value.actual, value.numerator, value.denominator) == (
        Decimal("75"),
        Decimal("45"),
        Decimal("60"),
    )


def test_a_ratio_value_that_agrees_at_the_measures_decimals_is_accepted(
    tmp_path: Path, collected: Measure
) -> None:
    _run(_file(tmp_path, "measure,period,value,numerator,denominator\nWST-02,2025-04,33.3,1,3\n"))

    assert Value.objects.get().actual == Decimal("33.333333")


def test_a_ratio_value_that_disagrees_is_a_row_error(tmp_path: Path, collected: Measure) -> None:
    path = _file(
        tmp_path,
        "measure,period,value,numerator,denominator\n"
        "WST-02,2025-04,80,45,60\n"
        "WST-02,2025-05,80,45,\n"
        "WST-02,2025-06,,45,0\n",
    )

    message = _refused(path)

    assert "row 2, column value: Value 80.0 does not match numerator / denominator (75.0)" in (
        message
    )
    assert "row 3, column denominator: Enter both the numerator and the denominator" in message
    assert "row 4, column denominator: The denominator cannot be zero" in message
    assert Value.objects.count() == 0


def test_an_absent_column_keeps_the_field_and_an_empty_cell_clears_it(
    tmp_path: Path, recycling: Measure
) -> None:
    ValueFactory(
        measure=recycling,
        period="2025-04",
        actual=Decimal("40"),
        commentary="Kept",
        forecast=Decimal("50"),
        status="draft",
    )

    _run(_file(tmp_path, "measure,period,value,forecast\nWST-01,2025-04,41,\n"))

    value = Value.objects.get()
    assert (value.commentary, value.forecast) == ("Kept", None)


def test_an_officer_cannot_import_values_of_another_service(
    alice: User, recycling: Measure, rent: Measure
) -> None:
    data = b"measure,period,value\nWST-01,2025-04,45\nHOU-01,2025-04,97\n"

    report = import_values(io.BytesIO(data), user=alice)

    assert [str(e) for e in report.errors] == [
        "row 3, column measure: You cannot enter values for HOU-01"
    ]
    assert Value.objects.count() == 0


def test_an_officer_cannot_import_published_values(alice: User, recycling: Measure) -> None:
    report = import_values(io.BytesIO(GOOD.encode()), user=alice, publish=True)

    assert report.lines() == ["Only the performance team can import values as published"]
    assert Value.objects.count() == 0


def test_an_unknown_user_is_refused(tmp_path: Path, recycling: Measure) -> None:
    assert _refused(_file(tmp_path, GOOD), "--user", "nobody") == "Unknown user nobody"


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert "Cannot open" in _refused(str(tmp_path / "missing.csv"))


def test_xlsx_values_round_trip(tmp_path: Path, recycling: Measure, collected: Measure) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Measure", " Period ", "Value", "Numerator", "Denominator", "Commentary"])
    sheet.append(["WST-01", "2025-04", 45.25, None, None, "From the old system"])
    sheet.append(["WST-01", datetime(2025, 5, 1), 0.1 + 0.2, None, None, None])  # noqa: DTZ001
    sheet.append(["WST-02", "2025-04", None, 45, 60, None])
    path = tmp_path / "values.xlsx"
    workbook.save(path)

    out = _run(str(path))

    assert "3 created" in out
    values = {(v.measure.code, v.period): v for v in Value.objects.select_related("measure")}
    assert values[("WST-01", "2025-04")].actual == Decimal("45.25")
    assert values[("WST-01", "2025-04")].commentary == "From the old system"
    assert values[("WST-01", "2025-05")].actual == Decimal("0.3")
    assert values[("WST-02", "2025-04")].actual == Decimal("75")


def test_the_number_of_queries_does_not_grow_with_the_rows(
    waste: Service, recycling: Measure
) -> None:
    others = [MeasureFactory(code=f"WST-{n:02d}", service=waste) for n in range(10, 20)]
    ValueFactory(measure=recycling, period="2025-04", status="draft")

    def queries(measures: list[Measure]) -> int:
        lines = ["measure,period,value"] + [
            f"{m.code},{month},1" for m in measures for month in ("2025-04", "2025-05")
        ]
        with CaptureQueriesContext(connection) as context:
            report = import_values(io.BytesIO("\n".join(lines).encode()), dry_run=True)
        assert report.ok, report.lines()
        return len(context.captured_queries)

    assert queries([recycling]) == queries([recycling, *others])


def test_problems_are_listed_in_row_order(tmp_path: Path, recycling: Measure) -> None:
    ValueFactory(measure=recycling, period="2025-04")
    path = _file(tmp_path, "measure,period,value\nWST-01,2025-04,1\nWST-01,2025-13,1\n")

    lines = _refused(path).splitlines()[1:]

    assert [line.split(",")[0] for line in lines] == ["row 2", "row 3"]
