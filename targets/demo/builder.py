"""Load the demo council into the database, adding only what is not there yet.

People, services, priorities and measures are matched by their natural keys and refreshed from
the definitions; targets, profiles and values are only ever added, never overwritten, so that a
second run (or a run after someone has worked on the demo) duplicates and loses nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from targets import periods
from targets.demo import corporate, frontline, plans, proposals, support
from targets.demo import quality as data_quality
from targets.demo import questions as questioned
from targets.demo.organisation import CORPORATE_PEOPLE, PRIORITIES, SERVICES, Person
from targets.demo.series import profile_targets, series
from targets.demo.spec import MONTHLY, PROFILE_YEAR, YEARS, M
from targets.demo.values import Cast, latest_month_plan, published_rates, recycling_rows, value_rows
from targets.models import (
    CorporateRole,
    Measure,
    Priority,
    Service,
    ServiceRole,
    Target,
    TargetProfile,
    User,
    Value,
    ValueStatus,
)

DEMO_PASSWORD = "demo"
OXFORD = "E07000178"
RECYCLING_FILE = "recycling_rates_env18.csv"
MEASURES: tuple[M, ...] = (*corporate.MEASURES, *frontline.MEASURES, *support.MEASURES)


@dataclass(frozen=True)
class DemoResult:
    created: dict[str, int]
    totals: dict[str, int]


def database_is_empty() -> bool:
    return not Service.objects.exists() and not Measure.objects.exists()


def demo_logins() -> list[tuple[tuple[str, ...], str]]:
    """The demo logins with who they are: the corporate roles, then each service's pair."""
    logins: list[tuple[tuple[str, ...], str]] = [
        ((p.username,), p.job_title) for p in CORPORATE_PEOPLE
    ]
    for service in SERVICES:
        head, officer = service.people
        logins.append(((officer.username, head.username), service.name))
    return logins


def load_demo(*, today: date | None = None) -> DemoResult:
    today = today or timezone.localdate()
    created: Counter[str] = Counter()
    with transaction.atomic():
        users = _load_users(created)
        services = _load_services(users, created)
        priorities = _load_priorities(created)
        measures = _load_measures(services, priorities, users, created)
        _load_targets(measures, created)
        _load_values(measures, users, today, created)
        dq = data_quality.load(
            measures=list(measures.values()), performance=users["performance"], today=today
        )
        created.update(dq)
        plans.load(
            services=services, priorities=priorities, users=users, today=today, created=created
        )
        proposals.load(users=users, today=today, created=created)
        questioned.load(today=today, created=created)
    totals = {
        "services": Service.objects.count(),
        "measures": Measure.objects.count(),
        "targets": Target.objects.count(),
        "values": Value.objects.count(),
        "users": User.objects.count(),
    }
    return DemoResult(created=dict(created), totals=totals)


def _people() -> list[Person]:
    people = list(CORPORATE_PEOPLE)
    for service in SERVICES:
        people.extend(service.people)
    return people


def _load_users(created: Counter[str]) -> dict[str, User]:
    people = _people()
    existing = set(
        User.objects.filter(username__in=[p.username for p in people]).values_list(
            "username", flat=True
        )
    )
    password = ""
    if len(existing) < len(people):
        # Hashing is deliberately slow: hash once and give every new demo user the same hash.
        hasher = User()
        hasher.set_password(DEMO_PASSWORD)
        password = hasher.password
    users: dict[str, User] = {}
    for person in people:
        defaults: dict[str, Any] = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "job_title": person.job_title,
            "corporate_role": person.corporate_role,
            "is_staff": person.corporate_role == CorporateRole.PERFORMANCE,
        }
        user, was_created = User.objects.update_or_create(
            username=person.username,
            defaults=defaults,
            create_defaults={**defaults, "password": password},
        )
        created["users"] += was_created
        users[person.username] = user
    return users


def _load_services(users: dict[str, User], created: Counter[str]) -> dict[str, Service]:
    services: dict[str, Service] = {}
    for definition in SERVICES:
        head, officer = (users[p.username] for p in definition.people)
        service, was_created = Service.objects.update_or_create(
            code=definition.code,
            defaults={
                "name": definition.name,
                "description": definition.description,
                "is_support": definition.is_support,
                "is_active": True,
                "head": head,
            },
        )
        created["services"] += was_created
        services[definition.code] = service
        for user, role in (
            (officer, ServiceRole.Role.UPDATER),
            (head, ServiceRole.Role.APPROVER),
        ):
            _, was_created = ServiceRole.objects.get_or_create(
                user=user, service=service, role=role
            )
            created["service roles"] += was_created
        # One champion per service: the officer, unless someone has since been made champion.
        _, was_created = ServiceRole.objects.get_or_create(
            service=service, role=ServiceRole.Role.DQ_CHAMPION, defaults={"user": officer}
        )
        created["service roles"] += was_created
        # The innovation champion is the head, the Unison champion the officer; a few services
        # have yet to name theirs, as in any council (the champions' page shows the gaps).
        place = len(services)
        for role, user, unnamed in (
            (ServiceRole.Role.INNOVATION_CHAMPION, head, place % 7 == 3),
            (ServiceRole.Role.UNISON_CHAMPION, officer, place % 5 == 4),
        ):
            if not unnamed:
                _, was_created = ServiceRole.objects.get_or_create(
                    service=service, role=role, defaults={"user": user}
                )
                created["service roles"] += was_created
    return services


def _load_priorities(created: Counter[str]) -> dict[int, Priority]:
    priorities: dict[int, Priority] = {}
    for number, name, description in PRIORITIES:
        priority, was_created = Priority.objects.update_or_create(
            number=number, defaults={"name": name, "description": description}
        )
        created["priorities"] += was_created
        priorities[number] = priority
    return priorities


def _load_measures(
    services: dict[str, Service],
    priorities: dict[int, Priority],
    users: dict[str, User],
    created: Counter[str],
) -> dict[str, Measure]:
    systems = {s.code: s.system for s in SERVICES}
    measures: dict[str, Measure] = {}
    for m in MEASURES:
        service = services[m.service]
        measure, was_created = Measure.objects.update_or_create(
            code=m.code,
            defaults={
                "title": m.title,
                "definition": m.definition_text,
                "kind": Measure.Kind(m.kind),
                "priority": priorities[m.priority] if m.priority else None,
                "service": service,
                "unit": Measure.Unit(m.unit),
                "decimals": m.decimals,
                "polarity": Measure.Polarity(m.polarity),
                "frequency": Measure.Frequency(m.frequency),
                "aggregation": Measure.Aggregation(m.aggregation),
                "tolerance_pct": m.tolerance_pct if m.polarity != "none" else None,
                "tolerance_abs": m.tolerance_abs if m.polarity != "none" else None,
                "due_days": m.due_days,
                "updater": users[f"{m.service}-officer"],
                "approver": users[f"{m.service}-head"],
                "data_source": m.source or systems[m.service],
                "is_public": m.public,
                "is_scrutiny": m.scrutiny,
                "active_from": m.active_from,
                "active_to": None,
            },
        )
        created["measures"] += was_created
        measures[m.code] = measure
    return measures


def _load_targets(measures: dict[str, Measure], created: Counter[str]) -> None:
    existing = set(
        Target.objects.filter(measure__in=measures.values()).values_list("measure_id", "year")
    )
    new: list[Target] = []
    for m in MEASURES:
        measure = measures[m.code]
        for year in YEARS:
            spec = m.target(year)
            if spec is None or not m.stores_target(year) or (measure.pk, year) in existing:
                continue
            note = f"Agreed in the {periods.fy_label(year)} service plan."
            new.append(
                Target(
                    measure=measure,
                    year=year,
                    value=spec.value,
                    lower=spec.lower,
                    upper=spec.upper,
                    note=note,
                )
            )
    Target.objects.bulk_create(new)
    created["targets"] += len(new)
    codes = {measure.pk: code for code, measure in measures.items()}
    by_code = {m.code: m for m in MEASURES}
    profiles = [
        TargetProfile(target=target, period=period, value=spec.value)
        for target in new
        if target.year == PROFILE_YEAR
        for period, spec in profile_targets(by_code[codes[target.measure_id]]).items()
    ]
    TargetProfile.objects.bulk_create(profiles)
    created["target profiles"] += len(profiles)


def _load_values(
    measures: dict[str, Measure], users: dict[str, User], today: date, created: Counter[str]
) -> None:
    now = timezone.now()
    latest_month = periods.latest_complete_period(today, MONTHLY)
    plan = latest_month_plan(
        [m.code for m in MEASURES if m.frequency == MONTHLY and m is not corporate.NI192]
    )
    existing = set(
        Value.objects.filter(measure__in=measures.values()).values_list("measure_id", "period")
    )
    rows: list[Value] = []
    for m in MEASURES:
        cast = Cast(
            officer=users[f"{m.service}-officer"],
            head=users[f"{m.service}-head"],
            performance=users["performance"],
        )
        if m is corporate.NI192:
            rates = published_rates(settings.BASE_DIR / "data" / "real" / RECYCLING_FILE, OXFORD)
            rows += recycling_rows(measures[m.code], rates, cast=cast, now=now)
            continue
        points = series(m, periods.latest_complete_period(today, m.frequency))
        rows += value_rows(
            m,
            measures[m.code],
            points,
            cast=cast,
            latest_month=latest_month,
            latest_state=plan.get(m.code, ValueStatus.PUBLISHED),
            now=now,
        )
    rows = [v for v in rows if (v.measure.pk, v.period) not in existing]
    Value.objects.bulk_create(rows, batch_size=500)
    created["values"] += len(rows)
