"""One truth on every screen (issue 14): for a council that is not the demo, every month of a
year and every filter, the counts each screen prints are made from exactly the rows it shows,
and the dashboard, the scorecard API, the report snapshot, the PDF and the public page and open
data agree with each other for the same viewer and month.

The world (`truth_world.py`) is built once for the module, through the real imports and the
workflow services, in a transaction rolled back at the end. The API's answers are fetched once
(`answers`) and read by several tests; an oracle (`Oracle`) works out from the stored values,
without the scorecard's code, what each row must be.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import product
from pathlib import Path
from typing import Any

import pytest
import time_machine
from bs4 import BeautifulSoup, Tag
from django.db import transaction
from django.test import Client, override_settings

from reporting.packs import pdf, snapshot
from targets import periods
from targets.models import INTERNAL_STATUSES, Measure, Target, Value, ValueStatus
from targets.periods import Period, parse_period
from targets.rules import TargetSpec
from tests.conftest import client_for
from tests.reporting.truth_world import LATEST, MONTHS, TODAY, TruthWorld, build

pytestmark = pytest.mark.django_db

VIEWERS = ("carol", "sam", "pat")  # the management team, scrutiny, the performance team
INTERNAL = {"carol": True, "pat": True, "sam": False}
RAGS = ("", "green", "amber", "red", "grey", "late")
KINDS = ("", "corporate", "service", "national", "contextual")
SERVICES = ("", "waste", "housing")
PUBLISHED_TO = parse_period("2026-08")  # most of September is not yet published
SIX = Decimal("0.000001")


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("truth-media")


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, media: Path) -> Iterator[TruthWorld]:
    with (
        django_db_blocker.unblock(),
        time_machine.travel(TODAY, tick=False),
        override_settings(MEDIA_ROOT=media),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _today(world: TruthWorld, media: Path) -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False), override_settings(MEDIA_ROOT=media):
        yield


def _get(client: Client, params: dict[str, Any]) -> dict[str, Any]:
    response = client.get("/api/v1/scorecard/", {k: v for k, v in params.items() if v != ""})
    assert response.status_code == 200, (params, response.content)
    body: dict[str, Any] = response.json()
    return body


def _axes(world: TruthWorld, viewer: str) -> list[dict[str, Any]]:
    """One filter at a time, each value of it (the product is tried at two months); the
    performance team sees as the management team does, so it is asked the status filter only."""
    found: list[dict[str, Any]] = [{"rag": rag} for rag in RAGS]
    if viewer == "pat":
        return found
    found += [{"kind": kind} for kind in KINDS if kind]
    found += [{"service": service} for service in SERVICES if service]
    found += [{"priority": p.pk} for p in world.priorities.values()]
    return found


@pytest.fixture(scope="module")
def answers(world: TruthWorld, django_db_blocker: Any) -> dict[tuple[str, str, str], Any]:
    """The API's answer for each viewer, month and filter of `_axes`, fetched once."""
    found = {}
    with django_db_blocker.unblock(), time_machine.travel(TODAY, tick=False):
        for viewer in VIEWERS:
            client = client_for(world.users[viewer])
            for month, params in product(MONTHS, _axes(world, viewer)):
                key = json.dumps(params, sort_keys=True)
                found[(viewer, month.code, key)] = _get(client, {"period": month.code, **params})
    return found


def _answer(answers: dict[tuple[str, str, str], Any], viewer: str, month: Period, **params: Any):  # type: ignore[no-untyped-def]
    return answers[(viewer, month.code, json.dumps(params or {"rag": ""}, sort_keys=True))]


def _counts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary that exactly these rows make: a late row is grey (it has no value)."""
    tally = Counter("late" if r["late"] else r["rag"] for r in rows)
    green, amber, red = tally["green"], tally["amber"], tally["red"]
    rated = green + amber + red
    percent = (
        None
        if not rated
        else int((Decimal(100 * green) / rated).quantize(Decimal(1), "ROUND_HALF_UP"))
    )
    text = f"{green} of {rated}" + (f" ({percent}%)" if percent is not None else "") + " on target"
    return {
        "rated": rated,
        "green": green,
        "amber": amber,
        "red": red,
        "grey": tally["grey"] + tally["late"],
        "late": tally["late"],
        "percent_on_target": percent,
        "text": text,
    }


def _matches(row: dict[str, Any], rag: str) -> bool:
    return not rag or (row["late"] if rag == "late" else row["rag"] == rag)


# --- every count from exactly the rows shown -------------------------------------------------


def test_every_count_is_made_from_the_rows_returned(
    world: TruthWorld, answers: dict[tuple[str, str, str], Any]
) -> None:
    tried = 0
    for (viewer, month, key), body in answers.items():
        params = json.loads(key)
        assert body["period"] == month
        assert body["summary"] == _counts(body["rows"]), (viewer, month, params)
        assert all(_matches(row, params.get("rag", "")) for row in body["rows"])
        # A late row has no value to rate: it is always grey.
        assert all(row["rag"] == "grey" for row in body["rows"] if row["late"])
        tried += 1
    assert tried == len(MONTHS) * sum(len(_axes(world, viewer)) for viewer in VIEWERS)


def test_a_status_filter_splits_the_rows_and_their_counts(
    world: TruthWorld, answers: dict[tuple[str, str, str], Any]
) -> None:
    for viewer, month in product(VIEWERS, MONTHS):
        everything = _answer(answers, viewer, month)
        codes = {r["code"] for r in everything["rows"]}
        by_rag = {rag: _answer(answers, viewer, month, rag=rag) for rag in RAGS if rag}
        coloured = [{r["code"] for r in by_rag[rag]["rows"]} for rag in ("green", "amber", "red")]
        grey = {r["code"] for r in by_rag["grey"]["rows"]}
        # Green, Amber, Red and Grey share the rows out; Late rows are among the Grey ones.
        assert set().union(*coloured, grey) == codes
        assert sum(len(c) for c in coloured) + len(grey) == len(codes)
        assert {r["code"] for r in by_rag["late"]["rows"]} <= grey
        for rag in ("green", "amber", "red", "late"):
            assert (
                by_rag[rag]["summary"][rag]
                == everything["summary"][rag]
                == len(by_rag[rag]["rows"])
            )


def test_every_filter_combination_at_two_months(world: TruthWorld) -> None:
    """The whole product of the filters, for staff at the month with the most states in play
    and for scrutiny at the month it opens at."""
    priorities = ("", *(p.pk for p in world.priorities.values()))
    measures = {m.code: m for m in Measure.objects.select_related("service")}
    tried = 0
    for viewer, month in (("carol", LATEST), ("sam", PUBLISHED_TO)):
        client = client_for(world.users[viewer])
        everything = _get(client, {"period": month.code})["rows"]
        for kind, service, priority, rag in product(KINDS, SERVICES, priorities, RAGS):
            params = {"kind": kind, "service": service, "priority": priority, "rag": rag}
            body = _get(client, {"period": month.code, **params})
            assert body["summary"] == _counts(body["rows"]), (viewer, params)
            # The same rows as the unfiltered answer, chosen by the filters.
            chosen = [
                r for r in everything if _chosen(measures[r["code"]], params) and _matches(r, rag)
            ]
            assert body["rows"] == chosen, (viewer, params)
            tried += 1
    assert tried == 2 * len(KINDS) * len(SERVICES) * len(priorities) * len(RAGS)


def _chosen(measure: Measure, params: dict[str, Any]) -> bool:
    return (
        (not params["kind"] or measure.kind == params["kind"])
        and (not params["service"] or measure.service.code == params["service"])
        and (not params["priority"] or measure.priority_id == params["priority"])
    )


# --- the rule, checked against an oracle -----------------------------------------------------


@dataclass
class Oracle:
    """What each row must be, worked out from the stored values and targets directly."""

    values: dict[tuple[str, str], Value]
    targets: dict[tuple[str, int], Target]
    measures: dict[str, Measure]

    @classmethod
    def load(cls) -> Oracle:
        values = {(v.measure.code, v.period): v for v in Value.objects.select_related("measure")}
        targets = {
            (t.measure.code, t.year): t
            for t in Target.objects.select_related("measure").prefetch_related("profile")
        }
        return cls(values, targets, {m.code: m for m in Measure.objects.all()})

    def visible(self, code: str, period: Period, viewer: str) -> Value | None:
        value = self.values.get((code, period.code))
        allowed = INTERNAL_STATUSES if INTERNAL[viewer] else [ValueStatus.PUBLISHED]
        return value if value is not None and value.status in allowed else None

    def period_target(self, code: str, period: Period) -> TargetSpec | None:
        """The period's profiled target, else the annual one (a share of it for a sum)."""
        target = self.targets.get((code, period.year))
        if target is None:
            return None
        for profiled in target.profile.all():
            if profiled.period == period.code:
                return TargetSpec(profiled.value, profiled.lower, profiled.upper)
        share = 1
        if self.measures[code].aggregation == Measure.Aggregation.SUM:
            share = periods.PERIODS_PER_YEAR[period.frequency]

        def part(figure: Decimal | None) -> Decimal | None:
            return None if figure is None else figure / share

        return TargetSpec(part(target.value), part(target.lower), part(target.upper))

    def year_to_date(
        self, code: str, period: Period, viewer: str
    ) -> tuple[list[Period], Decimal | None, Decimal | None]:
        """The periods counted, the actual and the target, over the same periods."""
        measure = self.measures[code]
        ratio = measure.aggregation == Measure.Aggregation.RATIO
        counted = []
        for p in periods.periods_to_date(period):
            value = self.visible(code, p, viewer)
            if value is None:
                continue
            if (
                (value.numerator is not None and value.denominator is not None)
                if ratio
                else (value.actual is not None)
            ):
                counted.append((p, value))
        if not counted:
            return [], None, None
        shown = [p for p, _ in counted]
        targets = [spec.value if (spec := self.period_target(code, p)) else None for p in shown]
        known = [t for t in targets if t is not None]
        aggregation = measure.aggregation
        if aggregation == Measure.Aggregation.SUM:
            actual = sum((v.actual for _, v in counted), Decimal(0))
            target = sum(known, Decimal(0)) if len(known) == len(targets) else None
        elif aggregation == Measure.Aggregation.SNAPSHOT:
            actual, target = counted[-1][1].actual, targets[-1]
        elif aggregation == Measure.Aggregation.MEAN:
            actual = sum((v.actual for _, v in counted), Decimal(0)) / len(counted)
            target = sum(known, Decimal(0)) / len(known) if len(known) == len(targets) else None
        else:
            numerator = sum((v.numerator for _, v in counted), Decimal(0))
            denominator = sum((v.denominator for _, v in counted), Decimal(0))
            actual = numerator * 100 / denominator
            target = sum(known, Decimal(0)) / len(known) if len(known) == len(targets) else None
        return shown, actual, target


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _six(figure: Decimal | None) -> Decimal | None:
    return None if figure is None else figure.quantize(SIX)


def test_each_row_is_its_measures_latest_period_ending_by_the_month(
    world: TruthWorld, answers: dict[tuple[str, str, str], Any]
) -> None:
    oracle = Oracle.load()
    today = TODAY.date()
    for viewer, month in product(VIEWERS, MONTHS):
        rows = {r["code"]: r for r in _answer(answers, viewer, month)["rows"]}
        active = {c for c, m in oracle.measures.items() if m.is_active_in(month.year)}
        assert set(rows) == active, (viewer, month)
        for code, row in rows.items():
            measure = oracle.measures[code]
            period = periods.latest_ending_by(month, measure.frequency)
            assert row["period"] == period.code
            value = oracle.visible(code, period, viewer)
            assert _decimal(row["actual"]) == _six(value.actual if value else None)
            assert row["not_yet_approved"] == (
                value is not None and value.status == ValueStatus.SUBMITTED
            )
            stored = oracle.values.get((code, period.code))
            submitted = stored is not None and stored.status in INTERNAL_STATUSES
            assert row["late"] == (period.due_date(measure.due_days) < today and not submitted)


def test_year_to_date_takes_actual_and_target_over_the_same_periods(
    world: TruthWorld, answers: dict[tuple[str, str, str], Any]
) -> None:
    oracle = Oracle.load()
    for viewer, month in product(VIEWERS, MONTHS):
        for row in _answer(answers, viewer, month)["rows"]:
            period = parse_period(row["period"])
            shown, actual, target = oracle.year_to_date(row["code"], period, viewer)
            assert row["ytd_periods"] == [p.code for p in shown], (viewer, month, row["code"])
            assert row["ytd_span"] == periods.span_label(shown)
            assert _decimal(row["ytd_actual"]) == _six(actual), (viewer, month, row["code"])
            assert _decimal(row["ytd_target"]) == _six(target), (viewer, month, row["code"])


def test_scrutiny_sees_the_year_to_date_to_the_months_published(
    world: TruthWorld, answers: dict[tuple[str, str, str], Any]
) -> None:
    # SM1 (mean): August submitted, September returned, October approved.
    scrutiny = {r["code"]: r for r in _answer(answers, "sam", LATEST)["rows"]}["SM1"]
    staff = {r["code"]: r for r in _answer(answers, "carol", LATEST)["rows"]}["SM1"]
    assert (scrutiny["actual"], scrutiny["ytd_span"]) == (None, "Apr–Jul")
    assert staff["ytd_span"] == "Apr–Aug, Oct"
    target = Decimal(95)  # a mean measure's period target is the annual target
    assert Decimal(scrutiny["ytd_target"]) == target
    # CM1 (sum, 1,200 a year, May profiled at 80, June never entered): management sees October.
    scrutiny = {r["code"]: r for r in _answer(answers, "sam", LATEST)["rows"]}["CM1"]
    staff = {r["code"]: r for r in _answer(answers, "carol", LATEST)["rows"]}["CM1"]
    assert scrutiny["ytd_span"] == "Apr–May, Jul–Sep"
    assert Decimal(scrutiny["ytd_target"]) == 100 + 80 + 3 * 100
    assert staff["ytd_span"] == "Apr–May, Jul–Oct"
    assert Decimal(staff["ytd_target"]) == 100 + 80 + 4 * 100


# --- the screens agree -----------------------------------------------------------------------


def _soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _page_rows(page: BeautifulSoup) -> dict[str, list[str]]:
    rows = {}
    for tr in page.select("table.scorecard tbody tr"):
        rows[tr.th.a.get_text(strip=True)] = [
            c.get_text(" ", strip=True)
            for c in tr.find_all(["th", "td"])
            if "service-cell" not in c.get("class", [])  # the scorecard link (issue 16)
        ]
    return rows


def _page_counts(page: BeautifulSoup) -> dict[str, Any]:
    counts = {}
    for li in page.select(".summary__counts li"):
        name, _, number = li.get_text(" ", strip=True).rpartition(": ")
        counts[name.split()[-1].lower()] = int(number)
    counts["text"] = page.select_one(".summary__headline").get_text(strip=True)
    return counts


def _expected_cells(row: dict[str, Any]) -> tuple[str, str]:
    """What the dashboard prints for an API row: the actual and the status."""
    measure = Measure.objects.get(code=row["code"])
    actual = measure.format(_decimal(row["actual"]))
    if row["not_yet_approved"]:
        actual += " not yet approved"
    return actual, row["rag"]


def test_the_dashboard_prints_the_apis_rows_and_counts(
    world: TruthWorld, answers: dict[tuple[str, str, str], Any]
) -> None:
    """Every viewer and month; the management team filtered to Red as well."""
    oracle = Oracle.load()
    pages = [(viewer, month, "") for viewer, month in product(("carol", "sam"), MONTHS)]
    pages += [("carol", month, "red") for month in MONTHS]
    pages += [("pat", LATEST, "")]
    for viewer, month, rag in pages:
        client = client_for(world.users[viewer])
        page = _soup(client.get("/", {"period": month.code, "kind": "", "rag": rag}))
        body = _answer(answers, viewer, month, rag=rag)
        rows = _page_rows(page)
        assert set(rows) == {r["code"] for r in body["rows"]}, (viewer, month, rag)
        counts = _page_counts(page)
        assert counts == {
            k: body["summary"][k] for k in ("green", "amber", "red", "grey", "late", "text")
        }
        # Green, Amber, Red and Grey (late ones included) add up to the rows shown.
        colours = ("green", "amber", "red", "grey")
        assert sum(counts[k] for k in colours) == len(rows) == len(body["rows"])
        for row in body["rows"]:
            cells = rows[row["code"]]
            actual, rag_value = _expected_cells(row)
            assert cells[2] == actual, (viewer, month, row["code"])
            assert cells[1].startswith(parse_period(row["period"]).label)
            status = page.select_one(
                f'table.scorecard tbody tr:has(a[href="/measures/{row["code"]}/"]) .rag'
            )
            assert f"rag--{rag_value}" in status["class"]
        _check_turned_red(page, body["rows"], viewer, oracle)


def _check_turned_red(
    page: BeautifulSoup, rows: list[dict[str, Any]], viewer: str, oracle: Oracle
) -> None:
    """What turned Red: the rows Red at their own period and not Red at the one before, each
    naming its period and keeping its "not yet approved" mark."""
    listed = {
        li.h3.a.get_text(strip=True): li.get_text(" ", strip=True)
        for li in page.select(".turned-red li")
    }
    expected = set()
    for row in rows:
        period = parse_period(row["period"])
        before = oracle.visible(row["code"], period.previous(), viewer)
        target = oracle.period_target(row["code"], period.previous())
        measure = oracle.measures[row["code"]]
        was_red = before is not None and measure.rate(before.actual, target).rag == "red"
        if row["rag"] == "red" and not was_red:
            expected.add(row["code"])
    assert set(listed) == expected
    by_code = {r["code"]: r for r in rows}
    for code, text in listed.items():
        assert parse_period(by_code[code]["period"]).label in text
        assert ("not yet approved" in text) == by_code[code]["not_yet_approved"]


def test_an_annual_value_entered_late_names_its_year_and_when_it_came(world: TruthWorld) -> None:
    page = _soup(client_for(world.users["carol"]).get("/", {"period": LATEST.code, "kind": ""}))
    [late_annual] = [li for li in page.select(".turned-red li") if "CA1" in li.h3.get_text()]
    text = late_annual.get_text(" ", strip=True)
    assert "(2025/26, reported Nov 2026)" in text and "not yet approved" in text
    row = {tr.th.a.get_text(strip=True): tr for tr in page.select("table.scorecard tbody tr")}
    assert (
        row["CA1"].select("td:not(.service-cell)")[0].get_text(" ", strip=True)
        == "2025/26, reported Nov 2026"
    )
    scrutiny = _soup(client_for(world.users["sam"]).get("/", {"period": LATEST.code}))
    assert not [li for li in scrutiny.select(".turned-red li") if "CA1" in li.get_text()]


def test_the_trend_counts_each_month_as_its_headline(
    world: TruthWorld, answers: dict[tuple[str, str, str], Any]
) -> None:
    for viewer in VIEWERS:
        client = client_for(world.users[viewer])
        for rag in ("", "red"):
            page = _soup(client.get("/", {"period": LATEST.code, "kind": "", "rag": rag}))
            table = page.select_one("[aria-labelledby=trend-title] table")
            header = [th.get_text(strip=True) for th in table.select("thead th")]
            assert header[-1] == "Measures (n)"
            trend = {
                tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
                for tr in table.select("tbody tr")
            }
            assert len(trend) == 24
            for month in MONTHS:
                summary = _answer(answers, viewer, month)["summary"]  # no status filter
                text, green, amber, red, grey, late, n = trend[month.label]
                assert text == summary["text"], (viewer, month, rag)
                assert [int(x) for x in (green, amber, red, grey, late)] == [
                    summary[k] for k in ("green", "amber", "red", "grey", "late")
                ]
                # n moves only when measures start or stop.
                active = Measure.objects.active_in(month.year).count()
                assert int(n) == active == len(_answer(answers, viewer, month)["rows"])
            hint = page.select_one("[aria-labelledby=trend-title] .hint").get_text()
            assert ("status filter does not apply" in hint) == bool(rag)


def _pack(world: TruthWorld, audience: str, month: Period) -> dict[str, Any]:
    return snapshot.build(
        schedule=world.schedules[audience],
        period=month,
        today=TODAY.date(),
        generated_at=TODAY,
    )


def test_the_report_snapshot_is_the_apis_answer(
    world: TruthWorld, answers: dict[tuple[str, str, str], Any]
) -> None:
    for (audience, viewer), month in product((("internal", "carol"), ("published", "sam")), MONTHS):
        data = _pack(world, audience, month)
        api = _answer(answers, viewer, month, kind="corporate")
        assert data["rows"] == api["rows"], (audience, month)
        assert data["summary"] == api["summary"] == _counts(data["rows"])
        # The trend's last point is the headline; the priorities add up to it.
        assert {k: data["trend"][-1][k] for k in api["summary"]} == api["summary"]
        pack = snapshot.restore(data)
        by_priority = [s for _, s in pack.priority_summaries]
        for name in ("green", "amber", "red", "grey", "late"):
            assert sum(getattr(s, name) for s in by_priority) == data["summary"][name]
        # No pack says "Grey: 0" beside a grey row.
        grey_rows = sum(1 for r in data["rows"] if r["rag"] == "grey")
        assert data["summary"]["grey"] == grey_rows


def test_the_pdf_prints_the_snapshot_with_every_section_in_its_contents(
    world: TruthWorld, tmp_path: Path
) -> None:
    data = _pack(world, "published", PUBLISHED_TO)
    pack = snapshot.restore(data)
    page = BeautifulSoup(pdf.html(pack), "html.parser")
    contents = [a["href"] for a in page.select("nav.contents a")]
    sections = [
        f"#{h['id']}" for h in page.select("section > h2[id]") if h["id"] != "contents-title"
    ]
    assert contents == sections
    assert "#benchmarks" in contents
    counts = {
        li.span.get_text(" ", strip=True).split()[-1].lower(): int(li.contents[-1].strip())
        for li in page.select("ul.counts li")
    }
    assert counts == {k: data["summary"][k] for k in ("green", "amber", "red", "grey", "late")}
    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler-utils (pdftotext)")
    target = tmp_path / "pack.pdf"
    pdf.write_pdf(pack, target)
    text = subprocess.run(
        ["pdftotext", "-l", "2", str(target), "-"], check=True, capture_output=True, text=True
    ).stdout
    words = re.sub(r"\s+", " ", text)
    assert "Benchmark positions" in words
    assert data["summary"]["text"] in words
    assert f"Grey {data['summary']['grey']}" in words


def _cards(page: BeautifulSoup) -> dict[str, Tag]:
    return {
        c.select_one(".public-card__code").get_text(strip=True): c
        for c in page.select(".public-card")
    }


def test_the_public_page_and_open_data_agree_with_scrutiny(
    world: TruthWorld, answers: dict[tuple[str, str, str], Any]
) -> None:
    public = set(Measure.objects.filter(is_public=True).values_list("code", flat=True))
    home = _soup(Client().get("/public/"))
    assert home.select_one("#figures-to").get_text(strip=True) == f"Figures to {PUBLISHED_TO.label}"
    opened = Client().get("/public/data.json").json()
    assert opened["figures_to"] == {"month": PUBLISHED_TO.code, "label": PUBLISHED_TO.label}
    open_rows = {(r["measure_code"], r["period"]): r for r in opened["rows"]}
    assert all(parse_period(p).end <= PUBLISHED_TO.end for _, p in open_rows)
    for month in (m for m in MONTHS if m <= PUBLISHED_TO):
        page = (
            home
            if month == PUBLISHED_TO
            else _soup(Client().get("/public/", {"period": month.code}))
        )
        api = [r for r in _answer(answers, "sam", month)["rows"] if r["code"] in public]
        cards = _cards(page)
        assert set(cards) == {r["code"] for r in api}, month
        summary = _counts(api)
        assert page.select_one(".summary__headline").get_text(strip=True) == summary["text"]
        for row in api:
            card, measure = cards[row["code"]], Measure.objects.get(code=row["code"])
            latest = card.select_one(".public-figures__latest dd")
            if row["actual"] is None:
                assert latest is None
                assert (row["code"], row["period"]) not in open_rows
                continue
            assert latest.get_text(strip=True) == measure.format(Decimal(row["actual"]))
            published = open_rows[(row["code"], row["period"])]
            assert published["status"] == row["rag"]
            assert published["ytd_status"] == row["ytd_rag"]
            assert published["ytd_periods"] == " ".join(row["ytd_periods"])
            for column, field_name in (("value", "actual"), ("ytd_value", "ytd_actual")):
                figure = Decimal(row[field_name]).quantize(
                    Decimal(1).scaleb(-measure.decimals), "ROUND_HALF_UP"
                )
                assert Decimal(str(published[column])) == figure, (row["code"], column)


def test_the_public_page_refuses_a_month_not_yet_published(world: TruthWorld) -> None:
    response = Client().get("/public/", {"period": LATEST.code})
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("#period-error").get_text(strip=True) == (
        f"Figures for {LATEST.label} have not been published yet."
    )
