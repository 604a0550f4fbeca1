"""The champions' network: every service's data-quality, innovation and Unison champions (the
framework names one of each per service), with how to reach them.

One FilterSet (`ChampionFilter`) serves the page, its CSV export and the API; `network` loads
the rows in two queries whatever the number of services."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, QuerySet

from targets.models import Service, ServiceRole, User

CHAMPION_KINDS: tuple[tuple[str, str], ...] = tuple(
    (str(role), str(role.label)) for role in ServiceRole.CHAMPIONS
)


@dataclass
class ChampionsRow:
    service: Service
    champions: dict[str, User | None] = field(default_factory=dict)

    @property
    def cells(self) -> list[tuple[str, str, User | None]]:
        """(role, its label, the champion or None) in the framework's order."""
        return [(role, label, self.champions.get(role)) for role, label in CHAMPION_KINDS]

    @property
    def missing(self) -> list[str]:
        """The labels of the champions the service has not named."""
        return [label for role, label, user in self.cells if user is None]


class ChampionFilter(django_filters.FilterSet):
    service = django_filters.CharFilter(field_name="code", label="Service code")
    missing = django_filters.ChoiceFilter(
        choices=CHAMPION_KINDS,
        method="without",
        label="Services without a",
        empty_label="Any champion",
    )

    class Meta:
        model = Service
        fields = ["service", "missing"]

    def without(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        held = ServiceRole.objects.filter(service=OuterRef("pk"), role=value)
        return queryset.filter(~Exists(held))


def services_queryset() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).select_related("head").order_by("name")


def network(services: Iterable[Service]) -> list[ChampionsRow]:
    """A row per service with its champions (None where none is named)."""
    rows = {s.pk: ChampionsRow(s, {role: None for role, _ in CHAMPION_KINDS}) for s in services}
    roles = ServiceRole.objects.filter(
        service__in=list(rows), role__in=[r for r, _ in CHAMPION_KINDS]
    ).select_related("user")
    for role in roles:
        rows[role.service_id].champions[role.role] = role.user
    return list(rows.values())


CSV_COLUMNS = [
    "service_code",
    "service",
    "head_of_service",
    "champion",
    "name",
    "job_title",
    "email",
]


def csv_rows(rows: Iterable[ChampionsRow]) -> list[list[str]]:
    """One line per service and kind of champion (blank name: none named)."""
    out = []
    for row in rows:
        head = row.service.head
        for _, label, user in row.cells:
            out.append(
                [
                    row.service.code,
                    row.service.name,
                    str(head) if head else "",
                    label,
                    str(user) if user else "",
                    user.job_title if user else "",
                    user.email if user else "",
                ]
            )
    return out
