"""Figures from customer feedback, for the feedback pages, the derived corporate measures and the
Oxford Improvement Model (which calls `satisfaction_by_service` and
`complaints_in_time_by_service`: keep their signatures).

The rule for "% of complaints answered by their due date" in a month (or a year): of the
complaints whose due date falls in it, the share answered on or before the due date. A complaint
not answered whose due date has passed counts as late; one not answered and not yet due is
pending and left out of both counts. Compliments have no due date and never count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from feedback import rules
from feedback.models import Complaint, Round
from targets import periods
from targets.models import Service
from targets.periods import Period

MONTHLY = periods.Frequency.MONTHLY
COMPLAINT = Q(kind=Complaint.Kind.COMPLAINT)


def year_span(year: int) -> tuple[date, date]:
    """The first and last day of financial year `year` (April `year` to March `year + 1`)."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def satisfaction_by_service(year: int) -> dict[int, Decimal]:
    """Per service id, the mean normalised % satisfied of its rounds ending in financial year
    `year`, to one place; services without such a round are absent (never 0)."""
    first, last = year_span(year)
    rows = (
        Round.objects.ending_between(first, last)
        .filter(satisfaction__isnull=False)
        .values("arrangement__service")
        .annotate(mean=Avg("satisfaction"))
    )
    return {
        row["arrangement__service"]: Decimal(row["mean"]).quantize(rules.ONE_PLACE, ROUND_HALF_UP)
        for row in rows
    }


def _timeliness_counts_on(today: date) -> tuple[Count, Count, Count]:
    """The rule of `rules.timeliness` as SQL counts: on time, late, pending."""
    return (
        Count("pk", filter=Q(responded__lte=F("due"))),
        Count("pk", filter=Q(responded__gt=F("due")) | Q(responded__isnull=True, due__lt=today)),
        Count("pk", filter=Q(responded__isnull=True, due__gte=today)),
    )


def complaints_in_time_by_service(year: int) -> dict[int, Decimal]:
    """Per service id, % of complaints answered by their due date over financial year `year`
    (the monthly measure's rule); absent when the service has none due and settled."""
    first, last = year_span(year)
    on_time, late, pending = _timeliness_counts_on(timezone.localdate())
    rows = (
        Complaint.objects.filter(COMPLAINT, due__gte=first, due__lte=last)
        .values("service")
        .annotate(on_time=on_time, late=late, pending=pending)
    )
    found = {}
    for row in rows:
        share = rules.percent(row["on_time"], row["on_time"] + row["late"])
        if share is not None:
            found[row["service"]] = share
    return found


@dataclass
class MonthFigures:
    """One month's complaints and compliments, for a service or the council."""

    complaints: int = 0
    compliments: int = 0
    stage_2: int = 0
    ombudsman: int = 0
    on_time: int = 0
    late: int = 0
    pending: int = 0

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.pending

    @property
    def settled(self) -> int:
        """Complaints due in the month that count: answered, or overdue."""
        return self.on_time + self.late

    @property
    def on_time_pct(self) -> Decimal | None:
        return rules.percent(self.on_time, self.settled)

    def add(self, other: MonthFigures) -> None:
        for name in ("complaints", "compliments", "stage_2", "ombudsman"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("on_time", "late", "pending"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


Key = tuple[int | None, str]  # (service id, or None for the council; month code)


def monthly_figures(
    first: Period, last: Period, *, today: date | None = None, service: int | None = None
) -> dict[Key, MonthFigures]:
    """Every month's figures from `first` to `last` per service, and for the council (service
    None), in two queries. Only months and services with something to count are present."""
    today = today or timezone.localdate()
    complaints = Complaint.objects.all()
    if service is not None:
        complaints = complaints.filter(service=service)
    found: dict[Key, MonthFigures] = defaultdict(MonthFigures)
    received = (
        complaints.filter(received__gte=first.start, received__lte=last.end)
        .annotate(month=TruncMonth("received"))
        .values("service", "month")
        .annotate(
            complaints=Count("pk", filter=COMPLAINT),
            compliments=Count("pk", filter=Q(kind=Complaint.Kind.COMPLIMENT)),
            stage_2=Count("pk", filter=COMPLAINT & Q(stage=Complaint.Stage.STAGE_2)),
            ombudsman=Count("pk", filter=COMPLAINT & Q(stage=Complaint.Stage.OMBUDSMAN)),
        )
    )
    for row in received:
        figures = MonthFigures(
            complaints=row["complaints"],
            compliments=row["compliments"],
            stage_2=row["stage_2"],
            ombudsman=row["ombudsman"],
        )
        _add(found, row["service"], row["month"], figures)
    on_time, late, pending = _timeliness_counts_on(today)
    due = (
        complaints.filter(COMPLAINT, due__gte=first.start, due__lte=last.end)
        .annotate(month=TruncMonth("due"))
        .values("service", "month")
        .annotate(on_time=on_time, late=late, pending=pending)
    )
    for settled in due:
        figures = MonthFigures(
            on_time=settled["on_time"], late=settled["late"], pending=settled["pending"]
        )
        _add(found, settled["service"], settled["month"], figures)
    return dict(found)


def _add(found: dict[Key, MonthFigures], service: int, month: date, figures: MonthFigures) -> None:
    code = periods.period_containing(month, MONTHLY).code
    found[(service, code)].add(figures)
    found[(None, code)].add(figures)


@dataclass(frozen=True)
class MonthRow:
    month: Period
    figures: MonthFigures


def council_months(
    last: Period, count: int, *, service: int | None = None, today: date | None = None
) -> list[MonthRow]:
    """The last `count` months to `last`, oldest first, with every month present."""
    months = periods.last_n(last, count)
    found = monthly_figures(months[0], months[-1], today=today, service=service)
    return [MonthRow(m, found.get((None, m.code), MonthFigures())) for m in months]


@dataclass(frozen=True)
class SatisfactionRow:
    service_id: int
    service_name: str
    service_code: str
    by_year: dict[int, Decimal | None]


def satisfaction_table(years: Iterable[int]) -> list[SatisfactionRow]:
    """Per service with any round in the years, the mean satisfaction of each year (one query
    per year: a handful)."""
    years = list(years)
    means = {year: satisfaction_by_service(year) for year in years}
    ids = {sid for found in means.values() for sid in found}
    services = Service.objects.filter(pk__in=ids).order_by("name").values("pk", "name", "code")
    return [
        SatisfactionRow(
            s["pk"], s["name"], s["code"], {year: means[year].get(s["pk"]) for year in years}
        )
        for s in services
    ]
