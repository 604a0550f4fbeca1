"""import_authorities and import_groups: the register and comparator groups, with versions."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from benchmarking.imports import import_authorities, import_groups
from benchmarking.models import Authority, ComparatorGroup, GroupVersion
from tests.benchmarking.conftest import OXFORD, REAL, csv_file

pytestmark = pytest.mark.django_db

REGISTER = (
    "gss-code,nice-name,official-name,local-authority-type,local-authority-type-name,region,"
    "nation,pop-2020,current-authority\n"
    "E07000178,Oxford,Oxford City Council,NMD,Non-metropolitan district,South East,England,"
    "151584.0,True\n"
    "E07000008,Cambridge,Cambridge City Council,NMD,Non-metropolitan district,East,England,"
    "125758.0,True\n"
    "E07000004,Aylesbury Vale,Aylesbury Vale District Council,NMD,Non-metropolitan district,"
    "South East,England,,False\n"
    ",Derry,Derry City Council,NID,NI district,Northern Ireland,Northern Ireland,,False\n"
)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 20, 12, tzinfo=UTC), tick=False)


def members(slug: str) -> dict[int | None, set[str]]:
    found: dict[int | None, set[str]] = {}
    for version in GroupVersion.objects.filter(group__slug=slug).prefetch_related("members"):
        found[version.valid_from] = {a.code for a in version.members.all()}
    return found


def test_it_imports_the_register_by_ons_code() -> None:
    report = import_authorities(csv_file(REGISTER))
    assert report.ok, report.lines()
    assert (report.created, report.skipped_total) == (3, 1)
    oxford = Authority.objects.get(code=OXFORD)
    assert (oxford.name, oxford.type, oxford.region, oxford.population, oxford.is_current) == (
        "Oxford",
        "NMD",
        "South East",
        151584,
        True,
    )
    old = Authority.objects.get(code="E07000004")
    assert (old.population, old.is_current) == (None, False)


def test_importing_the_register_again_changes_nothing_but_what_changed() -> None:
    import_authorities(csv_file(REGISTER))
    again = import_authorities(csv_file(REGISTER))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = import_authorities(csv_file(REGISTER.replace("151584.0", "152000")))
    assert (changed.updated, changed.unchanged) == (1, 2)
    assert Authority.objects.get(code=OXFORD).population == 152000


def test_a_bad_register_writes_nothing() -> None:
    bad = REGISTER.replace("125758.0", "lots").replace("E07000004", "E0700")
    report = import_authorities(csv_file(bad))
    assert report.lines() == [
        "row 3, column pop-2020: Pop-2020 must be a number",
        "row 4, column gss-code: E0700 is not an ONS (GSS) code such as E07000178",
    ]
    assert not Authority.objects.exists()


def test_the_real_register_and_nearest_neighbours() -> None:
    with (REAL / "uk_local_authorities.csv").open("rb") as f:
        report = import_authorities(f)
    assert (report.rows, report.created, report.skipped_total) == (470, 445, 25)
    with (REAL / "nearest_neighbours.csv").open("rb") as f:
        report = import_groups(f)
    assert report.ok
    assert report.created == 346
    # Folkestone and Hythe appears twice in some groups: counted once.
    assert report.skipped == {"duplicate neighbour removed": 42}
    # Two combined authorities are not in the register: reported, not imported.
    unknown = report.not_imported[
        "authorities that are not in the register (run import_authorities first)"
    ]
    assert {e.reason.split()[0].rstrip(",") for e in unknown} == {"E47000014", "E47000005"}
    oxford = members(f"nearest-{OXFORD.lower()}")
    assert list(oxford) == [None]
    assert len(oxford[None]) == 16 and OXFORD in oxford[None]
    group = ComparatorGroup.objects.get(slug=f"nearest-{OXFORD.lower()}")
    assert (group.name, group.kind, group.authority.code) == (  # type: ignore[union-attr]
        "Nearest neighbours of Oxford",
        "nearest",
        OXFORD,
    )
    for slug in ("nearest-e07000026", "nearest-e07000112"):
        assert len(members(slug)[None]) == 16
    with (REAL / "nearest_neighbours.csv").open("rb") as f:
        again = import_groups(f)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 346)


@pytest.fixture
def register() -> None:
    with (REAL / "uk_local_authorities.csv").open("rb") as f:
        import_authorities(f)


def trafford(name: str) -> Any:
    return (REAL / "trafford" / name).open("rb")


def test_a_named_groups_slug_is_its_slugified_name(register: None) -> None:
    with trafford("cipfalga0724.csv") as f:
        report = import_groups(f, name="Trafford CIPFA 2024")
    assert report.ok and report.created == 1
    group = ComparatorGroup.objects.get(slug="trafford-cipfa-2024")
    assert (group.name, group.kind) == ("Trafford CIPFA 2024", "named")
    assert len(members("trafford-cipfa-2024")[None]) == 15


def test_a_changed_membership_becomes_a_new_version_and_keeps_the_old(register: None) -> None:
    with trafford("cipfa2019.csv") as f:
        import_groups(f, name="Trafford CIPFA")
    with trafford("cipfa2021.csv") as f:
        report = import_groups(f, name="Trafford CIPFA", valid_from=2021)
    assert (report.created, report.updated) == (0, 1)
    assert report.notes == ["Trafford CIPFA: new membership from 2021/22."]
    with trafford("cipfalga0724.csv") as f:
        import_groups(f, name="Trafford CIPFA")  # no year given: from the current year
    versions = members("trafford-cipfa")
    assert list(versions) == [None, 2021, 2026]
    assert "E06000005" in versions[None] and "E06000005" not in versions[2021]  # Darlington
    assert "E06000035" in versions[2021]  # Medway joined in the 2021 model
    assert "E06000006" in versions[2026]  # Halton in LG Inform's 2024 model


def test_importing_the_same_membership_again_changes_nothing(register: None) -> None:
    for year in (None, 2021, 2021):
        with trafford("cipfa2021.csv" if year else "cipfa2019.csv") as f:
            report = import_groups(f, name="Trafford CIPFA", valid_from=year)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    with trafford("cipfa2019.csv") as f:
        report = import_groups(f, name="Trafford CIPFA", from_start=True)
    assert report.unchanged == 1
    with trafford("cipfa2021.csv") as f:
        report = import_groups(f, name="Trafford CIPFA", valid_from=2022)  # same as in force
    assert report.unchanged == 1
    assert list(members("trafford-cipfa")) == [None, 2021]


def test_the_same_year_again_with_other_members_replaces_that_version(register: None) -> None:
    with trafford("cipfa2019.csv") as f:
        import_groups(f, name="Trafford CIPFA", valid_from=2019)
    with trafford("cipfa2021.csv") as f:
        report = import_groups(f, name="Trafford CIPFA", valid_from=2019)
    assert report.notes == ["Trafford CIPFA: membership from 2019/20 replaced."]
    assert members("trafford-cipfa") == {2019: {r for r in _codes("cipfa2021.csv")}}


def _codes(name: str) -> set[str]:
    with trafford(name) as f:
        return {line.split(",")[0] for line in f.read().decode().splitlines()[1:]}


def test_a_bad_group_file_writes_nothing(register: None) -> None:
    report = import_groups(csv_file("area_code\nE06000007\nWarrington\n"), name="Bad")
    assert report.lines() == [
        "row 3, column area_code: WARRINGTON is not an ONS (GSS) code such as E07000178"
    ]
    assert not ComparatorGroup.objects.exists()
    report = import_groups(csv_file("code\nE06000007\n"), name="Bad")
    assert report.lines() == ["row 1, column area_code: Required column is missing"]
    report = import_groups(csv_file("area_code\nE06000999\n"), name="Bad")
    assert report.lines() == ["Nothing to import: no row names an authority in the register"]
    assert not ComparatorGroup.objects.exists()


def test_the_commands(register: None, tmp_path: Any) -> None:
    out = StringIO()
    call_command(
        "import_groups",
        str(REAL / "trafford" / "cipfa2021.csv"),
        "--name",
        "Trafford CIPFA",
        "--from",
        "2021/22",
        stdout=out,
    )
    assert "1 written (1 new, 0 changed)" in out.getvalue()
    assert list(members("trafford-cipfa")) == [2021]
    with pytest.raises(CommandError, match="not a financial year"):
        call_command(
            "import_groups",
            str(REAL / "trafford" / "cipfa2021.csv"),
            "--name",
            "X",
            "--from",
            "2021",
        )
    out = StringIO()
    call_command("import_authorities", str(REAL / "uk_local_authorities.csv"), stdout=out)
    assert "445 unchanged" in out.getvalue()
    with pytest.raises(CommandError, match="Cannot open"):
        call_command("import_authorities", str(tmp_path / "missing.csv"))
