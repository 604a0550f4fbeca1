"""import_benchmarks: long files of one metric, upserted; rows out of reach reported; bad files
write nothing and say why."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from benchmarking.imports import MetricSpec, import_benchmarks
from benchmarking.models import Authority, BenchmarkValue, Metric
from tests.benchmarking.conftest import REAL, csv_file, import_csv, metric
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "area_code,area_name,period,indicator,value\n"
    "E07000001,District A,2022/23,Recycling,40.1\n"
    "E07000002,District B,2022/23,Recycling,NA\n"
    "E07000003,District C,2022/23,Recycling,\n"
    "E07000001,District A,2023/24,Recycling,41.25\n"
    "E07000002,District B,2023,Recycling,33\n"
    "E92000001,England,2023/24,Recycling,44.1\n"
    "E07000003,District C,2025/26 Q3,Recycling,50\n"
)


def stored() -> dict[tuple[str, str], Decimal]:
    return {
        (v.authority.code, v.period): v.value
        for v in BenchmarkValue.objects.select_related("authority")
    }


def test_it_imports_values_and_says_what_it_skipped_and_left_out(five: list[Authority]) -> None:
    report = import_csv(GOOD, title="Recycling rate", polarity="up", decimals=1, unit="percent")
    assert report.ok, report.lines()
    assert (report.rows, report.created, report.updated, report.unchanged) == (7, 3, 0, 0)
    assert report.skipped == {"no value (NA or empty)": 2}
    assert {reason: len(rows) for reason, rows in report.not_imported.items()} == {
        "calendar-year periods, which are not guessed as financial years": 1,
        "areas that are not in the register of authorities (run import_authorities)": 1,
    }
    assert stored() == {
        ("E07000001", "2022/23"): Decimal("40.1"),
        ("E07000001", "2023/24"): Decimal("41.25"),
        ("E07000003", "2025/26-Q3"): Decimal("50"),
    }
    found = Metric.objects.get(code="M1")
    assert (found.title, found.polarity, found.decimals, found.unit) == (
        "Recycling rate",
        "up",
        1,
        "percent",
    )
    assert report.summary == (
        "Imported benchmark values of M1: 7 rows read, 3 written (3 new, 0 changed), "
        "0 unchanged, 2 skipped, 2 not imported."
    )
    calendar = report.not_imported[
        "calendar-year periods, which are not guessed as financial years"
    ]
    assert str(calendar[0]) == (
        "row 6, column period: 2023 is a calendar year, which could be 2022/23 or 2023/24: "
        "it is not guessed"
    )


def test_importing_the_same_file_again_changes_nothing(five: list[Authority]) -> None:
    import_csv(GOOD)
    before = list(BenchmarkValue.objects.values_list("pk", "value"))
    again = import_csv(GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert again.notes == []  # the metric is unchanged too
    assert list(BenchmarkValue.objects.values_list("pk", "value")) == before


def test_a_changed_value_is_updated_in_place(five: list[Authority]) -> None:
    import_csv(GOOD)
    report = import_csv(GOOD.replace("40.1", "40.2"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert stored()[("E07000001", "2022/23")] == Decimal("40.2")


def test_a_dry_run_writes_nothing(five: list[Authority]) -> None:
    report = import_benchmarks(csv_file(GOOD), MetricSpec("M1", title="Rate"), dry_run=True)
    assert report.ok and report.created == 3
    assert not Metric.objects.exists()
    assert not BenchmarkValue.objects.exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "area_code,period\nE07000001,2023/24\n",
            "row 1, column value: Required column is missing",
        ),
        ("", "The file is empty"),
        (
            "area_code,period,value\nE07000001,2023/24,40\nE07000002,2023/24,forty\n",
            "row 3, column value: Value must be a number",
        ),
        (
            "area_code,period,value\nE07000001,2023/24,40\nE07000001,2023/24,41\n",
            "row 3, column value: E07000001 2023/24 is already on row 2 with another value",
        ),
        (
            "area_code,period,value\nOxford,2023/24,40\n",
            "row 2, column area_code: Oxford is not an ONS (GSS) code such as E07000178",
        ),
        ("area_code,period,value\nE07000001,2023,40\n", "Nothing to import"),
        ("area_code,period,value\nE07000001,2023/24,=1+1\n", "Formulas are not accepted"),
    ],
)
def test_a_bad_file_writes_nothing_and_says_why(
    five: list[Authority], text: str, problem: str
) -> None:
    report = import_csv(text)
    assert not report.ok
    assert any(problem in line for line in report.lines()), report.lines()
    assert report.summary.startswith("Nothing was imported")
    assert not Metric.objects.exists()
    assert not BenchmarkValue.objects.exists()


def test_a_binary_file_is_refused(five: list[Authority]) -> None:
    report = import_benchmarks(csv_file("%PDF-1.4 …"), MetricSpec("M1", title="x"))
    assert report.lines() == ["The file is a PDF, not a spreadsheet: upload a CSV or .xlsx file"]


def test_an_unknown_metric_needs_a_title(five: list[Authority]) -> None:
    report = import_benchmarks(csv_file(GOOD), MetricSpec("NEW"))
    assert report.lines() == ["Unknown metric NEW: give --title to create it"]


def test_an_existing_metric_is_updated_only_where_the_command_says(five: list[Authority]) -> None:
    metric("M1", title="Old title", decimals=2, polarity="down")
    report = import_csv(GOOD, title="New title")
    assert report.notes == ["Metric M1 updated: title."]
    found = Metric.objects.get(code="M1")
    assert (found.title, found.decimals, found.polarity) == ("New title", 2, "down")


def test_a_metric_can_be_linked_to_our_measure(five: list[Authority]) -> None:
    measure = MeasureFactory(code="NI192")
    import_csv(GOOD, measure="NI192")
    assert Metric.objects.get(code="M1").measure == measure
    assert not import_csv(GOOD, measure="NOPE").ok


def test_where_selects_one_series_of_a_file_holding_two(five: list[Authority]) -> None:
    text = (
        "area_code,period,measure,value\n"
        "E07000001,2023/24,Percentage,40.5\n"
        "E07000001,2023/24,Frequency,12345\n"
    )
    assert not import_csv(text).ok  # two values for one area and period
    report = import_csv(text, where={"Measure": "percentage"})
    assert report.ok
    assert report.skipped == {"not selected by --where": 1}
    assert stored() == {("E07000001", "2023/24"): Decimal("40.5")}
    missing = import_csv(text, where={"series": "x"})
    assert missing.lines() == [
        "row 1, column series: The file has no column series to select rows by"
    ]


def test_real_env18_imports_and_reports_the_scottish_calendar_years(tmp_path: object) -> None:
    with (REAL / "uk_local_authorities.csv").open("rb") as f:
        from benchmarking.imports import import_authorities

        import_authorities(f)
    with (REAL / "recycling_rates_env18.csv").open("rb") as f:
        report = import_benchmarks(f, MetricSpec("ENV18", title="Recycling", decimals=1))
    assert report.ok
    assert (report.rows, report.created, report.skipped_total) == (3205, 2884, 1)
    calendar = report.not_imported[
        "calendar-year periods, which are not guessed as financial years"
    ]
    assert len(calendar) == 320
    assert report.not_imported_total == 320
    oxford = BenchmarkValue.objects.get(authority__code="E07000178", period="2015/16")
    assert oxford.value == Decimal("45.1")
    noisy = BenchmarkValue.objects.get(authority__code="E07000067", period="2015/16")
    assert noisy.value == Decimal("52.4")  # 52.400000000000006 in the file
    with (REAL / "recycling_rates_env18.csv").open("rb") as f:
        again = import_benchmarks(f, MetricSpec("ENV18", title="Recycling", decimals=1))
    assert (again.written, again.unchanged) == (0, 2884)


def test_the_command_prints_the_summary_and_the_details(five: list[Authority], tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rates.csv"
    path.write_text(GOOD)
    out = StringIO()
    call_command("import_benchmarks", str(path), "--metric", "M1", "--title", "Rate", stdout=out)
    text = out.getvalue()
    assert "3 written (3 new, 0 changed)" in text
    assert "Skipped 2 rows: no value (NA or empty)." in text
    assert "Not imported, 1 row: calendar-year periods" in text
    assert "row 6, column period: 2023 is a calendar year" in text


def test_the_command_fails_on_a_bad_file(five: list[Authority], tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rates.csv"
    path.write_text("area_code,period,value\nE07000001,2023/24,abc\n")
    with pytest.raises(CommandError) as caught:
        call_command("import_benchmarks", str(path), "--metric", "M1", "--title", "Rate")
    assert "Nothing was imported" in str(caught.value)
    assert "row 2, column value: Value must be a number" in str(caught.value)
    assert not BenchmarkValue.objects.exists()
