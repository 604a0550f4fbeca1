"""The pack's measure charts written as SVG directly: the same picture matplotlib draws for them
(its ticks, labels and coordinates), valid SVG, and nothing for fewer than two values."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import matplotlib
import pytest

from reporting.packs import charts
from targets.periods import last_n, parse_period
from targets.rules import OnTargetSummary, TargetSpec

MONTHS = last_n(parse_period("2026-09"), 12)
SVG = "{http://www.w3.org/2000/svg}"


def history(*figures: str | None) -> list[tuple[object, Decimal | None]]:
    return [(m, None if f is None else Decimal(f)) for m, f in zip(MONTHS, figures, strict=True)]


SERIES = {
    "percentages": history(*[str(40 + i % 5) for i in range(12)]),
    "gaps": history("98", None, "97.5", "99", None, "100", "96", "95", None, "97", "98", None),
    "large": history(*[str(250_000 + 1_000 * i) for i in range(12)]),
    "small": history(*[f"0.{i:02d}" for i in range(10, 22)]),
    "flat": history(*["7"] * 12),
    "negative": history(*[str(i - 6) for i in range(12)]),
}
TARGETS = {
    "none": None,
    "value": TargetSpec(Decimal(42)),
    "range": TargetSpec(None, Decimal(38), Decimal(44)),
}


def matplotlib_svg(series: list, target: TargetSpec | None) -> str:
    with matplotlib.rc_context(charts.RC):
        figure = charts._measure(series, target)  # type: ignore[arg-type]
        assert figure is not None
        return charts._svg(figure)


@pytest.mark.parametrize("name", SERIES)
@pytest.mark.parametrize("target", TARGETS)
def test_chart_has_matplotlibs_y_ticks_labels_and_positions(name: str, target: str) -> None:
    series, spec = SERIES[name], TARGETS[target]
    drawn = charts.chart_svg(series, spec)  # type: ignore[arg-type]
    assert drawn is not None
    ours = re.findall(r'text-anchor="end" x="47" y="([-\d.]+)">([^<]+)<', drawn)
    theirs = re.findall(r'x="47" y="([-\d.]+)"[^>]*>([^<]+)<', matplotlib_svg(series, spec))
    assert [label for _, label in ours] == [label for _, label in theirs]
    for (y, _), (expected, _) in zip(ours, theirs, strict=True):
        assert float(y) == pytest.approx(float(expected), abs=0.01)


def test_chart_labels_every_period_at_45_degrees() -> None:
    drawn = charts.chart_svg(SERIES["gaps"], TARGETS["value"])  # type: ignore[arg-type]
    assert drawn is not None
    root = ET.fromstring(drawn.split("\n", 1)[1])
    rotated = [t.text for t in root.iter(f"{SVG}text") if "rotate(-45)" in t.get("transform", "")]
    assert rotated == [m.label for m in MONTHS]


@pytest.mark.parametrize(
    ("draw", "axes"),
    [(charts.spark_svg, charts.SPARK_AXES), (charts.chart_svg, charts.CHART_AXES)],
)
def test_charts_bridge_gaps_and_mark_the_last_known_value(draw: object, axes: tuple) -> None:
    drawn = draw(SERIES["gaps"], None)  # type: ignore[operator]
    assert drawn is not None
    root = ET.fromstring(drawn.split("\n", 1)[1])
    (line,) = root.iter(f"{SVG}polyline")
    points = [tuple(map(float, p.split(","))) for p in line.get("points", "").split()]
    assert len(points) == 8  # the eight known values, joined across the gaps
    left, _, width, _ = axes
    # The last known value is the eleventh period's (the twelfth has none): marked there.
    assert points[-1][0] == pytest.approx(left + 10.5 / 12 * width, abs=0.001)
    (marker,) = root.iter(f"{SVG}circle")
    assert (float(marker.get("cx", "")), float(marker.get("cy", ""))) == pytest.approx(
        points[-1], abs=0.001
    )


def test_sparkline_draws_the_target_as_a_dashed_line_or_a_band() -> None:
    series = SERIES["percentages"]
    dashed = charts.spark_svg(series, TARGETS["value"])  # type: ignore[arg-type]
    band = charts.spark_svg(series, TARGETS["range"])  # type: ignore[arg-type]
    assert dashed is not None and 'stroke-dasharray="3.7,1.6"' in dashed
    assert band is not None and 'fill-opacity="0.12"' in band and "dasharray" not in band


@pytest.mark.parametrize("draw", [charts.spark_svg, charts.chart_svg])
def test_fewer_than_two_values_draw_no_chart(draw: object) -> None:
    one = history(*([None] * 11), "5")
    assert draw(one, None) is None  # type: ignore[operator]


def test_the_chart_is_well_formed_svg_of_matplotlibs_size() -> None:
    drawn = charts.chart_svg(SERIES["large"], TARGETS["range"])  # type: ignore[arg-type]
    assert drawn is not None and drawn.startswith("<?xml")
    root = ET.fromstring(drawn.split("\n", 1)[1])
    mpl = ET.fromstring(matplotlib_svg(SERIES["large"], TARGETS["range"]).split("\n", 3)[3])
    assert (root.get("width"), root.get("height")) == (mpl.get("width"), mpl.get("height"))


def fresh_png(series: list, target: TargetSpec | None) -> bytes:
    with matplotlib.rc_context(charts.RC):
        figure = charts._measure(series, target)  # type: ignore[arg-type]
        assert figure is not None
        return charts._png(figure)


def test_one_drawer_draws_each_slide_chart_as_a_new_figure_would() -> None:
    quarters = [(m, Decimal(n)) for n, m in enumerate(MONTHS[::3])]
    charts_in_turn = [
        (SERIES["percentages"], TARGETS["range"]),  # a band, then none: the band must go
        (SERIES["large"], TARGETS["none"]),
        (quarters, TARGETS["value"]),  # four periods after twelve: four ticks and labels
        (SERIES["gaps"], TARGETS["value"]),
        (SERIES["negative"], TARGETS["range"]),
    ]
    draw = charts.MeasurePngs()
    for series, target in charts_in_turn:
        assert draw(series, target) == fresh_png(series, target)  # type: ignore[arg-type]
    assert draw(history(*([None] * 11), "5"), None) is None  # type: ignore[arg-type]


def trend(*percents: int | None) -> list[tuple[object, OnTargetSummary]]:
    months = last_n(parse_period("2026-09"), len(percents))
    return [
        (m, OnTargetSummary(green=0 if p is None else p, amber=0 if p is None else 100 - p))
        for m, p in zip(months, percents, strict=True)
    ]


def matplotlib_trend_svg(months: list) -> str:
    with matplotlib.rc_context(charts.RC):
        return charts._svg(charts._trend(months, size=(10, 2.3)))  # type: ignore[arg-type]


TRENDS = {
    "two years": trend(*[40 + (i * 7) % 30 for i in range(24)]),
    "gaps": trend(55, None, 60, 58, None, 70, 71, 69, 65, None, 80, 90),
    "five months": trend(10, 0, 100, 50, 50),
}


@pytest.mark.parametrize("name", TRENDS)
def test_trend_is_matplotlibs_picture(name: str) -> None:
    months = TRENDS[name]
    ours = charts.trend_svg(months)  # type: ignore[arg-type]
    theirs = matplotlib_trend_svg(months)
    # The y axis: its labels and where they sit, and the axis label.
    ours_y = re.findall(r'text-anchor="end" x="36.2" y="([-\d.]+)">([^<]+)<', ours)
    theirs_y = re.findall(r'x="36.2" y="([-\d.]+)"[^>]*>([^<]+)<', theirs)
    assert [label for _, label in ours_y] == [label for _, label in theirs_y]
    for (y, _), (expected, _) in zip(ours_y, theirs_y, strict=True):
        assert float(y) == pytest.approx(float(expected), abs=0.01)
    label_x, label_y = re.findall(r'x="([\d.]+)" y="([\d.]+)" transform="rotate\(-90', theirs)[0]
    assert f"translate({float(label_x):g} {float(label_y):g}) rotate(-90)" in ours
    # The x axis: the same months labelled, at the same ticks.
    ours_x = re.findall(r"rotate\(-45\)\">([^<]+)<", ours)
    assert ours_x == re.findall(r"rotate\(-45\)\">([^<]+)<", theirs)
    uses = re.findall(r'<use xlink:href="#(\w+)" x="([\d.]+)" y="124.2"', theirs)
    ticks = [float(x) for mark, x in uses if mark == uses[0][0]]  # the x ticks' own mark
    ours_ticks = [float(t) for t in re.findall(r"M([\d.]+) 124.2v3.5", ours)]
    assert ours_ticks == pytest.approx(ticks, abs=0.001)
    # The line and its dots: the same points, months without a figure bridged.
    line = re.search(r'<path d="(M [^"]+)"[^>]*stroke: #1d4f91; stroke-width: 2', theirs)
    assert line is not None
    expected = [float(f) for p in re.findall(r"[ML] ([\d.]+ [\d.]+)", line[1]) for f in p.split()]
    root = ET.fromstring(ours.split("\n", 1)[1])
    (polyline,) = root.iter(f"{SVG}polyline")
    points = [float(f) for p in polyline.get("points", "").split() for f in p.split(",")]
    assert points == pytest.approx(expected, abs=0.001)
    dots = [float(c.get(a, "")) for c in root.iter(f"{SVG}circle") for a in ("cx", "cy")]
    assert dots == pytest.approx(expected, abs=0.001)
