"""import_benchmarks at national scale: plain rows read quickly by the same rules as any other,
values written in bulk (one INSERT from JSON on SQLite, COPY on PostgreSQL) as the rules say,
nothing written by a second identical import or by a file with one bad row among thousands."""

from __future__ import annotations

import gc
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarking.imports import MetricSpec, import_benchmark_table, import_benchmarks, writing
from benchmarking.imports.rows import read_rows
from benchmarking.models import Authority, BenchmarkValue, Metric
from targets.imports.reader import read_table
from targets.imports.report import FileRejected
from tests.benchmarking.conftest import authority, import_csv, metric

pytestmark = pytest.mark.django_db

YEARS = [f"{year}/{(year + 1) % 100:02d}" for year in range(2015, 2025)]


@pytest.fixture
def register() -> list[str]:
    """300 districts, as a national table has."""
    Authority.objects.bulk_create(
        Authority(code=f"E07{n:06d}", name=f"District {n}", type="NMD", type_name="District")
        for n in range(300)
    )
    return [f"E07{n:06d}" for n in range(300)]


def national(codes: list[str], *, figure: str = "{n}.5", bad: int | None = None) -> str:
    """A metric for every district and ten years; the `bad`-th row's value is not a number."""
    lines = ["area_code,area_name,period,value"]
    for period in YEARS:
        for i, code in enumerate(codes):
            lines.append(f"{code},District {i},{period},{figure.format(n=i % 90)}")
    if bad is not None:
        lines[bad - 1] = lines[bad - 1].rsplit(",", 1)[0] + ",forty"
    return "\n".join(lines) + "\n"


def stored(code: str = "M1") -> dict[tuple[str, str], Decimal]:
    rows = BenchmarkValue.objects.filter(metric__code=code).values_list(
        "authority__code", "period", "value"
    )
    return {(area, period): value for area, period, value in rows}


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].split()[0] in {"INSERT", "UPDATE"}
    ]


def test_a_national_table_is_written_whole(register: list[str]) -> None:
    report = import_csv(national(register))
    assert report.ok, report.lines()
    assert (report.rows, report.created, report.updated, report.unchanged) == (3000, 3000, 0, 0)
    values = stored()
    assert len(values) == 3000
    assert values[register[91], "2019/20"] == Decimal("1.5")
    assert values[register[299], "2024/25"] == Decimal("29.5")


def test_a_second_identical_import_writes_nothing(
    register: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import_csv(national(register))
    before = list(BenchmarkValue.objects.order_by("pk").values_list("pk", "value"))
    called = []
    monkeypatch.setattr(writing, "write_values", lambda *args: called.append(args))
    with CaptureQueriesContext(connection) as queries:
        again = import_csv(national(register))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3000)
    assert called == []
    assert writes(queries) == []
    assert list(BenchmarkValue.objects.order_by("pk").values_list("pk", "value")) == before


def test_changed_and_new_values_are_written_and_the_rest_left_alone(register: list[str]) -> None:
    import_csv(national(register[:200]))
    one = BenchmarkValue.objects.filter(authority__code=register[5], period="2020/21")
    before = one.get().pk
    text = national(register).replace(
        f"{register[5]},District 5,2020/21,5.5", f"{register[5]},District 5,2020/21,5.75"
    )
    report = import_csv(text)
    assert (report.created, report.updated, report.unchanged) == (1000, 1, 1999)
    values = stored()
    assert len(values) == 3000
    assert values[register[5], "2020/21"] == Decimal("5.75")
    assert values[register[250], "2015/16"] == Decimal("70.5")
    assert one.get().pk == before  # updated in place, not replaced


@pytest.mark.parametrize("bad", [2, 1500, 3001])
def test_one_bad_row_among_thousands_writes_nothing(register: list[str], bad: int) -> None:
    report = import_csv(national(register, bad=bad))
    assert report.lines() == [f"row {bad}, column value: Value must be a number"]
    assert not Metric.objects.exists()
    assert not BenchmarkValue.objects.exists()


def test_a_bad_row_in_an_update_writes_nothing(register: list[str]) -> None:
    import_csv(national(register))
    report = import_csv(national(register, figure="{n}.25", bad=2000))
    assert not report.ok
    assert set(stored().values()) == {Decimal(n) + Decimal("0.5") for n in range(90)}


def test_a_line_too_long_deep_in_the_file_refuses_the_file_as_the_reader_does(
    register: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("targets.imports.reader.MAX_LINE_CHARS", 200)
    lines = national(register).splitlines()
    lines[2500] += "," + "x" * 300
    text = "\n".join(lines) + "\n"
    with pytest.raises(FileRejected) as caught:
        read_table(io.BytesIO(text.encode()), required=("area_code", "period", "value"))
    report = import_csv(text)
    assert report.lines() == [str(e) for e in caught.value.errors]
    assert (report.rows, report.skipped_total, report.not_imported_total) == (0, 0, 0)
    assert not BenchmarkValue.objects.exists()


@pytest.mark.parametrize("whole", [True, False], ids=["read-whole", "row-by-row"])
@pytest.mark.parametrize(
    "text",
    [
        "area_code,area_name,period,value\nE07000001,A,2023/24,1\n,,,\n,B,,\nE07000002\n",
        "area_code,area_name,period,value\nE07000001,A,2023/24,1\n,,,\n,B,,\n",
        "Area_Code , PERIOD,value,extra\n e07000001 ,2023/24 , 1.5 ,x\n\n,,,only extra\n",
        'area_code,period,value\n"E07000001","2023/24","1,234.5"\n',
    ],
)
def test_the_quick_reader_reads_a_csv_as_the_register_reader_does(
    text: str, whole: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not whole:  # a file longer than a line may be is read row by row
        monkeypatch.setattr("targets.imports.reader.MAX_LINE_CHARS", 60)
    columns = ("area_code", "period", "value")
    table = read_table(io.BytesIO(text.encode()), required=columns, optional=("area_name",))
    rows = read_rows(io.BytesIO(text.encode()), required=columns, optional=("area_name",), extra=[])
    assert rows.columns == table.columns
    assert [row[:4] for row in rows.rows] == [
        (number, cells.get("area_code"), cells.get("period"), cells.get("value"))
        for number, cells in table.rows
    ]


def test_a_workbook_is_read_by_the_register_reader() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["area_code", "period", "value"])
    sheet.append(["E07000001", "2023/24", 40.1])
    data = io.BytesIO()
    book.save(data)
    rows = read_rows(
        io.BytesIO(data.getvalue()),
        required=("area_code", "period", "value"),
        optional=(),
        extra=[],
    )
    assert list(rows.rows) == [(2, "E07000001", "2023/24", Decimal("40.1"), {})]


def test_rows_that_are_not_plain_are_read_by_the_full_rules() -> None:
    for code in ("E07000001", "E07000002", "E07000003"):
        authority(code)
    text = (
        "area_code,period,value\n"
        "e07000001,2022/23,1\n"  # a code in lower case
        'E07000002,2022/23,"1,234.5"\n'  # thousands
        "E07000003,2022/23,+5\n"  # a sign
        "E07000001,2023/24,40.1234567\n"  # rounded to 6 places
        "E07000002,2023/24,.5\n"
        "E07000003,2023/24,5\n"
        "E07000003,2023/24,5.0\n"  # the same value again
        "E07000001,2024/25,NA\n"
        "E07000002,2024/25 ,7\n"  # a period with a space (stripped)
        "E07000002,2025/26 Q3,8\n"  # LG Inform's quarter
    )
    report = import_csv(text)
    assert report.ok, report.lines()
    assert report.skipped == {"repeated row": 1, "no value (NA or empty)": 1}
    assert stored() == {
        ("E07000001", "2022/23"): Decimal("1"),
        ("E07000002", "2022/23"): Decimal("1234.5"),
        ("E07000003", "2022/23"): Decimal("5"),
        ("E07000001", "2023/24"): Decimal("40.123457"),
        ("E07000002", "2023/24"): Decimal("0.5"),
        ("E07000003", "2023/24"): Decimal("5"),
        ("E07000002", "2024/25"): Decimal("7"),
        ("E07000002", "2025/26-Q3"): Decimal("8"),
    }


def test_a_plain_row_repeating_a_key_with_another_value_is_refused(register: list[str]) -> None:
    text = f"area_code,period,value\n{register[0]},2023/24,1\n{register[0]},2023/24,2\n"
    report = import_csv(text)
    assert report.lines() == [
        f"row 3, column value: {register[0]} 2023/24 is already on row 2 with another value: "
        "the file may hold more than one series (choose one with --where)"
    ]
    too_large = import_csv(f"area_code,period,value\n{register[0]},2023/24,123456789012345\n")
    assert too_large.lines() == ["row 2, column value: Value is too large"]


def test_both_databases_write_the_same_rows(register: list[str]) -> None:
    """Run on SQLite and on PostgreSQL (CI runs both): the same new and changed values stored."""
    m = metric("M1")
    ids = dict(Authority.objects.values_list("code", "pk"))
    first = [(ids[register[i]], "2023/24", Decimal(f"{i}.125")) for i in range(50)]
    writing.write_values(m.pk, first, [])
    changed = [(ids[register[i]], "2023/24", Decimal(f"{i}.5")) for i in range(0, 50, 10)]
    new = [(ids[register[i]], "2024/25-Q1", Decimal("-0.000001")) for i in range(3)]
    writing.write_values(m.pk, new, changed)
    expected = {(register[i], "2023/24"): Decimal(f"{i}.125") for i in range(50)}
    expected.update({(register[i], "2023/24"): Decimal(f"{i}.5") for i in range(0, 50, 10)})
    expected.update({(register[i], "2024/25-Q1"): Decimal("-0.000001") for i in range(3)})
    assert stored() == expected
    assert BenchmarkValue.objects.count() == 53


def test_the_fetch_table_and_a_file_give_the_same_report(register: list[str]) -> None:
    text = national(register[:20]).replace(
        f"{register[3]},District 3,2016/17,3.5", f"{register[3]},District 3,2016/17,NA"
    )
    spec = MetricSpec("M1", title="x")
    from_file = import_benchmarks(io.BytesIO(text.encode()), spec, dry_run=True)
    table = read_table(
        io.BytesIO(text.encode()),
        required=("area_code", "period", "value"),
        optional=("area_name",),
    )
    from_table = import_benchmark_table(table, spec, dry_run=True)
    assert from_file.summary == from_table.summary
    assert (from_file.rows, from_file.created) == (200, 199)
    assert from_file.skipped == {"no value (NA or empty)": 1}


def test_deleting_an_authority_or_a_metric_still_deletes_its_values(register: list[str]) -> None:
    """The values table has no foreign keys in the database: the deletes cascade in Django."""
    import_csv(national(register[:3]))
    import_csv(national(register[:3]), code="M2")
    Authority.objects.get(code=register[0]).delete()
    assert set(BenchmarkValue.objects.values_list("authority__code", flat=True)) == {
        register[1],
        register[2],
    }
    Metric.objects.get(code="M1").delete()
    assert set(BenchmarkValue.objects.values_list("metric__code", flat=True)) == {"M2"}
    assert BenchmarkValue.objects.count() == 20


def test_an_import_holds_its_metric_and_the_authorities_until_it_commits(
    register: list[str],
) -> None:
    """On PostgreSQL the rows the values refer to are locked against deletion (FOR KEY SHARE,
    what the foreign keys' checks took) before their ids are read; SQLite needs no lock."""
    with CaptureQueriesContext(connection) as queries:
        report = import_csv(national(register[:3]))
    assert report.ok
    held = [q["sql"] for q in queries.captured_queries if "FOR KEY SHARE" in q["sql"]]
    if connection.vendor == "postgresql":
        sql = [q["sql"] for q in queries.captured_queries]
        assert len(held) == 2
        assert "benchmarking_authority" in held[0] and "benchmarking_metric" in held[1]
        reads = [i for i, s in enumerate(sql) if s.startswith('SELECT "benchmarking_authority"')]
        assert sql.index(held[0]) < reads[0]
    else:
        assert held == []


def test_the_collector_is_paused_while_a_metric_is_imported_and_then_resumed(
    register: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []
    write = writing.write_values
    monkeypatch.setattr(
        writing, "write_values", lambda *args: (seen.append(gc.isenabled()), write(*args))
    )
    assert import_csv(national(register[:3])).ok
    assert not import_csv("area_code,period,value\nE07000000,2023,1\n", code="M2").ok
    assert not import_csv("area,when\nE07000000,2023/24\n", code="M2").ok  # refused whole
    assert seen == [False]
    assert gc.isenabled()


def test_on_postgresql_only_an_import_that_writes_skips_waiting_for_the_flush(
    register: list[str],
) -> None:
    """SET LOCAL: the import's own transaction (here the test's), and only when it writes."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's synchronous_commit")

    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return str(cursor.fetchone()[0])

    before = setting()
    assert import_csv(national(register[:3])).created == 30
    assert setting() == "off"
    connection.cursor().execute(f"SET LOCAL synchronous_commit = {before}")
    with CaptureQueriesContext(connection) as queries:
        assert import_csv(national(register[:3])).unchanged == 30
    assert not [q for q in queries.captured_queries if "synchronous_commit" in q["sql"]]
    assert setting() == before


def test_sqlite_stores_a_value_written_in_bulk_as_the_orm_stores_it(register: list[str]) -> None:
    """The bulk INSERT reads each value from JSON as the text the driver binds for a Decimal,
    so SQLite keeps the same number in the same storage class (integer or real)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's storage classes")
    figures = ["1.0", "12", "-0.000001", "0.1", "99999999999999.999999", "1E+3", "-7.50"]
    bulk, orm = metric("M1"), metric("M2")
    ids = dict(Authority.objects.values_list("code", "pk"))
    rows = [(ids[register[i]], "2023/24", Decimal(f)) for i, f in enumerate(figures)]
    writing.write_values(bulk.pk, rows, [])
    BenchmarkValue.objects.bulk_create(
        BenchmarkValue(metric=orm, authority_id=a, period=p, value=v) for a, p, v in rows
    )

    def stored_raw(m: Metric) -> list[tuple[object, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT authority_id, value, typeof(value) FROM benchmarking_benchmarkvalue "
                "WHERE metric_id = %s ORDER BY authority_id",
                [m.pk],
            )
            return cursor.fetchall()

    assert stored_raw(bulk) == stored_raw(orm)
    assert len(stored_raw(bulk)) == len(figures)
