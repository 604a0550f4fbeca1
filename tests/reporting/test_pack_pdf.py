"""The PDF pack, read back as text (pdftotext) and as page images (pdftoppm): its cover, summary,
priority sections, Red pages and data-quality appendix, its figures against the scorecard API,
and what makes it accessible (tagged PDF/UA, title, language, alternative text)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage

from reporting.models import ReportRun
from reporting.packs import charts, pdf
from reporting.packs.snapshot import restore
from targets.models import Measure, User
from targets.periods import parse_period
from tests.conftest import client_for
from tests.reporting.test_runs import make
from tests.reporting.worlds import council_and_packs

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext, pdftoppm, pdfinfo)"
    ),
]


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pack-pdf-media")


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


def path_of(run: ReportRun) -> str:
    return default_storage.path(run.pdf.name or "")


def text(run: ReportRun, *pages: int) -> str:
    """The PDF's text in reading order; `pages` (first, last) to read only some."""
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    done = subprocess.run(
        ["pdftotext", *span, path_of(run), "-"], check=True, capture_output=True, text=True
    )
    # Table cells wrap and come out in column order: compare words, not layout.
    return re.sub(r"\s+", " ", done.stdout)


def info(run: ReportRun) -> dict[str, str]:
    done = subprocess.run(["pdfinfo", path_of(run)], check=True, capture_output=True, text=True)
    return dict(
        (key.strip(), value.strip())
        for key, value in (line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)
    )


def pdf_objects(run: ReportRun) -> bytes:
    """The PDF's bytes with every compressed stream (object streams too) inflated."""
    raw = Path(path_of(run)).read_bytes()
    inflated = [raw]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.DOTALL):
        try:
            inflated.append(zlib.decompress(stream))
        except zlib.error:
            continue  # an uncompressed or otherwise encoded stream
    return b"\n".join(inflated)


@pytest.fixture
def scrutiny(world: Any, council: Any) -> ReportRun:
    return ReportRun.objects.select_related("schedule").get(pk=world[1]["scrutiny"].pk)


def test_cover_names_the_council_report_period_date_and_status(scrutiny: ReportRun) -> None:
    cover = text(scrutiny, 1, 1)
    assert "Oxford City Council" in cover
    assert "Quarterly performance report to the scrutiny panel" in cover
    assert "Q2 2026/27 (1 July 2026 to 30 September 2026)" in cover
    assert "26 November 2026" in cover
    assert "Final: every measure due has its value, and every value in this pack is" in cover
    assert "Performance and improvement scrutiny panel" in cover


def test_summary_gives_x_of_y_the_counts_and_the_trend(scrutiny: ReportRun) -> None:
    summary = text(scrutiny, 2, 2)
    assert "1 of 2 (50%) on target" in summary
    for count in ("Green 1", "Amber 0", "Red 1", "Grey 0", "Late 0"):
        assert count in summary
    assert "Measures on target, last 24 months" in summary


def test_each_priority_has_its_measures_with_their_figures(scrutiny: ReportRun) -> None:
    body = text(scrutiny)
    assert "4. A cleaner greener city" in body
    assert "CP10 Household waste recycled" in body
    assert "CP20" not in body  # not reported to scrutiny
    assert "SV01" not in body
    for heading in ("Actual", "Target", "Status", "Since last period", "Year to date"):
        assert heading in body
    assert "52.0%" in body and "50.0%" in body and "On target" in body
    assert "Improving" in body  # 47.0 in August, 45.0 in September 2025


def test_every_red_measure_has_a_page_with_its_corrective_action(scrutiny: ReportRun) -> None:
    pages = int(info(scrutiny)["Pages"])
    red_pages = [n for n in range(1, pages + 1) if "Corrective action" in text(scrutiny, n, n)]
    assert len(red_pages) == 1
    page = text(scrutiny, red_pages[0], red_pages[0])
    assert "CP14 Missed bin collections per 100,000" in page
    assert "Agency crews booked from next week." in page
    assert "Two crews off sick for most of the month." in page
    assert "Off target" in page


def test_data_quality_appendix_lists_estimated_values(scrutiny: ReportRun) -> None:
    body = text(scrutiny)
    appendix = body[body.index("Data quality 1 value") :]
    assert "1 value in this pack is estimated or provisional" in appendix
    assert "CP10 Household waste recycled" in appendix and "Estimated" in appendix


def test_pages_are_numbered_page_n_of_m(scrutiny: ReportRun) -> None:
    pages = int(info(scrutiny)["Pages"])
    assert pages == scrutiny.pages
    for n in range(1, pages + 1):
        assert f"Page {n} of {pages}" in text(scrutiny, n, n)


def test_the_pdf_is_tagged_with_a_title_and_a_language(scrutiny: ReportRun) -> None:
    found = info(scrutiny)
    assert found["Tagged"] == "yes"
    assert found["Title"] == (
        "Quarterly performance report to the scrutiny panel, Q2 2026/27 – Oxford City Council"
    )
    raw = pdf_objects(scrutiny)
    assert b"/Lang (en-GB)" in raw
    assert b"/StructTreeRoot" in raw
    assert b"pdfuaid" in raw  # PDF/UA identification in the XMP metadata


def test_the_pages_render_as_images(scrutiny: ReportRun, tmp_path: Path) -> None:
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", path_of(scrutiny), str(tmp_path / "page")], check=True
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == scrutiny.pages
    assert all(image.stat().st_size > 1000 for image in images)


def test_the_same_markup_and_charts_are_laid_out_into_the_same_bytes(
    scrutiny: ReportRun, tmp_path: Path
) -> None:
    """What lets the suite lay out each distinct pack once (tests/conftest.py): WeasyPrint's
    output depends on its input only, not on the time or the run."""
    lay_out = getattr(pdf.lay_out, "__wrapped__", pdf.lay_out)  # WeasyPrint itself, every time
    images = pdf.Images(inline=False)
    markup = pdf.html(restore(scrutiny.snapshot or {}), version=scrutiny.version, images=images)
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    assert lay_out(markup, images, first) == lay_out(markup, images, second) == scrutiny.pages
    assert first.read_bytes() == second.read_bytes()
    # The run's own file was made from the same markup, whether laid out then or before.
    assert default_storage.open(scrutiny.pdf.name).read() == first.read_bytes()


def test_charts_are_svg_with_alternative_text(scrutiny: ReportRun) -> None:
    html = pdf.html(restore(scrutiny.snapshot or {}))
    soup = BeautifulSoup(html, "html.parser")
    images = soup.find_all("img")
    assert images and all(i["src"].startswith("data:image/svg+xml;base64,") for i in images)
    assert all(i["alt"] for i in images)
    assert not soup.find("script")
    assert soup.html["lang"] == "en-GB"
    alts = [i["alt"] for i in images]
    assert any(a.startswith("Percentage of measures on target by month") for a in alts)
    assert any(a.startswith("CP14 over 12 periods") and "Target 40.0." in a for a in alts)


def test_figures_match_the_scorecard_api_for_the_same_month(scrutiny: ReportRun, sam: User) -> None:
    api = client_for(sam).get("/api/v1/scorecard/", {"period": "2026-09"}).json()
    by_code = {row["code"]: row for row in api["rows"]}
    snapshot = scrutiny.snapshot or {}
    assert snapshot["rows"] == [by_code[row["code"]] for row in snapshot["rows"]]
    body = text(scrutiny)
    for row in snapshot["rows"]:
        assert row["code"] in body


def test_management_pack_is_a_draft_marking_values_not_yet_approved(
    council: Any, carol: User
) -> None:
    run = make("ceb-quarterly", "2026/27-Q2")
    assert run.pack_status == "draft"
    body = text(run)
    assert "Draft: some values in this pack are missing or not yet published." in body
    assert "not yet approved" in body
    assert "CP20 Affordable homes delivered" in body
    api = client_for(carol).get("/api/v1/scorecard/", {"period": "2026-09"}).json()
    by_code = {row["code"]: row for row in api["rows"]}
    assert (run.snapshot or {})["rows"] == [by_code[c] for c in ("CP10", "CP14", "CP20")]


def test_alternative_text_describes_a_measures_chart() -> None:
    measure = Measure(code="CP10", unit=Measure.Unit.PERCENT, decimals=1)
    history = [(parse_period("2026-07"), Decimal(40)), (parse_period("2026-08"), None)]
    history.append((parse_period("2026-09"), Decimal("52.26")))
    spec = charts.TargetSpec(value=Decimal(50))
    assert charts.measure_alt(measure, history, spec) == (
        "CP10 over 3 periods: 40.0% in Jul 2026, 52.3% in Sep 2026; lowest 40.0%, highest "
        "52.3%. Target 50.0%."
    )
    assert charts.measure_svg(history, spec, small=True).startswith("<?xml")
    assert charts.measure_svg(history[:2], spec, small=True) is None


def test_benchmark_quartiles_of_linked_measures_are_in_the_pack(council: Any) -> None:
    """Against all authorities of its type the council ranks 2nd of 5, and 48.3 is exactly P75
    (20, 30, 40, 48.3, 50: position 3 of 0-4), so it is in the top quartile."""
    from tests.benchmarking.conftest import authority, metric, values

    measure = next(iter(council.values()))
    for code in ("E07000178", "E07000001", "E07000002", "E07000003", "E07000004"):
        authority(code)
    linked = metric("REC", title="Recycling rate", polarity="up", measure=measure)
    values(
        linked,
        "2023/24",
        {
            "E07000178": "48.3",
            "E07000001": "50",
            "E07000002": "40",
            "E07000003": "30",
            "E07000004": "20",
        },
    )
    run = make("scrutiny-quarterly", "2026/27-Q2")
    [row] = run.snapshot["benchmarks"]
    assert (row["metric"], row["period"]) == ("REC", "2023/24")
    assert (row["by_type"]["rank"], row["by_type"]["quartile"]) == ("2/5", 1)
    assert "Recycling rate 2023/24" in text(run) and "Rank 2/5, quartile 1" in text(run)
