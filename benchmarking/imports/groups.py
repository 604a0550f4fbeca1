"""import_groups: comparator groups, kept as versions by financial year.

Without a name, the file holds nearest-neighbour rows `authority_code,neighbour_code` (the CIPFA
model's groups as Oflog publishes them): one group per authority, duplicates removed. With a
name, the file's `area_code` column is that one group's membership; its slug is the slugified
name ("Trafford CIPFA 2024" -> trafford-cipfa-2024).

A version applies from a financial year (`valid_from`, given by --from) until the next version.
Importing the same membership again changes nothing; a different membership becomes a new
version from the year given (or, without one, from the current financial year) so that earlier
years keep the membership they were compared with. The first version of a group applies from
the start unless a year is given.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from benchmarking.imports.report import BenchmarkImportReport
from benchmarking.models import GSS_PATTERN, Authority, ComparatorGroup, GroupVersion
from targets import periods
from targets.imports.cells import RowCells
from targets.imports.common import open_table
from targets.imports.reader import Table

UNKNOWN = "authorities that are not in the register (run import_authorities first)"


@dataclass
class _Group:
    slug: str
    name: str
    kind: str
    authority: int | None
    members: set[int]


def import_groups(
    stream: IO[bytes],
    *,
    name: str | None = None,
    valid_from: int | None = None,
    from_start: bool = False,
    source: str = "",
    dry_run: bool = False,
) -> BenchmarkImportReport:
    """Import the groups; `valid_from` (a financial year) or `from_start` says which version
    the membership is (default: the first version, or a new one from the current year)."""
    report = BenchmarkImportReport(kind="comparator groups", dry_run=dry_run)
    if name is not None and not slugify(name):
        report.add(None, None, "The group's name must have letters or digits")
        return report
    if name is None:
        table = open_table(
            stream,
            report,
            required=("authority_code", "neighbour_code"),
            optional=("authority_name", "neighbour_name"),
        )
    else:
        table = open_table(stream, report, required=("area_code",), optional=("area_name",))
    if table is None:
        return report
    authorities = {a.code: a for a in Authority.objects.only("pk", "code", "name")}
    if name is None:
        groups = _nearest(table, authorities, report)
    else:
        groups = _named(table, name, authorities, report)
    if report.ok and not groups:
        report.add(None, None, "Nothing to import: no row names an authority in the register")
    if not report.ok:
        report.sort_errors()
        return report
    with transaction.atomic():
        _write(groups, report, valid_from=valid_from, from_start=from_start, source=source)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _code(cells: RowCells, column: str) -> str:
    code = cells.text(column, required=True).upper()
    if code and not GSS_PATTERN.fullmatch(code):
        cells.error(column, f"{code} is not an ONS (GSS) code such as E07000178")
        return ""
    return code


def _nearest(
    table: Table, authorities: dict[str, Authority], report: BenchmarkImportReport
) -> list[_Group]:
    members: dict[str, set[int]] = defaultdict(set)
    for number, values in table.rows:
        cells = RowCells(number, values, table.columns, report)
        owner, neighbour = _code(cells, "authority_code"), _code(cells, "neighbour_code")
        if not cells.ok:
            continue
        missing = [c for c in dict.fromkeys((owner, neighbour)) if c not in authorities]
        if missing:
            column = "authority_code" if owner in missing else "neighbour_code"
            report.leave_out(UNKNOWN, number, column, f"{', '.join(missing)} not in the register")
            continue
        if authorities[neighbour].pk in members[owner]:
            report.skip("duplicate neighbour removed")
        members[owner].add(authorities[neighbour].pk)
    return [
        _Group(
            slug=f"nearest-{code.lower()}",
            name=f"Nearest neighbours of {authorities[code].name}",
            kind=ComparatorGroup.Kind.NEAREST,
            authority=authorities[code].pk,
            members=ids,
        )
        for code, ids in sorted(members.items())
    ]


def _named(
    table: Table, name: str, authorities: dict[str, Authority], report: BenchmarkImportReport
) -> list[_Group]:
    members: set[int] = set()
    for number, values in table.rows:
        cells = RowCells(number, values, table.columns, report)
        code = _code(cells, "area_code")
        if not cells.ok:
            continue
        if code not in authorities:
            report.leave_out(UNKNOWN, number, "area_code", f"{code} is not in the register")
            continue
        if authorities[code].pk in members:
            report.skip("duplicate member removed")
        members.add(authorities[code].pk)
    if not members:
        return []
    slug = slugify(name)
    return [_Group(slug, name, ComparatorGroup.Kind.NAMED, None, members)]


def _write(
    groups: list[_Group],
    report: BenchmarkImportReport,
    *,
    valid_from: int | None,
    from_start: bool,
    source: str,
) -> None:
    existing = {
        g.slug: g
        for g in ComparatorGroup.objects.filter(slug__in=[g.slug for g in groups])
        .select_for_update()
        .prefetch_related("versions__members")
    }
    created = ComparatorGroup.objects.bulk_create(
        [
            ComparatorGroup(slug=g.slug, name=g.name, kind=g.kind, authority_id=g.authority)
            for g in groups
            if g.slug not in existing
        ]
    )
    report.created = len(created)
    current_year = periods.financial_year_of(timezone.localdate())
    versions: list[tuple[GroupVersion, set[int]]] = [
        (GroupVersion(group=group, valid_from=valid_from, source=source), wanted.members)
        for group, wanted in zip(
            created, [g for g in groups if g.slug not in existing], strict=True
        )
    ]
    replaced: list[tuple[GroupVersion, set[int]]] = []
    for wanted in groups:
        group = existing.get(wanted.slug)
        if group is None:
            continue
        year = None if from_start else valid_from
        version = _changed_version(group, wanted.members, year, from_start, current_year, source)
        if version is None:
            report.unchanged += 1
            continue
        report.updated += 1
        if version.pk is None:
            versions.append((version, wanted.members))
            report.notes.append(f"{group.name}: new membership {version.valid_from_label}.")
        else:
            replaced.append((version, wanted.members))
            report.notes.append(f"{group.name}: membership {version.valid_from_label} replaced.")
    GroupVersion.objects.bulk_create([version for version, _ in versions])
    through = GroupVersion.members.through
    through.objects.filter(groupversion__in=[version for version, _ in replaced]).delete()
    through.objects.bulk_create(
        [
            through(groupversion_id=version.pk, authority_id=member)
            for version, members in [*versions, *replaced]
            for member in sorted(members)
        ],
        batch_size=500,
    )


def _changed_version(
    group: ComparatorGroup,
    members: set[int],
    valid_from: int | None,
    from_start: bool,
    current_year: int,
    source: str,
) -> GroupVersion | None:
    """The version to write for a group that exists: None when the membership in force is the
    same; an existing version of the same year to replace; or a new version."""
    versions = list(group.versions.all())
    year: int | None
    if from_start:
        year = None
        in_force = next((v for v in versions if v.valid_from is None), None)
    elif valid_from is not None:
        year = valid_from
        in_force = group.version_for(valid_from)
    elif versions:
        year = current_year
        in_force = max(versions, key=lambda v: v.valid_from or 0)
    else:
        year, in_force = None, None
    if in_force is not None and {m.pk for m in in_force.members.all()} == members:
        return None
    same_year = next((v for v in versions if v.valid_from == year), None)
    if same_year is not None:
        return same_year
    return GroupVersion(group=group, valid_from=year, source=source)
