"""The PDF pack: the snapshot's figures as HTML, laid out by WeasyPrint as a tagged PDF (PDF/UA-1)
with a title and a language, so that screen readers can read it.

Charts are drawn once each, as SVG, and embedded as images with alternative text. WeasyPrint is
given nothing it could fetch: only the pack's own charts, by name (`chart:N`), which keeps
megabytes of base64 out of the HTML it parses; `html()` inlines them as `data:` URLs instead,
so that the HTML stands alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reporting.packs import charts
from reporting.packs.snapshot import Pack
from targets.models import Priority
from targets.scorecard import MeasureStatus

PDF_VARIANT = "pdf/ua-1"
TEMPLATE = "reporting/packs/pack.html"


@dataclass(frozen=True)
class Chart:
    uri: str
    alt: str


@dataclass(frozen=True)
class Line:
    """A measure in the pack, with its chart."""

    status: MeasureStatus
    chart: Chart | None


class Images:
    """The pack's charts as the template's `src`: inline `data:` URLs, or short names that
    `Fetcher` serves to WeasyPrint."""

    def __init__(self, *, inline: bool) -> None:
        self.inline = inline
        self.svgs: dict[str, bytes] = {}

    def chart(self, svg: str, alt: str) -> Chart:
        if self.inline:
            return Chart(charts.data_uri(svg), alt)
        name = f"chart:{len(self.svgs)}"
        self.svgs[name] = svg.encode()
        return Chart(name, alt)


class Fetcher(URLFetcher):
    """WeasyPrint's only source: the pack's charts by name; anything else is refused."""

    def __init__(self, images: Images) -> None:
        super().__init__(allowed_protocols={"chart"})
        self.images = images

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url not in self.images.svgs:
            raise ValueError(f"Not a chart of this pack: {url}")
        svg = self.images.svgs[url]
        return URLFetcherResponse(url, svg, {"Content-Type": "image/svg+xml"})


def _chart(images: Images, status: MeasureStatus, *, small: bool) -> Chart | None:
    svg = charts.measure_svg(status.history, status.target, small=small)
    if svg is None:
        return None
    return images.chart(svg, charts.measure_alt(status.measure, status.history, status.target))


def context(pack: Pack, *, version: int = 1, images: Images | None = None) -> dict[str, Any]:
    """What the pack's template needs: the pack and its charts, each drawn once."""
    images = images or Images(inline=True)
    trend = pack.card.trend
    sections: list[tuple[Priority | None, list[Line]]] = [
        (priority, [Line(s, _chart(images, s, small=True)) for s in rows])
        for priority, rows in pack.card.by_priority
    ]
    return {
        "pack": pack,
        "data": pack.data,
        "version": version,
        "card": pack.card,
        "summary": pack.card.summary,
        "month": pack.month,
        "period": pack.period,
        "sections": sections,
        "priority_summaries": pack.priority_summaries,
        "red": [Line(s, _chart(images, s, small=False)) for s in pack.red],
        "data_quality": pack.data_quality,
        "benchmarks": pack.benchmarks,
        "improvement": pack.improvement,
        "trend_chart": images.chart(charts.trend_svg(trend), charts.trend_alt(trend))
        if trend
        else None,
    }


def html(pack: Pack, *, version: int = 1, images: Images | None = None) -> str:
    return render_to_string(TEMPLATE, context(pack, version=version, images=images))


def write_pdf(pack: Pack, target: Path, *, version: int = 1) -> int:
    """Write the pack's PDF to `target`; return its number of pages."""
    images = Images(inline=False)
    return lay_out(html(pack, version=version, images=images), images, target)


def lay_out(markup: str, images: Images, target: Path) -> int:
    """The pack's HTML and charts laid out by WeasyPrint into `target`; its number of pages.
    The same markup and charts always give the same bytes (tests/reporting/test_pack_pdf.py)."""
    document = HTML(string=markup, base_url="data:,", url_fetcher=Fetcher(images)).render()
    document.write_pdf(target, pdf_variant=PDF_VARIANT)
    return len(document.pages)
