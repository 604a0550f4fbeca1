"""The board slides, read back with python-pptx: their slides and titles, the scorecard tables
against the snapshot and the PDF, the charts' alternative text, the Red slides, the "what
changed" hook, long priorities split, and the download beside the PDF."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide

from reporting import services
from reporting.models import ReportRun, ReportSchedule
from reporting.packs import charts, deck
from reporting.packs.snapshot import restore
from targets.models import Measure, User
from targets.periods import parse_period
from tests.conftest import client_for
from tests.reporting.test_runs import make
from tests.reporting.worlds import council_and_packs

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pack-deck-media")


@pytest.fixture(autouse=True)
def _media(settings: Any, media: Path) -> None:
    settings.MEDIA_ROOT = media


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any, media: Path
) -> Iterator[tuple[dict[str, Measure], dict[str, ReportRun]]]:
    with council_and_packs(
        django_db_blocker, media, scrutiny=("scrutiny-quarterly", "2026/27-Q2")
    ) as world:
        yield world


@pytest.fixture
def council(world: Any, request: pytest.FixtureRequest) -> dict[str, Measure]:
    """The module's council; a test that does not ask for its scrutiny pack has no packs."""
    if "scrutiny" not in request.fixturenames:
        ReportRun.objects.all().delete()  # undone with the test's transaction
    return world[0]


@pytest.fixture
def scrutiny(world: Any, council: Any) -> ReportRun:
    return ReportRun.objects.select_related("schedule").get(pk=world[1]["scrutiny"].pk)


def open_deck(run: ReportRun) -> Deck:
    with default_storage.open(run.pptx_name(), "rb") as stored:
        return Presentation(io.BytesIO(stored.read()))


def title_of(slide: Slide) -> str:
    assert slide.shapes.title is not None, "every slide has a real title"
    return slide.shapes.title.text_frame.text


def texts(slide: Slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def table_rows(slide: Slide) -> list[list[str]]:
    tables = [s.table for s in slide.shapes if s.has_table]
    assert len(tables) == 1
    return [[cell.text for cell in row.cells] for row in tables[0].rows]


def slide_titled(built: Deck, start: str) -> Slide:
    found = [s for s in built.slides if title_of(s).startswith(start)]
    assert len(found) == 1, [title_of(s) for s in built.slides]
    return found[0]


def pictures(slide: Slide) -> list[Any]:
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def alt_text(picture: Any) -> str:
    return str(picture._element.nvPicPr.cNvPr.get("descr", ""))


def test_the_run_makes_its_deck_beside_the_pdf(scrutiny: ReportRun) -> None:
    assert scrutiny.pptx_name() == scrutiny.pdf.name.removesuffix(".pdf") + ".pptx"
    assert default_storage.exists(scrutiny.pptx_name())


def test_slides_are_title_what_changed_summary_each_priority_and_each_red_measure(
    scrutiny: ReportRun,
) -> None:
    slides = open_deck(scrutiny).slides
    narrative = restore(scrutiny.snapshot).narrative
    assert narrative is not None
    assert [title_of(s) for s in slides] == [
        "Quarterly performance report to the scrutiny panel",
        narrative.title,
        "Summary, Sep 2026: 1 of 2 (50%) on target",
        "4. A cleaner greener city",
        "Off target (Red): CP14 Missed bin collections per 100,000",
    ]
    cover = " ".join(texts(slides[0]))
    assert "Oxford City Council" in cover
    assert "Q2 2026/27 (1 July 2026 to 30 September 2026)" in cover
    assert "Reported to: Performance and improvement scrutiny panel" in cover
    assert "Final: every measure due has its value" in cover


def test_what_changed_carries_the_snapshots_sentences_as_the_pdf_does(
    scrutiny: ReportRun,
) -> None:
    narrative = restore(scrutiny.snapshot).narrative
    assert narrative is not None and narrative.plain
    slide = slide_titled(open_deck(scrutiny), narrative.title)
    bullets = [line.removeprefix("• ") for line in texts(slide)[-1].splitlines()]
    assert bullets == narrative.plain
    assert "Drafted from the figures alone." in texts(slide)


def test_the_teams_edited_what_changed_remakes_the_slides(council: Any, pat: User) -> None:
    cmt = make("cmt-bimonthly", "2026/27-B3")  # a draft: its summary may be edited
    services.run_narrative_edit(
        run_id=cmt.pk, user=pat, text="[CP14] is off target: agency crews start next week."
    )
    cmt.refresh_from_db()
    narrative = restore(cmt.snapshot).narrative
    assert narrative is not None and narrative.is_edited
    slide = slide_titled(open_deck(cmt), narrative.title)
    assert [line.removeprefix("• ") for line in texts(slide)[-1].splitlines()] == narrative.plain
    assert "agency crews start next week" in texts(slide)[-1]
    assert f"Edited by {narrative.edited_by} on 26 November 2026." in texts(slide)


def test_the_priority_table_has_the_snapshots_figures_as_the_pdf_prints_them(
    scrutiny: ReportRun,
) -> None:
    rows = table_rows(slide_titled(open_deck(scrutiny), "4. "))
    assert rows[0] == ["Measure", "Period", "Actual", "Target", "Status", "Since last period"]
    assert rows[1:] == [
        [
            "CP10 Household waste recycled",
            "Sep 2026",
            "52.0% (estimated)",
            "50.0%",
            "Green: ✓ On target",
            "▲ Improving",
        ],
        [
            "CP14 Missed bin collections per 100,000",
            "Sep 2026",
            "55.0",
            "40.0",
            "Red: ✗ Off target",
            "▼ Worsening",
        ],
    ]
    # The same figures, formatted the same way, as the snapshot the PDF is printed from.
    snapshot_rows = {r["code"]: r for r in scrutiny.snapshot["rows"]}
    for code in ("CP10", "CP14"):
        measure = Measure.objects.get(code=code)
        row = next(r for r in rows if r[0].startswith(code))
        assert row[2].startswith(measure.format(Decimal(snapshot_rows[code]["actual"])))
        assert row[3] == measure.format(Decimal(snapshot_rows[code]["target"]))


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")
def test_the_pdf_prints_every_figure_of_the_decks_tables(scrutiny: ReportRun) -> None:
    done = subprocess.run(
        ["pdftotext", default_storage.path(scrutiny.pdf.name), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    pdf_text = re.sub(r"\s+", " ", done.stdout)
    for row in table_rows(slide_titled(open_deck(scrutiny), "4. "))[1:]:
        actual = row[2].split(" (")[0]
        assert actual in pdf_text and row[3] in pdf_text, row


def test_every_picture_has_alternative_text(scrutiny: ReportRun) -> None:
    slides = open_deck(scrutiny).slides
    found = [(title_of(s), alt_text(p)) for s in slides for p in pictures(s)]
    assert [title[:8] for title, _ in found] == ["Summary,", "4. A cle", "Off targ"]
    assert all(alt for _, alt in found)
    assert found[1][1] == (
        "Measures of 4. A cleaner greener city by status: 1 Green (on target), 0 Amber "
        "(within tolerance), 1 Red (off target), 0 Grey (not rated, 0 of them late). "
        "1 of 2 (50%) on target."
    )
    pack = restore(scrutiny.snapshot)
    red = pack.red[0]
    assert found[2][1] == charts.measure_alt(red.measure, red.history, red.target)


def test_a_red_slide_has_the_figures_commentary_and_corrective_action(
    scrutiny: ReportRun,
) -> None:
    words = "\n".join(texts(slide_titled(open_deck(scrutiny), "Off target (Red)")))
    assert f"Service: {Measure.objects.get(code='CP14').service.name}" in words
    assert "Actual: 55.0" in words
    assert "Target: 40.0" in words
    assert "Status: Red: ✗ Off target" in words
    assert "Commentary\nTwo crews off sick for most of the month." in words
    assert "Corrective action\nAgency crews booked from next week." in words


def test_what_changed_slides_follow_the_title_when_sentences_are_given(
    scrutiny: ReportRun,
) -> None:
    pack = restore(scrutiny.snapshot)
    sentences = [f"Sentence {n} about the figures." for n in range(1, 11)]
    built = deck.build(pack, what_changed=sentences)
    titles = [title_of(s) for s in built.slides]
    assert titles[1:3] == ["What changed (1 of 2)", "What changed (2 of 2)"]
    assert texts(built.slides[1])[-1].splitlines()[0] == "• Sentence 1 about the figures."
    assert len(texts(built.slides[2])[-1].splitlines()) == 2
    without = restore({**scrutiny.snapshot, "narrative": None})  # a pack made before them
    assert not [s for s in deck.build(without).slides if "What changed" in title_of(s)]


def test_the_same_snapshot_and_version_make_the_same_slides(
    scrutiny: ReportRun, tmp_path: Path
) -> None:
    """What lets the suite make each distinct deck once (tests/conftest.py): the slides depend on
    the snapshot and the version alone. Only the zip's timestamps may differ."""
    import zipfile

    write = getattr(services._write_deck, "__wrapped__", services._write_deck)  # made every time
    pack = restore(scrutiny.snapshot or {})
    first, second = tmp_path / "first.pptx", tmp_path / "second.pptx"
    assert write(pack, first, version=scrutiny.version) == len(open_deck(scrutiny).slides)
    assert write(pack, second, version=scrutiny.version) == len(open_deck(scrutiny).slides)

    def parts(path: Path | io.BytesIO) -> dict[str, bytes]:
        with zipfile.ZipFile(path) as deck_file:
            return {name: deck_file.read(name) for name in deck_file.namelist()}

    assert parts(first) == parts(second)
    with default_storage.open(scrutiny.pptx_name(), "rb") as stored:
        assert parts(first) == parts(io.BytesIO(stored.read()))


def test_the_deck_downloads_beside_the_pdf_as_powerpoint(scrutiny: ReportRun, sam: User) -> None:
    response = client_for(sam).get(reverse("report_run_pptx", args=[scrutiny.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == deck.CONTENT_TYPE
    assert f'filename="{scrutiny.file_stem()}.pptx"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert len(Presentation(io.BytesIO(body)).slides) == 5


def test_a_run_made_before_decks_gets_one_made_and_kept_on_first_download(
    scrutiny: ReportRun, pat: User
) -> None:
    default_storage.delete(scrutiny.pptx_name())
    client = client_for(pat)
    response = client.get(reverse("report_run_pptx", args=[scrutiny.pk]))
    assert response.status_code == 200
    assert default_storage.exists(scrutiny.pptx_name())
    assert slide_titled(open_deck(scrutiny), "4. A cleaner greener city")


def test_the_slides_are_for_exactly_whoever_may_download_the_pdf(
    council: Any, sam: User, carol: User
) -> None:
    cmt = make("cmt-bimonthly", "2026/27-B3")
    url = reverse("report_run_pptx", args=[cmt.pk])
    assert client_for(carol).get(url).status_code == 200
    assert client_for(sam).get(url).status_code == 404
    assert client_for(sam).get(reverse("report_run_pdf", args=[cmt.pk])).status_code == 404
    signed_out = Client().get(url)
    assert signed_out.status_code == 302 and signed_out["Location"].startswith(reverse("login"))


def test_the_run_page_and_the_archive_link_to_the_slides(scrutiny: ReportRun, sam: User) -> None:
    client = client_for(sam)
    url = reverse("report_run_pptx", args=[scrutiny.pk])
    page = BeautifulSoup(client.get(scrutiny.get_absolute_url()).content, "html.parser")
    link = page.select_one(f'a[href="{url}"]')
    assert link is not None and link.get_text(strip=True) == "Board slides (PowerPoint)"
    archive = BeautifulSoup(client.get(reverse("report_archive")).content, "html.parser")
    link = archive.select_one(f'a[href="{url}"]')
    assert link is not None
    assert link.get_text(" ", strip=True) == "Slides (PowerPoint) of Q2 2026/27 version 1"


def test_the_runs_api_gives_each_run_its_slides_address(
    scrutiny: ReportRun, sam: User, carol: User
) -> None:
    cmt = make("cmt-bimonthly", "2026/27-B3")
    body = client_for(sam).get("/api/v1/reports/runs/").json()
    assert [r["id"] for r in body["results"]] == [scrutiny.pk]  # not the CMT's pack
    found = body["results"][0]
    url = reverse("report_run_pptx", args=[scrutiny.pk])
    assert found["pptx_url"] == f"http://testserver{url}"
    assert found["pdf_url"] == f"http://testserver{reverse('report_run_pdf', args=[scrutiny.pk])}"
    assert client_for(sam).get(found["pptx_url"]).status_code == 200
    assert client_for(sam).get(f"/api/v1/reports/runs/{cmt.pk}/").status_code == 404
    detail = client_for(carol).get(f"/api/v1/reports/runs/{cmt.pk}/").json()
    assert detail["pptx_url"].endswith(reverse("report_run_pptx", args=[cmt.pk]))
    assert detail["schedule"] == "cmt-bimonthly" and detail["status"] == "done"


def test_a_run_not_yet_made_has_no_download_addresses(council: Any, pat: User) -> None:
    schedule = ReportSchedule.objects.get(code="scrutiny-quarterly")
    run = services.request_run(
        schedule=schedule, period=parse_period("2026/27-Q2"), dispatch=False
    ).run
    found = client_for(pat).get(f"/api/v1/reports/runs/{run.pk}/").json()
    assert found["status"] == "requested"
    assert found["pptx_url"] is None and found["pdf_url"] is None
    assert client_for(pat).get(reverse("report_run_pptx", args=[run.pk])).status_code == 404


def test_the_schema_documents_the_slides_address() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    field = schema["components"]["schemas"]["ReportRun"]["properties"]["pptx_url"]
    assert field["format"] == "uri" and field["nullable"] is True
    assert "presentationml" in field["description"]
