"""Small trend lines drawn on the server as SVG: the geometry of every sparkline.

The scorecards' "Last 12 periods" column and the public page's cards show a trend, not figures to
read (the measure's own page has its chart and the table of every figure), so they are drawn as a
few hundred bytes of inline SVG instead of loading a charting library: pages stay light and are
readable before any script runs. Pure: plain floats in, coordinates out, no Django; the template
tag `reporting.templatetags.charts.sparkline` writes the SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 96
HEIGHT = 24


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    figures: str  # the polyline of the known figures ("x,y x,y"), across any missing period
    target: str  # the polyline of the known targets ("" without one)
    last: tuple[float, float] | None  # the latest figure's point


def _polyline(points: list[tuple[float, float] | None]) -> str:
    """The known points joined in order: a missing period is bridged, its place on the x axis
    kept, so that a trend with gaps still reads as a line (the measure's page marks the gaps)."""
    return " ".join(f"{x:g},{y:g}" for x, y in (p for p in points if p is not None))


def draw(
    figures: Sequence[float | None],
    targets: Sequence[float | None] = (),
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    digits: int = 1,
) -> Sparkline | None:
    """The sparkline of `figures` (oldest first) and `targets` beside them, on one scale.

    None when fewer than two figures are known: a single point is no trend. Coordinates are
    rounded to `digits` decimal places (0: whole pixels, for the scorecards' 160 small lines);
    a flat series is drawn across the middle.
    """
    pad = height / 12  # room for the latest figure's marker and the line's width
    count = len(figures)
    known = [f for f in figures if f is not None]
    if len(known) < 2:
        return None
    targets = list(targets) + [None] * (count - len(targets))
    scale = known + [t for t in targets if t is not None]
    low, high = min(scale), max(scale)
    span = high - low
    step = (width - 2 * pad) / (count - 1)

    def point(index: int, value: float | None) -> tuple[float, float] | None:
        if value is None:
            return None
        share = 0.5 if span == 0 else (value - low) / span
        x, y = pad + index * step, height - pad - share * (height - 2 * pad)
        return (round(x), round(y)) if digits == 0 else (round(x, digits), round(y, digits))

    figure_points = [point(i, f) for i, f in enumerate(figures)]
    target_points = [point(i, t) for i, t in enumerate(targets[:count])]
    last = next((p for p in reversed(figure_points) if p is not None), None)
    return Sparkline(
        width=width,
        height=height,
        figures=_polyline(figure_points),
        target=_polyline(target_points) if sum(p is not None for p in target_points) > 1 else "",
        last=last,
    )
