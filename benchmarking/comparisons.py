"""Comparison sets: which authorities an area is compared with, in a given financial year.

`group=<slug>` is a comparator group's members plus the area itself; `nearest` is the area's own
nearest-neighbour group; `type:NMD` every authority of that type; `all` every authority. Group
membership is versioned: the set for 2019/20 is the version in force in 2019/20.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from benchmarking.models import Authority, ComparatorGroup, GroupVersion
from targets import periods

NEAREST = "nearest"
ALL = "all"
TYPE_PREFIX = "type:"
# First words of the register's type names that keep their capital.
PROPER = {"London", "NI", "Scottish", "Welsh", "Strategic"}


class ComparisonError(Exception):
    """A comparison that cannot be made: `status` 400 for a malformed request, 404 for a thing
    that does not exist; `field` names the parameter at fault."""

    def __init__(self, message: str, *, field: str, status: int = 404) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass(frozen=True)
class Comparison:
    key: str  # as asked: nearest, all, type:NMD or a group's slug
    label: str
    kind: str  # group, type or all
    type_code: str = ""
    group: ComparatorGroup | None = None
    # (valid from, member ids), oldest first; valid from None = from the start.
    versions: tuple[tuple[int | None, frozenset[int]], ...] = field(default=())

    def members_in(self, year: int) -> frozenset[int] | None:
        """The group's members in financial year `year`; None if no version applies then."""
        found = None
        for valid_from, members in self.versions:
            if valid_from is None or valid_from <= year:
                found = members
        return found

    @property
    def all_members(self) -> frozenset[int]:
        return frozenset().union(*(members for _, members in self.versions))

    @property
    def first_year(self) -> int | None:
        return self.versions[0][0] if self.versions else None

    def no_version_message(self, year: int) -> str:
        first = self.first_year
        since = f": its first membership applies from {periods.fy_label(first)}" if first else ""
        return f"{self.label} has no membership for {periods.fy_label(year)}{since}."

    def authority_filter(self, area: Authority) -> Q:
        """The values query's filter: the set's authorities in any year, and the area."""
        if self.kind == "group":
            return Q(authority_id__in=self.all_members | {area.pk})
        if self.kind == "type":
            return Q(authority__type=self.type_code) | Q(authority_id=area.pk)
        return Q()

    def size_text(self, year: int, area: Authority) -> str:
        """What the set counts in `year`, for a group: "15 nearest neighbours (16 including
        Oxford)"; empty for a type or all authorities (their size is the count with values)."""
        members = self.members_in(year) if self.kind == "group" else None
        if members is None:
            return ""
        return size_text(
            len(members),
            includes_area=area.pk in members,
            area_name=area.name,
            nearest=self.group is not None and self.group.kind == ComparatorGroup.Kind.NEAREST,
        )

    def includes(self, authority_id: int, authority_type: str, year: int, area: Authority) -> bool:
        if authority_id == area.pk:
            return True
        if self.kind == "group":
            return authority_id in (self.members_in(year) or ())
        if self.kind == "type":
            return authority_type == self.type_code
        return True


def size_text(members: int, *, includes_area: bool, area_name: str, nearest: bool) -> str:
    """What a group's size counts: "15 nearest neighbours (16 including Oxford)", never a bare
    16 above a ranking out of 15."""
    others = members - 1 if includes_area else members
    noun = "nearest neighbour" if nearest else "other authorit"
    noun += ("" if others == 1 else "s") if nearest else ("y" if others == 1 else "ies")
    return f"{others} {noun} ({others + 1} including {area_name})"


def _group_versions(group: ComparatorGroup) -> tuple[tuple[int | None, frozenset[int]], ...]:
    members: dict[int | None, set[int]] = defaultdict(set)
    for valid_from, member in GroupVersion.objects.filter(group=group).values_list(
        "valid_from", "members"
    ):
        members[valid_from].update([member] if member is not None else [])
    ordered = sorted(members.items(), key=lambda item: -1 if item[0] is None else item[0])
    return tuple((valid_from, frozenset(ids)) for valid_from, ids in ordered)


def for_group(group: ComparatorGroup, key: str | None = None) -> Comparison:
    return Comparison(
        key=key or group.slug,
        label=group.name,
        kind="group",
        group=group,
        versions=_group_versions(group),
    )


def type_label(code: str, name: str) -> str:
    """ "All non-metropolitan districts (NMD)": the register's type name, in the plural."""
    if not name:
        return f"All authorities of type {code}"
    words = name.split(" ")
    last = words[-1]
    words[-1] = f"{last[:-1]}ies" if last.endswith("y") else f"{last}s"
    if words[0] not in PROPER:
        words[0] = words[0][0].lower() + words[0][1:]
    return f"All {' '.join(words)} ({code})"


def comparison_for(key: str, area: Authority) -> Comparison:
    """The comparison set named by `key` for `area`; ComparisonError if there is none."""
    key = (key or "").strip()
    if not key:
        raise ComparisonError(
            "Choose a comparison: nearest, all, type:NMD or a group's slug.",
            field="group",
            status=400,
        )
    if key.lower() == ALL:
        return Comparison(key=ALL, label="All authorities", kind="all")
    if key.lower() == NEAREST:
        group = ComparatorGroup.objects.filter(
            kind=ComparatorGroup.Kind.NEAREST, authority=area
        ).first()
        if group is None:
            raise ComparisonError(f"{area.name} has no nearest-neighbour group.", field="group")
        return for_group(group, key=NEAREST)
    if key.lower().startswith(TYPE_PREFIX):
        code = key[len(TYPE_PREFIX) :].strip().upper()
        if not code:
            raise ComparisonError(
                "Give a type after type:, e.g. type:NMD.", field="group", status=400
            )
        names = Authority.objects.filter(type=code).values_list("type_name", flat=True)[:1]
        if not names:
            raise ComparisonError(f"No authorities of type {code}.", field="group")
        return Comparison(
            key=f"{TYPE_PREFIX}{code}",
            label=type_label(code, names[0]),
            kind="type",
            type_code=code,
        )
    group = ComparatorGroup.objects.filter(slug=key.lower()).first()
    if group is None:
        raise ComparisonError(f"Unknown comparator group {key}.", field="group")
    return for_group(group)


def area_for(code: str) -> Authority:
    code = (code or "").strip().upper()
    if not code:
        raise ComparisonError("Give an area's ONS code, e.g. E07000178.", field="area", status=400)
    area = Authority.objects.filter(code=code).first()
    if area is None:
        raise ComparisonError(f"Unknown area {code}: no authority has this ONS code.", field="area")
    return area
