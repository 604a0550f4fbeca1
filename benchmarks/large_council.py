"""A large council for the benchmarks: 40 services, 800 measures, 10 years of monthly values.

`build()` writes into whatever database Django is set up with; each size gets its own scratch
database (`benchmarks.databases`: a SQLite file, or a PostgreSQL database beside DATABASE_URL's),
which `ensure()` reuses while its marker row says it has the shape asked for, the same
migrations, and was built this month (the latest month moves, so last month's is rebuilt). On
PostgreSQL the values go in with COPY and the tables are analysed afterwards, as a council's
long-lived database would be.

History depth is what `multiplier` scales: 10× is 100 years of periods per measure (888,720
values against 88,800), not 10× the measures, because the point is that the pages must not slow
down as the value table grows with the years. (Not 96,000 and 960,000: the quarterly measures
have 4 values a year, and a tenth of the measures have not yet entered their latest period.)

Each database is made by `migrate` in the process that measures it, with DATABASE_URL set before
django.setup() (benchmarks/web.py), so the demo database of the other cases is never touched.

    python -m benchmarks.large_council --multiplier 10 [--fresh]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from benchmarks import databases

if TYPE_CHECKING:
    from targets.models import Measure, Service, Target, TargetProfile, User, Value
    from targets.periods import Period

# Django is imported inside the functions: the command line entry points choose the database
# (DATABASE_URL) before django.setup(), after this module is imported.

SERVICES = (
    "Waste and recycling",
    "Street cleansing",
    "Parks and open spaces",
    "Housing needs",
    "Housing repairs",
    "Tenancy management",
    "Private sector housing",
    "Homelessness prevention",
    "Development management",
    "Planning policy",
    "Building control",
    "Environmental health",
    "Licensing",
    "Community safety",
    "Leisure and wellbeing",
    "Museums and culture",
    "Economic development",
    "Regeneration",
    "Climate and sustainability",
    "Car parks",
    "Markets",
    "Cemeteries and crematoria",
    "Grounds maintenance",
    "Fleet and transport",
    "Emergency planning",
    "Tourism",
    "Council tax",
    "Business rates",
    "Benefits",
    "Customer services",
    "Finance",
    "Human resources",
    "Digital and IT",
    "Legal services",
    "Democratic services",
    "Electoral services",
    "Communications",
    "Property and estates",
    "Procurement",
    "Internal audit",
)
SUPPORT_FROM = SERVICES.index("Finance")  # back-office services from here on
PRIORITIES = (
    "A thriving economy",
    "Affordable homes",
    "Strong communities",
    "A zero carbon council",
    "A well-run council",
)
MARKER = "benchmark-large-council"
FLUSH_EVERY = 6000  # Value rows held in memory before a bulk_create


@dataclass(frozen=True)
class Archetype:
    """A kind of measure: unit, polarity, how it adds up over a year, and its typical level."""

    title: str
    unit: str
    polarity: str
    aggregation: str
    decimals: int
    level: float


ARCHETYPES = (
    Archetype("Percentage of cases resolved in time", "percent", "up", "ratio", 1, 82.0),
    Archetype("Number of completions", "count", "up", "sum", 0, 120.0),
    Archetype("Average days to process", "days", "down", "mean", 1, 18.0),
    Archetype("Cost per transaction", "currency", "down", "snapshot", 2, 6.5),
    Archetype("Occupancy score", "score", "range", "snapshot", 1, 50.0),
    Archetype("Number of contacts received", "count", "none", "snapshot", 0, 900.0),
    Archetype("Percentage of complaints upheld", "percent", "down", "snapshot", 1, 24.0),
)


@dataclass(frozen=True)
class Shape:
    services: int = 40
    measures: int = 800
    years: int = 10
    multiplier: int = 1
    latest: str = ""  # the latest complete month when built
    schema: str = ""  # the migrations it was built with (schema_fingerprint())

    @property
    def history_years(self) -> int:
        return self.years * self.multiplier

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def database_url(multiplier: int) -> str:
    """The size's own scratch database (benchmarks.databases)."""
    return databases.url(f"large_{multiplier}x")


def schema_fingerprint() -> str:
    """A short hash of the project's migrations: a database built by other code is rebuilt."""
    from django.db.migrations.loader import MigrationLoader

    names = sorted(f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:12]


def build(
    services: int = 40,
    measures: int = 800,
    years: int = 10,
    multiplier: int = 1,
    *,
    today: date | None = None,
) -> dict[str, Any]:
    """Write a large council into the current (empty, migrated) database; return its counts."""
    from django.db import connection, transaction
    from django.utils import timezone

    from targets import periods
    from targets.models import ChangeRecord, Target, TargetProfile, Value

    today = today or timezone.localdate()
    latest = periods.latest_complete_period(today, periods.Frequency.MONTHLY)
    shape = Shape(services, measures, years, multiplier, latest.code, schema_fingerprint())
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        # A throwaway file: no need to wait for the disk on every commit of the build.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
    with transaction.atomic():
        people = _people(shape)
        service_rows = _services(shape, people)
        measure_rows = _measures(shape, service_rows, people, latest)
        targets = Target.objects.bulk_create(
            t for m, a in measure_rows for t in _targets(m, a, latest.year)
        )
        TargetProfile.objects.bulk_create(p for t in targets for p in _profiles(t))
        values = (
            value
            for m, archetype in measure_rows
            for value in _values(m, archetype, shape, latest, people)
        )
        if connection.vendor == "postgresql":
            value_count = _copy(Value, values)
        else:
            value_count = 0
            batch: list[Value] = []
            for value in values:
                batch.append(value)
                if len(batch) >= FLUSH_EVERY:
                    Value.objects.bulk_create(batch)
                    value_count += len(batch)
                    batch = []
            Value.objects.bulk_create(batch)
            value_count += len(batch)
        # The marker goes in last, in the same transaction: a half-built file has none.
        ChangeRecord.objects.create(
            action=ChangeRecord.Action.CREATE,
            source=ChangeRecord.Source.SYSTEM,
            object_type=ChangeRecord.ObjectType.MEASURE,  # a marker row: the vocabulary's nearest
            measure_code="",
            batch=MARKER,
            changes=shape.as_dict(),
            reason="Generated by benchmarks.large_council",
        )
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would have gathered on a council's database.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        **shape.as_dict(),
        "values": value_count,
        "targets": len(targets),
        "build_seconds": round(time.perf_counter() - started, 1),
    }


def built_shape() -> dict[str, Any] | None:
    """The shape the current database was built with, from its marker row, or None."""
    from targets.models import ChangeRecord

    marker = ChangeRecord.objects.filter(batch=MARKER).values_list("changes", flat=True).first()
    return marker if isinstance(marker, dict) else None


def ensure(
    *,
    multiplier: int,
    fresh: bool = False,
    services: int = 40,
    measures: int = 800,
    years: int = 10,
) -> dict[str, Any]:
    """Make the current SQLite database a large council of this shape, reusing it if it is one.

    Call after django.setup() with DATABASE_URL set to `database_url(multiplier)`.
    """
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from targets import periods
    from targets.models import Value

    if os.environ.get("DATABASE_URL") != database_url(multiplier):
        # It starts afresh by deleting the database: never anyone's real one.
        raise RuntimeError(
            f"Not the benchmark's own database: {os.environ.get('DATABASE_URL')!r} "
            f"(expected {database_url(multiplier)!r})."
        )
    latest = periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)
    wanted = Shape(
        services, measures, years, multiplier, latest.code, schema_fingerprint()
    ).as_dict()
    databases.ensure_exists(f"large_{multiplier}x")
    try:
        call_command("migrate", verbosity=0)
        reusable = not fresh and built_shape() == wanted
    except Exception:  # a database of other code whose migrations no longer apply: rebuild it
        reusable = False
    if reusable:
        return {**wanted, "values": Value.objects.count(), "reused": True}
    connection.close()
    databases.reset(f"large_{multiplier}x")
    call_command("migrate", verbosity=0)
    return {**build(services, measures, years, multiplier), "reused": False}


# The pieces of the council, in the order build() writes them.


@dataclass(frozen=True)
class People:
    cmt: User
    performance: User
    officers: list[User]
    heads: list[User]


def _people(shape: Shape) -> People:
    from targets.models import CorporateRole, User

    def user(username: str, role: str = "", title: str = "") -> User:
        person = User(username=username, corporate_role=role, job_title=title)
        person.set_unusable_password()  # the benchmark signs in with force_login
        return person

    users = [
        user("cmt", CorporateRole.CMT, "Chief executive"),
        user("performance", CorporateRole.PERFORMANCE, "Performance manager"),
    ]
    for n in range(shape.services):
        users += [user(f"svc{n:02d}-officer"), user(f"svc{n:02d}-head", title="Head of service")]
    created = User.objects.bulk_create(users)
    return People(
        cmt=created[0],
        performance=created[1],
        officers=created[2::2],
        heads=created[3::2],
    )


def _services(shape: Shape, people: People) -> list[Service]:
    from targets.models import Priority, Service, ServiceRole

    Priority.objects.bulk_create(
        Priority(number=n, name=name) for n, name in enumerate(PRIORITIES, start=1)
    )
    services = Service.objects.bulk_create(
        Service(
            code=f"svc{n:02d}",
            name=_service_name(n),
            head=people.heads[n],
            is_support=n % len(SERVICES) >= SUPPORT_FROM,
        )
        for n in range(shape.services)
    )
    ServiceRole.objects.bulk_create(
        ServiceRole(user=user, service=service, role=role)
        for service, officer, head in zip(services, people.officers, people.heads, strict=True)
        for user, role in (
            (officer, ServiceRole.Role.UPDATER),
            (head, ServiceRole.Role.APPROVER),
            (officer, ServiceRole.Role.DQ_CHAMPION),
        )
    )
    return services


def _service_name(n: int) -> str:
    name = SERVICES[n % len(SERVICES)]
    return name if n < len(SERVICES) else f"{name} {n // len(SERVICES) + 1}"


def _measures(
    shape: Shape, services: list[Service], people: People, latest: Period
) -> list[tuple[Measure, Archetype]]:
    """Measures spread evenly over the services: a fifth corporate, about 1 in 9 quarterly."""
    from targets import periods
    from targets.models import Measure, Priority

    priorities = list(Priority.objects.order_by("number"))
    first_year = periods.last_n(latest, shape.history_years * 12)[0].year
    rows: list[tuple[Measure, Archetype]] = []
    for i in range(shape.measures):
        archetype = ARCHETYPES[i % len(ARCHETYPES)]
        s = i % len(services)
        corporate = i % 5 == 0
        if corporate:
            kind = Measure.Kind.CORPORATE
        elif archetype.polarity == "none":
            kind = Measure.Kind.CONTEXTUAL
        else:
            kind = Measure.Kind.NATIONAL if i % 5 == 3 else Measure.Kind.SERVICE
        measure = Measure(
            code=f"LC-{i:04d}",
            title=f"{archetype.title} ({_service_name(s).lower()}, {i})",
            kind=kind,
            priority=priorities[(i // 5) % len(priorities)] if corporate else None,
            service=services[s],
            unit=archetype.unit,
            decimals=archetype.decimals,
            polarity=archetype.polarity,
            frequency="quarterly" if i % 9 == 4 else "monthly",
            aggregation=archetype.aggregation,
            tolerance_pct=None if archetype.polarity == "none" else Decimal("5.00"),
            updater=people.officers[s],
            approver=people.heads[s],
            data_source="Benchmark generator",
            is_public=i % 11 == 0,
            is_scrutiny=corporate,
            active_from=first_year,
        )
        rows.append((measure, archetype))
    created = Measure.objects.bulk_create(m for m, _ in rows)
    return list(zip(created, (a for _, a in rows), strict=True))


def _level(measure: Measure, archetype: Archetype) -> float:
    """Each measure's own typical level, so that measures of one archetype differ."""
    return archetype.level * (0.8 + (measure.pk * 37 % 41) / 100)


def _targets(measure: Measure, archetype: Archetype, last_year: int) -> Iterator[Target]:
    """One target per financial year, around the measure's level (data-only measures: none)."""
    from targets import periods
    from targets.models import Target

    if archetype.polarity == "none":
        return
    level = _level(measure, archetype)
    per_year = periods.PERIODS_PER_YEAR[periods.Frequency(measure.frequency)]
    for year in range(measure.active_from, last_year + 1):
        # A gentle stretch each year, so that not every year's RAG is the same.
        stretch = 1 + ((year * 7 + measure.pk) % 9 - 3) / 100
        if archetype.polarity == "down":
            stretch = 2 - stretch
        figure = level * stretch * (per_year if archetype.aggregation == "sum" else 1)
        if archetype.polarity == "range":
            yield Target(
                measure=measure,
                year=year,
                lower=_decimal(figure * 0.95, archetype.decimals),
                upper=_decimal(figure * 1.05, archetype.decimals),
            )
        else:
            yield Target(measure=measure, year=year, value=_decimal(figure, archetype.decimals))


def _profiles(target: Target) -> Iterator[TargetProfile]:
    """Seasonal profiles for monthly sum measures, one in four of them."""
    from targets import periods
    from targets.models import TargetProfile

    measure = target.measure
    if measure.aggregation != "sum" or measure.frequency != "monthly" or measure.pk % 4:
        return
    weights = [1.2, 1.1, 1.0, 1.0, 0.9, 0.8, 0.8, 0.9, 1.0, 1.0, 1.1, 1.2]
    share = float(target.value) / sum(weights)
    for period, weight in zip(
        periods.periods_in_year(target.year, periods.Frequency.MONTHLY), weights, strict=True
    ):
        yield TargetProfile(target=target, period=period.code, value=_decimal(share * weight, 0))


def _values(
    measure: Measure, archetype: Archetype, shape: Shape, latest: Period, people: People
) -> Iterator[Value]:
    """The measure's history, oldest first: all published but its latest period, which is at
    some stage of the workflow (or missing, so late) as on a real reporting day."""
    from targets import periods
    from targets.models import DataQuality, Value, ValueStatus

    frequency = periods.Frequency(measure.frequency)
    last = periods.latest_ending_by(latest, frequency)
    history = periods.last_n(last, shape.history_years * periods.PERIODS_PER_YEAR[frequency])
    rng = random.Random(f"goldthread-bench:{measure.code}")
    officer, head = measure.updater, measure.approver
    level = _level(measure, archetype)
    drift = 0.0
    stage = measure.pk % 10
    for n, period in enumerate(history):
        newest = n == len(history) - 1
        if newest and stage == 9:
            continue  # not entered yet: late once its due date passes
        drift = max(-0.15, min(0.15, drift + rng.uniform(-0.02, 0.02)))
        figure = level * (1 + drift + rng.uniform(-0.06, 0.06))
        numerator = denominator = None
        if archetype.aggregation == "ratio":
            denominator = rng.randint(200, 400)
            numerator = min(denominator, round(denominator * figure / 100))
            figure = numerator / denominator * 100
        status = ValueStatus.PUBLISHED
        if newest:
            status = (
                ValueStatus.DRAFT
                if stage == 8
                else ValueStatus.SUBMITTED
                if stage in (6, 7)
                else ValueStatus.APPROVED
                if stage == 5
                else ValueStatus.PUBLISHED
            )
        moments = _moments(period.end, measure.due_days)
        recent = n >= len(history) - 24
        yield Value(
            measure=measure,
            period=period.code,
            actual=_decimal(figure, archetype.decimals),
            numerator=None if numerator is None else Decimal(str(numerator)),
            denominator=None if denominator is None else Decimal(str(denominator)),
            commentary="In line with the usual seasonal pattern." if recent else "",
            dq_flag=DataQuality.PROVISIONAL if newest and stage < 3 else DataQuality.FINAL,
            forecast=(
                _decimal(level * 12, archetype.decimals)
                if newest and archetype.aggregation == "sum" and frequency == "monthly"
                else None
            ),
            status=status,
            entered_by=officer,
            submitted_by=None if status == ValueStatus.DRAFT else officer,
            submitted_at=None if status == ValueStatus.DRAFT else moments[0],
            approved_by=head if status in _APPROVED else None,
            approved_at=moments[1] if status in _APPROVED else None,
            published_by=people.performance if status == ValueStatus.PUBLISHED else None,
            published_at=moments[2] if status == ValueStatus.PUBLISHED else None,
        )


_APPROVED = ("approved", "published")
_MOMENTS: dict[tuple[date, int], tuple[datetime, datetime, datetime]] = {}


def _moments(end: date, due_days: int) -> tuple[datetime, datetime, datetime]:
    """When a period's value was submitted, approved and published (made once per period)."""
    key = (end, due_days)
    if key not in _MOMENTS:
        due = datetime.combine(end + timedelta(days=due_days), clock(9), tzinfo=UTC)
        _MOMENTS[key] = (due - timedelta(days=3), due - timedelta(days=1), due + timedelta(days=5))
    return _MOMENTS[key]


def _copy(model: Any, objects: Iterator[Any]) -> int:
    """Write the objects with PostgreSQL's COPY (several times faster than bulk_create for
    hundreds of thousands of rows); each field prepared as bulk_create would. Returns the count."""
    from django.db import connection, models

    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objects:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
            count += 1
    return count


def _decimal(figure: float, decimals: int) -> Decimal:
    return Decimal(f"{figure:.{decimals}f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--multiplier", type=int, default=1, help="history depth: 1 = 10 years")
    parser.add_argument("--fresh", action="store_true", help="rebuild even if the file is fine")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = database_url(args.multiplier)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()
    print(json.dumps(ensure(multiplier=args.multiplier, fresh=args.fresh)))


if __name__ == "__main__":
    main()
