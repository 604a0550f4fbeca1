"""import_values in bulk: new values written as tuples (COPY into a staging table on PostgreSQL,
executemany on SQLite), a chunk at a time, with the records a value saved one at a time has."""

from __future__ import annotations

import gc
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from targets import audit
from targets.imports import import_values
from targets.imports import values as values_import
from targets.models import ChangeRecord, Measure, Service, User, Value, ValueStatus
from tests.factories import MeasureFactory, ValueFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 20, 12, tzinfo=UTC)
# Every field a value has but its key, the measure's and the stamps a save sets.
COMPARED = [
    f.attname
    for f in Value._meta.concrete_fields
    if f.attname not in {"id", "measure_id", "created_at", "updated_at"}
]


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def measures(waste: Service) -> list[Measure]:
    return [
        MeasureFactory(code=f"BLK-{n:02d}", service=waste, decimals=1, active_from=2019)
        for n in range(3)
    ]


@pytest.fixture
def ratio(waste: Service) -> Measure:
    return MeasureFactory(
        code="BLK-R", service=waste, aggregation=Measure.Aggregation.RATIO, active_from=2019
    )


def _months(n: int) -> list[str]:
    return [f"{2019 + (3 + i) // 12}-{(3 + i) % 12 + 1:02d}" for i in range(n)]


def _csv(lines: list[str]) -> io.BytesIO:
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def _expected(row: dict[str, Any], measure: Measure, user: User | None, publish: bool) -> Value:
    """The value as import_values built it before it wrote tuples: a model instance."""
    value = Value(measure=measure, period=row["period"], entered_by=user, **row["fields"])
    if publish:
        value.status = ValueStatus.PUBLISHED
        value.published_by = user
        value.published_at = NOW
    return value


ROWS = [
    {"period": "2025-04", "fields": {"actual": Decimal("45.25"), "commentary": "Good month"}},
    {"period": "2025-05", "fields": {"actual": Decimal("0"), "commentary": ""}},
    {
        "period": "2025-06",
        "fields": {
            "actual": Decimal("-1234.5"),
            "commentary": 'Quotes "and" tabs\tand a new\nline',
            "dq_flag": "estimated",
            "forecast": Decimal("12.000001"),
        },
    },
]
FILE = [
    "measure,period,value,commentary,dq_flag,forecast",
    "BLK-00,2025-04,45.25,Good month,,",
    "BLK-00,2025-05,0,,,",
    'BLK-00,2025-06,"-1,234.5","Quotes ""and"" tabs\tand a new\nline",Estimated,12.000001',
]


@pytest.mark.parametrize("publish", [False, True])
def test_new_values_and_their_records_are_what_saving_each_would_write(
    measures: list[Measure], pat: User, publish: bool
) -> None:
    report = import_values(_csv(FILE), user=pat, publish=publish)

    assert report.ok, report.lines()
    assert report.created == 3
    stored = {v.period: v for v in Value.objects.all()}
    records = {r.period: r for r in ChangeRecord.objects.filter(object_type="value")}
    for row in ROWS:
        expected = _expected(row, measures[0], pat, publish)
        value = stored[row["period"]]
        assert {name: getattr(value, name) for name in COMPARED} == {
            name: getattr(expected, name) for name in COMPARED
        }
        assert value.measure_id == measures[0].pk
        assert (value.created_at, value.updated_at) == (NOW, NOW)
        record = records[row["period"]]
        assert record.object_id == value.pk
        assert (record.action, record.source, record.object_type) == ("create", "import", "value")
        assert (record.user, record.measure, record.measure_code) == (pat, measures[0], "BLK-00")
        assert record.at == NOW
        assert record.batch == report.batch
        assert record.reason == ("Imported as published" if publish else "")
        assert record.changes == audit.diff({}, audit.snapshot(expected, values_import.TRACKED))


def test_a_ratio_measures_new_values_hold_their_figures(ratio: Measure) -> None:
    lines = ["measure,period,numerator,denominator", "BLK-R,2025-04,3,4", "BLK-R,2025-05,1,3"]

    report = import_values(_csv(lines))

    assert report.ok, report.lines()
    april = Value.objects.get(period="2025-04")
    assert (april.actual, april.numerator, april.denominator) == (
        Decimal("75"),
        Decimal("3"),
        Decimal("4"),
    )
    record = ChangeRecord.objects.get(period="2025-04")
    assert record.changes == {
        "actual": [None, "75"],
        "numerator": [None, "3"],
        "denominator": [None, "4"],
        "dq_flag": [None, "final"],
        "status": [None, "draft"],
    }


def test_a_file_of_many_chunks_writes_every_value_with_its_own_record(
    measures: list[Measure], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(values_import, "CHUNK_ROWS", 7)
    ValueFactory(measure=measures[1], period="2019-05", actual=Decimal("100"), status="draft")
    lines = ["measure,period,value"] + [
        f"{m.code},{month},{i}" for m in measures for i, month in enumerate(_months(20))
    ]

    report = import_values(_csv(lines))

    assert report.ok, report.lines()
    assert (report.created, report.updated, report.unchanged) == (59, 1, 0)
    values = {(v.measure.code, v.period): v for v in Value.objects.select_related("measure")}
    assert len(values) == 60
    assert values[("BLK-02", "2020-10")].actual == Decimal("18")
    records = ChangeRecord.objects.filter(object_type="value")
    assert records.count() == 60
    assert {(r.measure_code, r.period): r.object_id for r in records} == {
        key: value.pk for key, value in values.items()
    }
    assert {r.action for r in records if r.object_id == values[("BLK-01", "2019-05")].pk} == {
        "update"
    }
    assert len({r.batch for r in records}) == 1


def test_a_bad_row_in_a_late_chunk_writes_nothing_and_every_bad_row_is_reported(
    measures: list[Measure], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chunks before the bad row were written, then rolled back with the transaction."""
    monkeypatch.setattr(values_import, "CHUNK_ROWS", 10)
    lines = ["measure,period,value"] + [
        f"{m.code},{month},{i}" for m in measures for i, month in enumerate(_months(30))
    ]
    lines[75] = "BLK-02,2022-13,1"  # row 76 of the spreadsheet, in the eighth chunk
    lines[88] = "BLK-02,2023-01,lots"

    report = import_values(_csv(lines))

    assert [str(error) for error in report.errors] == [
        "row 76, column period: Period 2022-13 does not exist",
        "row 89, column value: Value must be a number",
    ]
    assert Value.objects.count() == 0
    assert ChangeRecord.objects.count() == 0
    assert Measure.objects.get(code="BLK-00").active_from == 2019


def test_a_large_file_with_a_bad_row_near_its_end_writes_nothing(waste: Service) -> None:
    """30,000 rows: three chunks of the real size, the bad row at 29,990."""
    many = [
        MeasureFactory(code=f"BIG-{n:03d}", service=waste, active_from=2019) for n in range(300)
    ]
    lines = ["measure,period,value"] + [
        f"{m.code},{month},1" for m in many for month in _months(100)
    ]
    lines[29_989] = lines[29_989].removesuffix(",1") + ",=1+1"

    report = import_values(_csv(lines))

    assert [str(error) for error in report.errors] == [
        "row 29990, column value: Formulas are not accepted: enter the value itself"
    ]
    assert report.created == 29_999
    assert Value.objects.count() == 0
    assert ChangeRecord.objects.count() == 0


def test_the_collector_runs_again_after_an_import(measures: list[Measure]) -> None:
    assert gc.isenabled()

    import_values(_csv(FILE))
    import_values(_csv(["measure,period,value", "BLK-00,2025-13,1"]))

    assert gc.isenabled()
