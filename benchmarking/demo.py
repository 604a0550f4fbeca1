"""The demo council's benchmarking, from the real published data in data/real (see its README):

- the UK register of authorities and every English authority's nearest-neighbour group;
- Trafford's CIPFA group as one named group with three versions (2019 model from the start,
  2021 model from 2021/22, LG Inform's July 2024 model from 2024/25);
- ENV18, DEFRA's household recycling rate (ex NI192) for every council, linked to our NI192;
- Trafford's CIPFA group's recycling rates and quarterly major planning decisions (LG Inform);
- two cost-per-head metrics for 2017/18, computed from DLUHC's revenue outturn: net current
  expenditure on a service line (£000) × 1,000 ÷ the register's 2020 population;
- LG Inform metric ids on ENV18 (46: LG Inform Plus's "Percentage of household waste sent for
  reuse, recycling and composting (annual)", id.esd.org.uk/metricType/46, ex NI 192) and on
  LGI-17482 (17482: major planning applications decided in time, the metric type Trafford Data
  Lab's extract was fetched with), and one fetch of ENV18 answered offline from DEFRA's
  published figures (`benchmarking.lginform.demo`), recorded as a demo fetch;
- a few benchmarking exercises and good practice entries for the demo's services.

Safe to run again: the imports are upserts and the rest is get_or_create.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple, TextIO

from django.conf import settings
from django.utils import timezone

from benchmarking.imports import (
    BenchmarkImportReport,
    MetricSpec,
    import_authorities,
    import_benchmarks,
    import_groups,
)
from benchmarking.lginform.client import LGInformClient
from benchmarking.lginform.demo import ENV18_METRIC_TYPE, PublishedFiguresTransport
from benchmarking.lginform.fetch import lginform_fetch
from benchmarking.models import Authority, Exercise, Fetch, GoodPractice, Metric
from benchmarking.services import exercise_action_add
from targets import periods
from targets.models import Action, Measure, Objective, Service, User

# (code, RO line, title)
COST_PER_HEAD = (
    (
        "RO590-HEAD",
        "590: Environmental and regulatory services",
        "Net spending on environmental and regulatory services per head",
    ),
    (
        "RO509-HEAD",
        "509: Cultural and related services",
        "Net spending on cultural and related services per head",
    ),
)
TRAFFORD_CIPFA = (("cipfa2019.csv", None), ("cipfa2021.csv", 2021), ("cipfalga0724.csv", 2024))


def _data() -> Path:
    return Path(settings.BASE_DIR) / "data" / "real"


def _say(stdout: TextIO, what: str, report: BenchmarkImportReport) -> None:
    if not report.ok:
        raise RuntimeError(f"{what}: {report.summary} {'; '.join(report.lines())}")
    stdout.write(f"  {what}: {report.summary}\n")


def load(*, stdout: TextIO) -> None:
    data = _data()
    with (data / "uk_local_authorities.csv").open("rb") as f:
        _say(stdout, "Authorities", import_authorities(f))
    with (data / "nearest_neighbours.csv").open("rb") as f:
        _say(stdout, "Nearest neighbours", import_groups(f, source="nearest_neighbours.csv"))
    for name, year in TRAFFORD_CIPFA:
        with (data / "trafford" / name).open("rb") as f:
            report = import_groups(
                f, name="Trafford CIPFA", valid_from=year, from_start=year is None, source=name
            )
        _say(stdout, f"Trafford CIPFA ({name})", report)
    ni192 = Measure.objects.filter(code="NI192").first()
    _import(
        stdout,
        data / "recycling_rates_env18.csv",
        MetricSpec(
            "ENV18",
            title="Household waste sent for reuse, recycling or composting",
            polarity="up",
            decimals=1,
            unit="percent",
            source="government",
            measure="NI192" if ni192 else None,
        ),
    )
    Metric.objects.filter(code="ENV18").update(
        add_own_values=ni192 is not None,
        description="DEFRA ENV18 local authority collected waste statistics (ex NI192), as "
        "compiled by Trafford Data Lab. Scottish figures are by calendar year and are left out.",
        source_detail="DEFRA ENV18 via traffordDataLab/climate_emergency (OGL v3)",
    )
    _import(
        stdout,
        data / "trafford" / "household_waste_recycling.csv",
        MetricSpec(
            "LGI-HWRC",
            title="Household waste sent for reuse, recycling or composting (LG Inform, "
            "Trafford's CIPFA group)",
            polarity="up",
            decimals=1,
            unit="percent",
            source="lg_inform",
            where={"measure": "Percentage"},
        ),
    )
    _import(
        stdout,
        data / "trafford" / "planning_applications_major.csv",
        MetricSpec(
            "LGI-17482",
            title="Major planning applications decided within 13 weeks or agreed time",
            polarity="up",
            decimals=0,
            unit="percent",
            source="lg_inform",
        ),
    )
    _cost_per_head(stdout, data / "revenue_outturn_2017-18.csv")
    _lginform(stdout, data / "recycling_rates_env18.csv")
    _exercises(stdout)


def _import(stdout: TextIO, path: Path, spec: MetricSpec) -> None:
    with path.open("rb") as f:
        _say(stdout, f"{spec.code} ({path.name})", import_benchmarks(f, spec))


def _cost_per_head(stdout: TextIO, path: Path) -> None:
    population = dict(Authority.objects.filter(population__gt=0).values_list("code", "population"))
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for code, column, title in COST_PER_HEAD:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["area_code", "period", "value"])
        for row in rows:
            people = population.get(row["ONS Code"])
            try:
                spend = Decimal(row[column])
            except (InvalidOperation, KeyError):
                continue
            if people:
                per_head = (spend * 1000 / people).quantize(Decimal("0.01"), ROUND_HALF_UP)
                writer.writerow([row["ONS Code"], "2017/18", per_head])
        spec = MetricSpec(
            code, title=title, polarity="down", decimals=2, unit="currency", source="government"
        )
        report = import_benchmarks(io.BytesIO(out.getvalue().encode()), spec)
        _say(stdout, code, report)
        Metric.objects.filter(code=code).update(
            description=f"Revenue outturn 2017/18, line {column.split(':')[0]} (net current "
            "expenditure, £000) × 1,000 ÷ population (mid-2020, from the register). Lower is "
            "treated as better: read it beside the service's performance.",
            source_detail="DLUHC Revenue Outturn 2017/18 via BBC-Data-Unit/council-cuts-charts "
            "(OGL v3); population from mySociety's register (CC-BY-4.0)",
        )


def _lginform(stdout: TextIO, path: Path) -> None:
    """LG Inform ids on the two metrics LG Inform Plus publishes, and ENV18's demo fetch (once)."""
    Metric.objects.filter(code="ENV18").update(lginform_id=ENV18_METRIC_TYPE)
    Metric.objects.filter(code="LGI-17482").update(lginform_id=17482)
    if Fetch.objects.filter(metric__code="ENV18").exists():
        return
    client = LGInformClient(
        key="demo", transport=PublishedFiguresTransport(path), sleep=lambda seconds: None
    )
    outcome = lginform_fetch(codes=["ENV18"], trigger=Fetch.Trigger.DEMO, client=client)
    stdout.write(f"  LG Inform Plus, demo fetch from recorded answers: {outcome.lines()[0]}\n")


# fmt: off
class Ex(NamedTuple):
    service: str
    years_back: int
    title: str
    sector: str
    partner: str
    status: str
    metrics: tuple[str, ...] = ()
    findings: str = ""
    follow_up: str = ""  # given when the comparators' results vary widely


EXERCISES = (
    Ex("waste", 1, "Recycling rates against our nearest neighbours", "within",
       "CIPFA nearest neighbours (published DEFRA figures)", "complete", ("ENV18",),
       "We are in the second quartile of our nearest neighbours. The top quartile collects food "
       "waste weekly from every household, flats included.",
       "Visit the two best performers and compare their collection rounds."),
    Ex("waste", 0, "Refuse and recycling collection costs", "within",
       "APSE performance networks", "in_progress", ("ENV18", "RO590-HEAD"),
       "Early figures put our cost per household near the median."),
    Ex("revenues", 0, "Council tax collection", "within", "IRRV benchmarking club", "planned"),
    Ex("customer-services", 0, "Contact centre call handling", "outside",
       "A regional water company's customer contact centre", "in_progress", (),
       "Call-back instead of queueing cut abandoned calls."),
    Ex("leisure", 1, "Leisure centre costs per visit", "within", "CIPFA leisure club",
       "complete", ("RO509-HEAD",), "Our subsidy per visit is below the median."),
    Ex("housing", 0, "Repairs and empty homes against other stock-holding districts", "within",
       "HouseMark", "in_progress", (),
       "Empty homes take longer to re-let than the median; emergency repairs are in the top "
       "quartile."),
    Ex("planning", 0, "Major applications decided in time", "within",
       "Planning Advisory Service benchmark", "complete", ("LGI-17482",),
       "Most of the group decide nearly every major application in time; a few fall far "
       "behind in some quarters.",
       "Ask the councils that recovered quickly how they use extensions of time."),
)
# fmt: on


def _uploaded(year: int, status: str) -> date | None:
    if status != Exercise.Status.COMPLETE:
        return None
    return min(date(year, 10, 15), timezone.localdate())


def _exercises(stdout: TextIO) -> None:
    this_year = periods.financial_year_of(timezone.localdate())
    services = {s.code: s for s in Service.objects.all()}
    metrics = {m.code: m for m in Metric.objects.all()}
    heads = {u.username: u for u in User.objects.filter(username__endswith="-head")}
    added = 0
    for ex in EXERCISES:
        service = services.get(ex.service)
        if service is None:
            continue
        exercise, created = Exercise.objects.get_or_create(
            service=service,
            year=this_year - ex.years_back,
            title=ex.title,
            defaults={
                "sector": ex.sector,
                "partner": ex.partner,
                "status": ex.status,
                "scope": f"{ex.title}: the figures, how each partner works, and what it costs.",
                "findings": ex.findings,
                "results_vary": bool(ex.follow_up),
                "has_potential": (ex.service, ex.title) in POTENTIAL,
                "follow_up": ex.follow_up,
                "lead": heads.get(f"{ex.service}-head"),
                # A complete exercise's data went to LG Inform once the year's figures were in.
                "lginform_uploaded_on": _uploaded(this_year - ex.years_back, ex.status),
            },
        )
        if created:
            exercise.metrics.set([metrics[c] for c in ex.metrics if c in metrics])
            added += 1
    for service_code, topic, title, found_at, description in GOOD_PRACTICE:
        service = services.get(service_code)
        if service is None:
            continue
        found = Exercise.objects.filter(service=service).order_by("year").first()
        _, created = GoodPractice.objects.get_or_create(
            service=service,
            title=title,
            defaults={
                "topic": topic,
                "found_at": found_at,
                "description": description,
                "exercise": found,
                "year": found.year if found else this_year,
            },
        )
        added += created
    added += _findings_into_plans(this_year, heads)
    stdout.write(f"  Exercises and good practice: {added} added.\n")


# Outside-sector exercises with potential, and the actions their findings raise in the plans:
# (service, exercise title, action, months until due).
POTENTIAL = {("customer-services", "Contact centre call handling")}
FINDING_ACTIONS = (
    (
        "customer-services",
        "Contact centre call handling",
        "Offer a call-back to callers queueing more than five minutes",
        4,
    ),
    (
        "housing",
        "Repairs and empty homes against other stock-holding districts",
        "Start void repairs while the outgoing tenant serves notice, as the quickest re-letters do",
        5,
    ),
)


def _findings_into_plans(this_year: int, heads: dict[str, User]) -> int:
    """Raise the findings' actions in the services' plans through the exercises' own service
    (once)."""
    added = 0
    for code, title, action_title, months in FINDING_ACTIONS:
        exercise = Exercise.objects.filter(service__code=code, title=title, year=this_year).first()
        head = heads.get(f"{code}-head")
        if exercise is None or head is None or exercise.actions.exists():
            continue
        objective = (
            Objective.objects.filter(plan__service__code=code, plan__year=this_year)
            .order_by("order", "pk")
            .first()
        )
        today = timezone.localdate()
        due = (today.replace(day=1) + timedelta(days=31 * months)).replace(day=28)
        exercise_action_add(
            exercise=exercise,
            action=Action(title=action_title, objective=objective, owner=head, due=due),
            user=head,
        )
        added += 1
    return added


GOOD_PRACTICE = (
    (
        "waste",
        "Food waste",
        "Weekly food waste collections from flats",
        "A top-quartile nearest neighbour",
        "Communal food waste bins in every block of flats, with caddies and liners for residents "
        "and a launch visit to each block.",
    ),
    (
        "waste",
        "Contamination",
        "Bin tagging before refusing a contaminated bin",
        "A district in our nearest-neighbour group",
        "Crews tag a contaminated recycling bin with what was wrong and collect it the next week "
        "once corrected, instead of leaving it without a word.",
    ),
    (
        "customer-services",
        "Contact centre",
        "Offer a call-back at busy times",
        "A regional water company",
        "Callers in a queue of more than five minutes are offered a call-back in their place.",
    ),
    (
        "leisure",
        "Pricing",
        "Off-peak memberships for residents on low incomes",
        "A CIPFA leisure club member",
        "An off-peak membership at half price for residents receiving Council Tax Reduction.",
    ),
)
