"""The pack's charts: vector SVG drawn on the server, no browser (and the same charts as PNG for
the board slides, which PowerPoint shows as pictures).

A measure's charts, one or two per measure in a pack, are written as SVG directly
(`spark_svg`, `chart_svg`): the picture matplotlib draws for them (`_measure`, still what the
slides' PNG are drawn from), coordinates, ticks and labels alike, without building a figure,
and small enough that WeasyPrint draws them quickly; the trend too (`trend_svg`, the picture of
`_trend`). matplotlib's figures draw only the slides' PNG, and are loaded only then: making a PDF
needs no more of matplotlib than its tick locator and formatter.

matplotlib's object API (Figure, no pyplot) keeps no global state, so a worker can draw charts in
any thread; text stays text (`svg.fonttype: none`) and the output is the same for the same data
(`svg.hashsalt`), which keeps PDFs reproducible. Each chart comes with the words a screen reader
reads instead (its alternative text); the pack prints the figures in tables as well.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib import ticker
from matplotlib.typing import RcKeyType

from targets.models import Measure
from targets.periods import Period
from targets.rules import OnTargetSummary, TargetSpec

BLUE = "#1d4f91"
GREY = "#505a5f"
TARGET = "#00703c"
RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "goldthread",
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.edgecolor": GREY,
    "axes.labelcolor": "#0b0c0c",
    "xtick.color": GREY,
    "ytick.color": GREY,
}
History = Sequence[tuple[Period, Decimal | None]]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", transparent=True)
    return buffer.getvalue()


def _png(figure: Figure) -> bytes:
    # White, not transparent: a slide's theme may be dark; 200 dpi stays sharp when projected.
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=200, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()


# The trend's figure and axes, in points: the box `_trend` gives it (10 × 2.3 inches, axes at
# 0.06, 0.25, 0.93, 0.7), its y ticks (0 to 100 in steps of 20: the locator's choice for that
# fixed range and height) and where matplotlib centres its y label, measured from its output.
TREND_SIZE = (720.0, 165.6)
TREND_AXES = (43.2, 8.28, 669.6, 115.92)  # left, top, width, height
TREND_Y_TICKS = (0, 20, 40, 60, 80, 100)
TREND_Y_LABEL_X = 15.008125


def trend_svg(trend: Sequence[tuple[Period, OnTargetSummary]]) -> str:
    """The "% on target" line over the months, 0 to 100: the picture matplotlib draws for
    `_trend` (a label for every `step`-th month, the marked line bridging months without a
    figure), written directly, as `chart_svg` is, so that making the PDF loads no figure."""
    width, height = TREND_SIZE
    left, top, span_x, span_y = TREND_AXES
    bottom, right = top + span_y, left + span_x
    count = len(trend)
    low_x, high_x = -0.5, max(count - 0.5, 0.5)

    def x(index: float) -> float:
        return left + (index - low_x) / (high_x - low_x) * span_x

    def y(percent: float) -> float:
        return bottom - percent / 100 * span_y

    text = f'font-family="DejaVu Sans" font-size="8" fill="{GREY}"'
    parts = [
        f'<clipPath id="a"><rect x="{left:g}" y="{top:g}" width="{span_x:g}" '
        f'height="{span_y:g}"/></clipPath>'
    ]
    # Clipped to the axes, as matplotlib clips them: the lines at 0 and 100 show half their width.
    grid = "".join(f"M{left:g} {y(t):.3f}H{right:g}" for t in TREND_Y_TICKS)
    parts.append(
        f'<path d="{grid}" stroke="#dddddd" stroke-width="0.5" stroke-linecap="square" '
        'clip-path="url(#a)"/>'
    )
    known = [
        (i, float(s.percent_on_target))
        for i, (_, s) in enumerate(trend)
        if s.percent_on_target is not None
    ]
    if known:
        points = " ".join(f"{x(i):.3f},{y(v):.3f}" for i, v in known)
        dots = "".join(f'<circle cx="{x(i):.3f}" cy="{y(v):.3f}" r="1.5"/>' for i, v in known)
        parts.append(
            f'<g clip-path="url(#a)"><polyline points="{points}" fill="none" stroke="{BLUE}" '
            'stroke-width="2" stroke-linecap="square" stroke-linejoin="round"/>'
            f'<g fill="{BLUE}" stroke="{BLUE}">{dots}</g></g>'
        )
    step = max(1, count // 12)
    shown = range(0, count, step)
    parts.append(_axes(x, y, shown, TREND_Y_TICKS, left=left, right=right, top=top, bottom=bottom))
    end_x, end_y = X_LABEL_END
    for i in shown:
        ax, ay = x(i) + end_x, bottom + end_y
        parts.append(
            f'<text {text} text-anchor="end" transform="translate({ax:.3f} {ay:.3f}) '
            f'rotate(-45)">{escape(trend[i][0].label)}</text>'
        )
    label_x = left - 2 * TICK
    for tick in TREND_Y_TICKS:
        parts.append(
            f'<text {text} text-anchor="end" x="{label_x:g}" '
            f'y="{y(tick) + Y_LABEL_BASELINE:.3f}">{tick}</text>'
        )
    middle = top + span_y / 2
    parts.append(
        f'<text font-family="DejaVu Sans" font-size="8" fill="#0b0c0c" text-anchor="middle" '
        f'transform="translate({TREND_Y_LABEL_X:g} {middle:g}) rotate(-90)">% on target</text>'
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}pt" height="{height:g}pt" '
        f'viewBox="0 0 {width:g} {height:g}">{"".join(parts)}</svg>'
    )


def trend_png(trend: Sequence[tuple[Period, OnTargetSummary]]) -> bytes:
    with matplotlib.rc_context(RC):
        return _png(_trend(trend, size=(10, 3.2)))


def _trend(trend: Sequence[tuple[Period, OnTargetSummary]], *, size: tuple[float, float]) -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=size)
    axes = figure.add_axes((0.06, 0.25, 0.93, 0.7))
    xs = list(range(len(trend)))
    ys = [s.percent_on_target for _, s in trend]
    axes.plot(
        [x for x, y in zip(xs, ys, strict=True) if y is not None],
        [y for y in ys if y is not None],
        color=BLUE,
        linewidth=2,
        marker="o",
        markersize=3,
    )
    axes.set_ylim(0, 100)
    axes.set_xlim(-0.5, max(len(xs) - 0.5, 0.5))
    axes.set_ylabel("% on target")
    step = max(1, len(xs) // 12)
    axes.set_xticks(xs[::step], [m.label for m, _ in trend][::step], rotation=45, ha="right")
    axes.grid(axis="y", color="#dddddd", linewidth=0.5)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def trend_alt(trend: Sequence[tuple[Period, OnTargetSummary]]) -> str:
    known = [(m, s.percent_on_target) for m, s in trend if s.percent_on_target is not None]
    if not known:
        return "Percentage of measures on target by month: no rated measures yet."
    low = min(known, key=lambda k: k[1])
    high = max(known, key=lambda k: k[1])
    return (
        f"Percentage of measures on target by month, {known[0][0].label} to {known[-1][0].label}: "
        f"{known[0][1]}% in {known[0][0].label}, {known[-1][1]}% in {known[-1][0].label}; "
        f"lowest {low[1]}% in {low[0].label}, highest {high[1]}% in {high[0].label}. "
        "The figures are in the appendix."
    )


def _target_lines(axes: Axes, target: TargetSpec | None) -> None:
    if target is None:
        return
    if target.lower is not None and target.upper is not None:
        axes.axhspan(float(target.lower), float(target.upper), color=TARGET, alpha=0.12, lw=0)
    elif target.value is not None:
        axes.axhline(float(target.value), color=TARGET, linewidth=1, linestyle="--")


def _target_figures(target: TargetSpec | None) -> list[float]:
    if target is None:
        return []
    return [float(x) for x in (target.value, target.lower, target.upper) if x is not None]


def _limits(figures: list[float]) -> tuple[float, float]:
    """The y range: every figure and the target in view, with a margin."""
    low, high = min(figures), max(figures)
    margin = (high - low) * 0.08 or abs(high) * 0.05 or 1.0
    return low - margin, high + margin


def measure_svg(history: History, target: TargetSpec | None, *, small: bool) -> str | None:
    """A measure's actuals over its last periods, with its current target dashed (a band for a
    range); `small` draws a sparkline for a table cell. None when fewer than two values."""
    return spark_svg(history, target) if small else chart_svg(history, target)


# The full-size chart's figure and axes, in points: the box `_measure` gives it (7.5 × 2.4
# inches, axes at 0.1, 0.22, 0.87, 0.72), matplotlib's tick length and padding (3.5 points each),
# and where its 45° labels end, measured from its own output (DejaVu Sans at 8 points).
CHART_SIZE = (540.0, 172.8)
CHART_AXES = (54.0, 10.368, 469.8, 124.416)  # left, top, width, height
TICK = 3.5
X_LABEL_END = (-1.359, 11.298)  # from the tick's foot on the axis
Y_LABEL_BASELINE = 3.04  # below the tick: a centred line of digits


def _axes(
    x: Callable[[int], float],
    y: Callable[[float], float],
    columns: Iterable[int],
    ticks: Iterable[float],
    *,
    left: float,
    right: float,
    top: float,
    bottom: float,
) -> str:
    """A chart's tick marks (each column below, each tick at the left) and its two axes, drawn
    as matplotlib draws them."""
    marks = "".join(f"M{x(i):.3f} {bottom:g}v{TICK:g}" for i in columns)
    marks += "".join(f"M{left:g} {y(t):.3f}h-{TICK:g}" for t in ticks)
    return (
        f'<path d="{marks}" stroke="{GREY}" stroke-width="0.8"/>'
        f'<path d="M{left:g} {bottom:g}V{top:g}M{left:g} {bottom:g}H{right:g}" fill="none" '
        f'stroke="{GREY}" stroke-width="0.8" stroke-linecap="square" stroke-linejoin="miter"/>'
    )


def chart_svg(history: History, target: TargetSpec | None) -> str | None:
    """The full-size chart of `measure_svg`, written directly: the picture matplotlib draws for
    `_measure` (its axes, ticks chosen and labelled by its own locator and formatter, grid,
    strokes and marker), as a few dozen plain SVG elements that WeasyPrint draws quickly."""
    known = [(i, float(v)) for i, (_, v) in enumerate(history) if v is not None]
    if len(known) < 2:
        return None
    width, height = CHART_SIZE
    left, top, span_x, span_y = CHART_AXES
    bottom, right = top + span_y, left + span_x
    low, high = _limits([v for _, v in known] + _target_figures(target))

    def x(index: float) -> float:
        return left + (index + 0.5) / len(history) * span_x

    def y(figure: float) -> float:
        return bottom - (figure - low) / (high - low) * span_y

    ticks, labels, offset = _y_ticks(low, high)
    text = f'font-family="DejaVu Sans" font-size="8" fill="{GREY}"'
    parts = [
        f'<clipPath id="a"><rect x="{left:g}" y="{top:g}" width="{span_x:g}" '
        f'height="{span_y:g}"/></clipPath>'
    ]
    band = target is not None and target.lower is not None and target.upper is not None
    if band:
        assert target is not None and target.lower is not None and target.upper is not None
        upper, lower = y(float(target.upper)), y(float(target.lower))
        parts.append(
            f'<rect x="{left:g}" y="{upper:.3f}" width="{span_x:g}" height="{lower - upper:.3f}" '
            f'fill="{TARGET}" fill-opacity="0.12" clip-path="url(#a)"/>'
        )
    grid = "".join(f"M{left:g} {y(t):.3f}H{right:g}" for t in ticks)
    parts.append(f'<path d="{grid}" stroke="#dddddd" stroke-width="0.5" stroke-linecap="square"/>')
    if not band and target is not None and target.value is not None:
        level = y(float(target.value))
        parts.append(
            f'<path d="M{left:g} {level:.3f}H{right:g}" fill="none" stroke="{TARGET}" '
            'stroke-dasharray="3.7,1.6" clip-path="url(#a)"/>'
        )
    points = " ".join(f"{x(i):.3f},{y(v):.3f}" for i, v in known)
    last_x, last_y = known[-1]
    parts.append(
        f'<g clip-path="url(#a)"><polyline points="{points}" fill="none" stroke="{BLUE}" '
        'stroke-width="2" stroke-linecap="square" stroke-linejoin="round"/>'
        f'<circle cx="{x(last_x):.3f}" cy="{y(last_y):.3f}" r="2" fill="{BLUE}" '
        f'stroke="{BLUE}"/></g>'
    )
    parts.append(
        _axes(x, y, range(len(history)), ticks, left=left, right=right, top=top, bottom=bottom)
    )
    end_x, end_y = X_LABEL_END
    for i, (period, _) in enumerate(history):
        ax, ay = x(i) + end_x, bottom + end_y
        parts.append(
            f'<text {text} text-anchor="end" transform="translate({ax:.3f} {ay:.3f}) '
            f'rotate(-45)">{escape(period.label)}</text>'
        )
    label_x = left - 2 * TICK
    for tick, label in zip(ticks, labels, strict=True):
        parts.append(
            f'<text {text} text-anchor="end" x="{label_x:g}" '
            f'y="{y(tick) + Y_LABEL_BASELINE:.3f}">{escape(label)}</text>'
        )
    if offset:
        parts.append(f'<text {text} x="{left:g}" y="{top - 3:g}">{escape(offset)}</text>')
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}pt" height="{height:g}pt" '
        f'viewBox="0 0 {width:g} {height:g}">{"".join(parts)}</svg>'
    )


def _y_ticks(low: float, high: float) -> tuple[list[float], list[str], str]:
    """The y axis's ticks in view, their labels and the axis's offset text, as matplotlib's
    default locator and formatter choose them for this chart's height (7 bins: 124 points of
    axis over twice the labels' 8 points)."""
    with matplotlib.rc_context(RC):
        locator = ticker.MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10])
        slack = (high - low) * 1e-10
        ticks = [
            float(t) for t in locator.tick_values(low, high) if low - slack <= t <= high + slack
        ]
        formatter = ticker.ScalarFormatter()
        formatter.create_dummy_axis()
        formatter.axis.set_view_interval(low, high)  # type: ignore[union-attr]
        labels = formatter.format_ticks(ticks)
        return ticks, labels, formatter.get_offset()


# The sparkline's figure and axes, in points: the box matplotlib drew it in (1.3 × 0.38 inches,
# axes at 0.02, 0.08, 0.96, 0.84, no axis drawn).
SPARK_SIZE = (93.6, 27.36)  # 1.3 × 0.38 inches
SPARK_AXES = (1.872, 2.1888, 89.856, 22.9824)  # left, top, width, height


def spark_svg(history: History, target: TargetSpec | None) -> str | None:
    """The sparkline of `measure_svg(small=True)`, written directly: the picture matplotlib
    draws for it (same box, scale, strokes, dashes and marker) in a tenth of the bytes, and
    without drawing a figure: a pack has one per measure, so this is most of its charts."""
    known = [(i, float(v)) for i, (_, v) in enumerate(history) if v is not None]
    if len(known) < 2:
        return None
    width, height = SPARK_SIZE
    left, top, span_x, span_y = SPARK_AXES
    low, high = _limits([v for _, v in known] + _target_figures(target))

    def x(index: float) -> float:
        return left + (index + 0.5) / len(history) * span_x

    def y(figure: float) -> float:
        return top + span_y - (figure - low) / (high - low) * span_y

    parts = [
        f'<clipPath id="a"><rect x="{left:g}" y="{top:g}" width="{span_x:g}" '
        f'height="{span_y:g}"/></clipPath><g clip-path="url(#a)">'
    ]
    if target is not None and target.lower is not None and target.upper is not None:
        upper, lower = y(float(target.upper)), y(float(target.lower))
        parts.append(
            f'<rect x="{left:g}" y="{upper:.3f}" width="{span_x:g}" height="{lower - upper:.3f}" '
            f'fill="{TARGET}" fill-opacity="0.12"/>'
        )
    elif target is not None and target.value is not None:
        level = y(float(target.value))
        parts.append(
            f'<path d="M{left:g} {level:.3f}H{left + span_x:g}" fill="none" stroke="{TARGET}" '
            'stroke-dasharray="3.7,1.6"/>'
        )
    points = " ".join(f"{x(i):.3f},{y(v):.3f}" for i, v in known)
    parts.append(
        f'<polyline points="{points}" fill="none" stroke="{BLUE}" stroke-width="1.2" '
        'stroke-linecap="square" stroke-linejoin="round"/>'
    )
    last_x, last_y = known[-1]
    parts.append(
        f'<circle cx="{x(last_x):.3f}" cy="{y(last_y):.3f}" r="1.25" fill="{BLUE}" '
        f'stroke="{BLUE}"/></g>'
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}pt" height="{height:g}pt" '
        f'viewBox="0 0 {width:g} {height:g}">{"".join(parts)}</svg>'
    )


def measure_png(history: History, target: TargetSpec | None) -> bytes | None:
    """The full-size chart of `measure_svg`, drawn by matplotlib, as a picture for a slide."""
    return MeasurePngs()(history, target)


class MeasurePngs:
    """`measure_png` for many measures, drawn on one figure: its axes and their tick objects,
    which matplotlib makes on a figure's first drawing (a third of a chart's time), are kept
    from one chart to the next and only the data, limits and labels change. The pictures are
    the same, byte for byte, as a new figure's. One drawer per deck (not shared: a figure is
    not to be drawn by two threads at once)."""

    def __init__(self) -> None:
        self._axes: Axes | None = None

    def __call__(self, history: History, target: TargetSpec | None) -> bytes | None:
        known = _known(history)
        if len(known) < 2:
            return None
        from matplotlib.figure import Figure

        with matplotlib.rc_context(RC):
            if self._axes is None:
                self._axes = _measure_axes(Figure(figsize=(7.5, 2.4)))
            axes = self._axes
            for artist in [*axes.lines, *axes.patches]:
                artist.remove()
            _draw_measure(axes, history, known, target)
            figure = axes.get_figure()
            assert isinstance(figure, Figure)
            return _png(figure)


def _known(history: History) -> list[tuple[int, float]]:
    return [(i, float(v)) for i, (_, v) in enumerate(history) if v is not None]


def _measure(history: History, target: TargetSpec | None) -> Figure | None:
    from matplotlib.figure import Figure

    known = _known(history)
    if len(known) < 2:
        return None
    figure = Figure(figsize=(7.5, 2.4))
    _draw_measure(_measure_axes(figure), history, known, target)
    return figure


def _measure_axes(figure: Figure) -> Axes:
    axes = figure.add_axes((0.1, 0.22, 0.87, 0.72))
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#dddddd", linewidth=0.5)
    return axes


def _draw_measure(
    axes: Axes, history: History, known: list[tuple[int, float]], target: TargetSpec | None
) -> None:
    axes.set_xticks(range(len(history)), [p.label for p, _ in history], rotation=45, ha="right")
    _target_lines(axes, target)
    xs, ys = zip(*known, strict=True)
    axes.set_ylim(*_limits([*ys, *_target_figures(target)]))
    axes.plot(xs, ys, color=BLUE, linewidth=2)
    axes.plot([xs[-1]], [ys[-1]], marker="o", markersize=4, color=BLUE)
    axes.set_xlim(-0.5, len(history) - 0.5)


# A status's bar: its colour, and the word the axis prints beside it (never colour alone).
STATUS_BARS = (
    ("green", "Green", "#00703c"),
    ("amber", "Amber", "#b25f00"),
    ("red", "Red", "#c0201b"),
    ("grey", "Grey", GREY),
    ("late", "of which late", "#4c2c92"),
)


def status_png(counts: OnTargetSummary) -> bytes:
    """How many of a group's measures are in each status: one labelled bar each, its count
    printed at its end."""
    from matplotlib.figure import Figure

    with matplotlib.rc_context({**RC, "font.size": 11}):
        figure = Figure(figsize=(2.7, 2.4))
        axes = figure.add_axes((0.4, 0.06, 0.5, 0.88))
        names = [label for _, label, _ in STATUS_BARS]
        values = [getattr(counts, name) for name, _, _ in STATUS_BARS]
        ys = list(range(len(names)))
        axes.barh(ys, values, color=[colour for _, _, colour in STATUS_BARS], height=0.6)
        for y, n in zip(ys, values, strict=True):
            axes.text(n, y, f" {n}", va="center", ha="left", color="#0b0c0c")
        axes.set_yticks(ys, names)
        axes.invert_yaxis()
        axes.set_xlim(0, max([*values, 1]) * 1.25)
        axes.set_xticks([])
        axes.spines[["top", "right", "bottom"]].set_visible(False)
        return _png(figure)


def status_alt(name: str, counts: OnTargetSummary) -> str:
    return (
        f"Measures of {name} by status: {counts.green} Green (on target), {counts.amber} Amber "
        f"(within tolerance), {counts.red} Red (off target), {counts.grey} Grey (not rated, "
        f"{counts.late} of them late). {counts.text}."
    )


def measure_alt(measure: Measure, history: History, target: TargetSpec | None) -> str:
    known = [(p, v) for p, v in history if v is not None]
    if len(known) < 2:
        return "Too few values for a chart."
    low = min(v for _, v in known)
    high = max(v for _, v in known)
    (first_period, first), (last_period, last) = known[0], known[-1]
    text = (
        f"{measure.code} over {len(history)} periods: {measure.format(first)} in "
        f"{first_period.label}, {measure.format(last)} in {last_period.label}; lowest "
        f"{measure.format(low)}, highest {measure.format(high)}."
    )
    if target is not None and target.lower is not None and target.upper is not None:
        text += f" Target range {measure.format(target.lower)} to {measure.format(target.upper)}."
    elif target is not None and target.value is not None:
        text += f" Target {measure.format(target.value)}."
    return text
