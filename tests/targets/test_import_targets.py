from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from targets.imports import import_targets
from targets.models import ChangeRecord, Measure, Service, Target, TargetProfile, User
from tests.factories import MeasureFactory, TargetFactory, TargetProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recycling(waste: Service) -> Measure:
    return MeasureFactory(code="WST-01", service=waste, active_from=2023)


@pytest.fixture
def temperature(waste: Service) -> Measure:
    """A measure with a target range."""
    return MeasureFactory(
        code="WST-03", service=waste, polarity=Measure.Polarity.RANGE, active_from=2023
    )


@pytest.fixture
def rent(housing: Service) -> Measure:
    return MeasureFactory(code="HOU-01", service=housing, active_from=2023)


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "targets.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _run(path: str, *args: str) -> str:
    out = io.StringIO()
    call_command("import_targets", path, *args, stdout=out)
    return out.getvalue()


def _refused(path: str, *args: str) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("import_targets", path, *args, stdout=io.StringIO())
    return str(exc.value)


def test_annual_targets_and_ranges_are_created(
    tmp_path: Path, recycling: Measure, temperature: Measure
) -> None:
    path = _file(
        tmp_path,
        "measure,year,target,lower,upper\nWST-01,2025/26,50,,\nWST-03,2025/26,,18,21.5\n",
    )

    assert "2 created" in _run(path)

    assert Target.objects.get(measure=recycling, year=2025).value == Decimal("50")
    band = Target.objects.get(measure=temperature, year=2025)
    assert (band.lower, band.upper) == (Decimal("18"), Decimal("21.5"))
    records = ChangeRecord.objects.all()
    assert {(r.action, r.object_type, r.source, r.period) for r in records} == {
        ("create", "target", "import", "2025/26")
    }


def test_a_row_with_a_period_profiles_the_years_target(tmp_path: Path, recycling: Measure) -> None:
    path = _file(
        tmp_path,
        "measure,year,target,period\nWST-01,2025/26,120,\nWST-01,2025/26,10,2025-04\n"
        "WST-01,2025/26,12,2025-05\n",
    )

    _run(path)

    target = Target.objects.get()
    assert {p.period: p.value for p in target.profile.all()} == {
        "2025-04": Decimal("10"),
        "2025-05": Decimal("12"),
    }
    assert ChangeRecord.objects.filter(object_type="profile", period="2025-04").exists()


def test_reimport_is_an_upsert(tmp_path: Path, recycling: Measure) -> None:
    path = _file(
        tmp_path, "measure,year,target,period\nWST-01,2025/26,50,\nWST-01,2025/26,5,2025-04\n"
    )
    _run(path)

    assert "0 created, 0 updated, 2 unchanged" in _run(path)
    assert (Target.objects.count(), TargetProfile.objects.count()) == (1, 1)


def test_changing_one_year_never_rewrites_another(tmp_path: Path, recycling: Measure) -> None:
    TargetFactory(measure=recycling, year=2025, value=Decimal("50"))
    TargetFactory(measure=recycling, year=2026, value=Decimal("50"))

    _run(_file(tmp_path, "measure,year,target\nWST-01,2026/27,55\n"))

    assert {t.year: t.value for t in Target.objects.all()} == {
        2025: Decimal("50"),
        2026: Decimal("55"),
    }
    record = ChangeRecord.objects.get()
    assert (record.action, record.changes) == ("update", {"value": ["50", "55"]})


def test_every_bad_row_is_reported_and_nothing_is_written(
    tmp_path: Path, recycling: Measure, temperature: Measure, hannah: User
) -> None:
    TargetFactory(measure=recycling, year=2024, value=Decimal("45"))
    path = _file(
        tmp_path,
        "measure,year,target,lower,upper,period\n"
        "WST-01,2025/26,50,,,\n"
        "WST-01,2025,50,,,\n"
        "WST-01,2025/26,5,,,2025/26-Q1\n"
        "WST-01,2025/26,5,,,2026-04\n"
        "WST-01,2026/27,5,,,2026-04\n"
        "WST-03,2025/26,,21,18,\n"
        "WST-03,2024/25,20,,,\n"
        "WST-01,2024/25,,,,\n"
        "WST-01,2024/25,40,1,2,\n"
        "WST-01,2025/26,51,,,\n"
        "WST-01,2019/20,40,,,\n"
        "NOPE,2025/26,1,,,\n",
    )

    # As the head of service: the performance team's import would move the first year back.
    message = _refused(path, "--user", "hannah")

    assert "row 3, column year: Year 2025 is not a financial year such as 2025/26" in message
    assert (
        "row 4, column period: WST-01 is monthly: 2025/26-Q1 is not one of its periods" in message
    )
    assert "row 5, column period: 2026-04 is not in 2025/26" in message
    assert "row 6, column period: WST-01 has no target for 2026/27" in message
    assert "row 7, column upper: The upper bound is below the lower bound" in message
    assert "row 8, column lower: WST-03 has a target range: give its lower and upper bounds" in (
        message
    )
    assert "row 9, column target: Target is required" in message
    assert "row 10, column lower: WST-01 has no target range" in message
    assert "row 11, column year: WST-01 2025/26 is already on row 2" in message
    assert "row 12, column year: WST-01 is not reported in 2019/20" in message
    assert "row 13, column measure: Unknown measure NOPE" in message
    assert Target.objects.get().value == Decimal("45")
    assert ChangeRecord.objects.count() == 0


def test_dry_run_writes_nothing(tmp_path: Path, recycling: Measure) -> None:
    out = _run(_file(tmp_path, "measure,year,target\nWST-01,2025/26,50\n"), "--dry-run")

    assert "would give 1 created" in out
    assert Target.objects.count() == 0


def test_a_profile_updates_in_place(tmp_path: Path, recycling: Measure) -> None:
    TargetProfileFactory(
        target=TargetFactory(measure=recycling, year=2025), period="2025-04", value=Decimal("10")
    )

    out = _run(_file(tmp_path, "measure,year,target,period\nWST-01,2025/26,11,2025-04\n"))

    assert "0 created, 1 updated" in out
    assert TargetProfile.objects.get().value == Decimal("11")


def test_a_head_of_service_sets_only_their_services_targets(
    hannah: User, recycling: Measure, rent: Measure
) -> None:
    data = b"measure,year,target\nWST-01,2025/26,50\nHOU-01,2025/26,97\n"

    report = import_targets(io.BytesIO(data), user=hannah)

    assert report.lines() == ["row 3, column measure: You cannot set the targets of HOU-01"]
    assert Target.objects.count() == 0
