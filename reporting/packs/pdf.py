"""The PDF pack: the snapshot's figures as HTML, laid out by WeasyPrint as a tagged PDF (PDF/UA-1)
with a title and a language, so that screen readers can read it.

Charts are drawn once each, as SVG, and embedded as images with alternative text. WeasyPrint is
given nothing it could fetch: only `data:` URLs are allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

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


def _chart(status: MeasureStatus, *, small: bool) -> Chart | None:
    svg = charts.measure_svg(status.history, status.target, small=small)
    if svg is None:
        return None
    return Chart(
        charts.data_uri(svg), charts.measure_alt(status.measure, status.history, status.target)
    )


def context(pack: Pack, *, version: int = 1) -> dict[str, Any]:
    """What the pack's template needs: the pack and its charts, each drawn once."""
    trend = pack.card.trend
    sections: list[tuple[Priority | None, list[Line]]] = [
        (priority, [Line(s, _chart(s, small=True)) for s in rows])
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
        "red": [Line(s, _chart(s, small=False)) for s in pack.red],
        "data_quality": pack.data_quality,
        "benchmarks": pack.benchmarks,
        "improvement": pack.improvement,
        "trend_chart": Chart(charts.data_uri(charts.trend_svg(trend)), charts.trend_alt(trend))
        if trend
        else None,
    }


def html(pack: Pack, *, version: int = 1) -> str:
    return render_to_string(TEMPLATE, context(pack, version=version))


def write_pdf(pack: Pack, target: Path, *, version: int = 1) -> int:
    """Write the pack's PDF to `target`; return its number of pages."""
    document = HTML(
        string=html(pack, version=version),
        base_url="data:,",
        url_fetcher=URLFetcher(allowed_protocols={"data"}),
    ).render()
    document.write_pdf(target, pdf_variant=PDF_VARIANT)
    return len(document.pages)
