"""'What changed': a pack's narrative against the previous pack, the run page, the team's edit
(draft packs only), the PDF's second page, and the dashboard's section."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import reverse

from reporting import narrative, services
from reporting.models import PackStatus, ReportRun, ReportSchedule
from targets.models import Measure, Priority, Service, User, ValueStatus
from targets.periods import parse_period
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _today(time_machine: Any, settings: Any, tmp_path: Path) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


# Code: (polarity, target, June's actual, September's actual). Tolerance 10% of the target.
FIGURES = {
    "CP01": ("up", 50, "52", "40"),  # Green → Red: turned Red
    "CP02": ("up", 50, "40", "51"),  # Red → Green: recovered
    "CP03": ("up", 50, "46", "47"),  # Amber → Amber
    "CP04": ("down", 40, "50", "60"),  # Red → Red
    "CP05": ("up", 50, "55", "60"),  # Green → Green
}


@pytest.fixture
def council(waste: Service, priority: Priority) -> dict[str, Measure]:
    measures = {}
    for code, (polarity, target, june, september) in FIGURES.items():
        measure = MeasureFactory(
            code=code,
            title=f"Measure {code}",
            service=waste,
            priority=priority,
            kind=Measure.Kind.CORPORATE,
            is_scrutiny=True,
            polarity=polarity,
            tolerance_pct=Decimal(10),
        )
        TargetFactory(measure=measure, year=2026, value=Decimal(target))
        ValueFactory(measure=measure, period="2026-06", actual=Decimal(june))
        ValueFactory(measure=measure, period="2026-09", actual=Decimal(september))
        measures[code] = measure
    return measures


def make(period: str, code: str = "scrutiny-quarterly") -> ReportRun:
    schedule = ReportSchedule.objects.get(code=code)
    requested = services.request_run(schedule=schedule, period=parse_period(period), dispatch=False)
    return services.run_report(run_id=requested.run.pk)


def _sentences(run: ReportRun) -> list[narrative.Sentence]:
    run.refresh_from_db()
    assert run.snapshot is not None
    return list(run.snapshot["narrative"]["draft"])


def _named(sentence: narrative.Sentence) -> list[str]:
    return [part["code"] for part in sentence if "code" in part]


def test_a_quarter_that_differs_names_exactly_the_measures_that_changed_status(
    council: dict[str, Measure],
) -> None:
    make("2026/27-Q1")
    run = make("2026/27-Q2")
    assert run.snapshot is not None
    assert run.snapshot["narrative"]["compared_with"] == {"label": "Q1 2026/27", "source": "pack"}
    sentences = _sentences(run)
    text = [narrative.plain(s) for s in sentences]
    # By hand: June greens CP01, CP05; September greens CP02, CP05; all five rated both times.
    assert text[0] == "2 of 5 on target in Q2 2026/27, the same number as the 2 of 5 in Q1 2026/27."
    assert text[1] == "1 measure turned Red: Measure CP01 (CP01)."
    assert _named(sentences[1]) == ["CP01"]
    assert text[2] == "1 measure recovered from Red: Measure CP02 (CP02) (now Green)."
    assert _named(sentences[2]) == ["CP02"]
    # % of target, June → September: CP01 104 → 80 (−24), CP02 80 → 102 (+22), CP03 92 → 94,
    # CP04 (lower is better, 40 ÷ actual) 80 → 66.7 (−13.3), CP05 110 → 120.
    assert _named(sentences[3]) == ["CP01", "CP02", "CP04"]
    assert "down 13.3 points to 66.7% of target" in text[3]
    # Nothing else: no forecasts, quartiles, late returns or reviews in this council.
    assert len(sentences) == 4


def test_without_an_earlier_pack_it_compares_with_the_previous_quarters_figures(
    council: dict[str, Measure],
) -> None:
    run = make("2026/27-Q2")
    assert run.snapshot is not None
    assert run.snapshot["narrative"]["compared_with"] == {
        "label": "Q1 2026/27",
        "source": "figures",
    }
    assert _named(_sentences(run)[1]) == ["CP01"]


def _soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def _draft_run(council: dict[str, Measure]) -> ReportRun:
    # A value of the pack's not yet published: the pack is a draft (management pack).
    ValueFactory(
        measure=council["CP05"],
        period="2026-08",
        actual=Decimal("50"),
        status=ValueStatus.SUBMITTED,
    )
    council["CP03"].values.filter(period="2026-09").update(status=ValueStatus.SUBMITTED)
    run = make("2026/27-Q2", code="ceb-quarterly")
    assert run.pack_status == PackStatus.DRAFT
    return run


def test_the_run_page_shows_the_narrative_with_links_to_its_measures(
    council: dict[str, Measure], carol: User
) -> None:
    run = make("2026/27-Q2")
    soup = _soup(client_for(carol).get(reverse("report_run", args=[run.pk])))
    section = soup.select_one("section.what-changed")
    assert section.h2.get_text(strip=True) == "What changed since Q1 2026/27"
    items = [li.get_text(" ", strip=True) for li in section.select("li")]
    assert items[1] == "1 measure turned Red: Measure CP01 (CP01) ."
    links = [a["href"] for a in section.select("li")[1].select("a")]
    assert links == [reverse("measure_detail", args=["CP01"])]
    # Carol is not in the performance team: no form.
    assert soup.select_one("#narrative-edit-title") is None


def test_the_team_edits_a_draft_packs_narrative_and_it_is_marked_edited(
    council: dict[str, Measure], pat: User
) -> None:
    run = _draft_run(council)
    client = client_for(pat)
    soup = _soup(client.get(reverse("report_run", args=[run.pk])))
    textarea = soup.select_one("textarea#id_text")
    assert "[CP01]" in textarea.get_text()
    response = client.post(
        reverse("report_run_narrative", args=[run.pk]),
        {"text": "Recycling fell: see [CP01].\n\nBins recovered after the strike."},
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.snapshot is not None
    edited = run.snapshot["narrative"]["edited"]
    assert edited["by"] == str(pat) and edited["at"].startswith("2026-11-26T12:00")
    assert edited["sentences"][0] == [
        {"text": "Recycling fell: see "},
        {"code": "CP01", "title": "Measure CP01"},
        {"text": "."},
    ]
    # The draft is kept beside the edit.
    assert run.snapshot["narrative"]["draft"][1][1]["code"] == "CP01"
    soup = _soup(client.get(reverse("report_run", args=[run.pk])))
    section = soup.select_one("section.what-changed")
    assert [li.get_text(" ", strip=True) for li in section.select("li")] == [
        "Recycling fell: see Measure CP01 (CP01) .",
        "Bins recovered after the strike.",
    ]
    mark = section.select_one(".what-changed__edited").get_text(" ", strip=True)
    assert mark.startswith(f"Edited by {pat} on 26 November 2026")


def test_an_unknown_code_is_refused_with_a_message_and_nothing_changes(
    council: dict[str, Measure], pat: User
) -> None:
    run = _draft_run(council)
    before = run.snapshot
    response = client_for(pat).post(
        reverse("report_run_narrative", args=[run.pk]), {"text": "See [NOPE1]."}
    )
    assert response.status_code == 400
    soup = _soup(response)
    assert "[NOPE1] is not a measure of this pack" in soup.select_one("#error-summary").get_text()
    run.refresh_from_db()
    assert run.snapshot == before


@pytest.mark.parametrize("who", ["carol", "sam", "alice"])
def test_only_the_performance_team_may_edit(
    council: dict[str, Measure], who: str, request: pytest.FixtureRequest
) -> None:
    run = _draft_run(council)
    user = request.getfixturevalue(who)
    response = client_for(user).post(
        reverse("report_run_narrative", args=[run.pk]), {"text": "Anything."}
    )
    assert response.status_code in (403, 404)
    run.refresh_from_db()
    assert run.snapshot is not None and run.snapshot["narrative"]["edited"] is None


def test_a_final_pack_is_read_only(council: dict[str, Measure], pat: User) -> None:
    run = make("2026/27-Q2")
    assert run.pack_status == PackStatus.FINAL
    client = client_for(pat)
    soup = _soup(client.get(reverse("report_run", args=[run.pk])))
    assert soup.select_one("textarea#id_text") is None
    assert "its summary of what changed is read only" in soup.get_text()
    response = client.post(reverse("report_run_narrative", args=[run.pk]), {"text": "New."})
    assert response.status_code == 400
    assert "This pack is final" in _soup(response).select_one("#error-summary").get_text()
    run.refresh_from_db()
    assert run.snapshot is not None and run.snapshot["narrative"]["edited"] is None
    with pytest.raises(narrative.NarrativeError):
        services.run_narrative_edit(run_id=run.pk, user=pat, text="New.")


def _page_text(run: ReportRun, page: int) -> str:
    """One page's text (0 is the cover), read back by poppler's pdftotext."""
    number = str(page + 1)
    path = default_storage.path(run.pdf.name)
    found = subprocess.run(
        ["pdftotext", "-f", number, "-l", number, path, "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return found.stdout


def test_the_pdfs_second_page_carries_the_narrative_and_then_the_edit(
    council: dict[str, Measure], pat: User
) -> None:
    run = _draft_run(council)
    second = " ".join(_page_text(run, 1).split())
    assert "What changed since Q1 2026/27" in second
    assert "1 measure turned Red: Measure CP01 (CP01)." in second
    assert "What changed" not in _page_text(run, 0).replace("and what changed", "")
    services.run_narrative_edit(run_id=run.pk, user=pat, text="Recycling fell: see [CP01].")
    run.refresh_from_db()
    second = " ".join(_page_text(run, 1).split())
    assert "Recycling fell: see Measure CP01 (CP01)." in second
    assert f"Edited by {pat} on 26 November 2026" in second


def test_the_dashboard_says_what_changed_since_the_month_before(
    council: dict[str, Measure], carol: User
) -> None:
    # October against September: CP03 turns Green (50), CP05 turns Red (30).
    ValueFactory(measure=council["CP03"], period="2026-10", actual=Decimal("50"))
    ValueFactory(measure=council["CP05"], period="2026-10", actual=Decimal("30"))
    soup = _soup(client_for(carol).get(reverse("home"), {"period": "2026-10"}))
    section = soup.select_one("section.what-changed")
    assert section.h2.get_text(strip=True) == "What changed since Sep 2026"
    items = [li.get_text(" ", strip=True) for li in section.select("li")]
    # September: CP02, CP05 green of five; October: CP03 green of two rated (the rest have no
    # October value and are Grey, and late).
    assert items[0] == "1 of 2 on target in Oct 2026, down from 2 of 5 in Sep 2026."
    assert items[1] == "1 measure turned Red: Measure CP05 (CP05) ."
    assert [a["href"] for a in section.select("li")[1].select("a")] == [
        reverse("measure_detail", args=["CP05"])
    ]
    # A status filter shows other rows: no narrative is drafted for them.
    soup = _soup(client_for(carol).get(reverse("home"), {"period": "2026-10", "rag": "red"}))
    assert soup.select_one("section.what-changed") is None


def test_the_runs_api_carries_the_narrative_for_those_who_may_see_the_run(
    council: dict[str, Measure], pat: User, alice: User
) -> None:
    run = _draft_run(council)
    services.run_narrative_edit(run_id=run.pk, user=pat, text="Recycling fell: see [CP01].")
    body = client_for(pat).get(f"/api/v1/reports/runs/{run.pk}/").json()
    assert body["schedule"] == "ceb-quarterly" and body["pack_status"] == "draft"
    found = body["narrative"]
    assert found["edited"] is True and found["edited_by"] == str(pat)
    assert found["compared_with"] == {"label": "Q1 2026/27", "source": "figures"}
    assert found["sentences"] == [
        {
            "text": "Recycling fell: see Measure CP01 (CP01).",
            "parts": [
                {"text": "Recycling fell: see "},
                {"code": "CP01", "title": "Measure CP01"},
                {"text": "."},
            ],
        }
    ]
    listed = client_for(pat).get("/api/v1/reports/runs/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [run.pk] and "narrative" not in rows[0]
    # An officer may not download the executive board's pack: it does not exist for her.
    assert client_for(alice).get(f"/api/v1/reports/runs/{run.pk}/").status_code == 404
