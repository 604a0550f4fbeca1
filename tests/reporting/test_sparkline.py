"""The public cards' trend lines, drawn on the server: geometry over plain numbers."""

from __future__ import annotations

from reporting.sparkline import HEIGHT, WIDTH, draw

PAD = HEIGHT / 12


def _points(polyline: str) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in polyline.split()]  # type: ignore[misc]


def test_fewer_than_two_figures_is_no_trend() -> None:
    assert draw([]) is None
    assert draw([None, 5.0, None]) is None


def test_the_lowest_figure_sits_at_the_bottom_and_the_highest_at_the_top() -> None:
    line = draw([10.0, 20.0, 15.0])
    assert line is not None
    assert _points(line.figures) == [
        (PAD, HEIGHT - PAD),
        (WIDTH / 2, PAD),
        (WIDTH - PAD, HEIGHT / 2),
    ]
    assert line.last == (WIDTH - PAD, HEIGHT / 2)
    assert line.target == ""


def test_targets_share_the_figures_scale() -> None:
    line = draw([10.0, 12.0], [20.0, 20.0])
    assert line is not None
    figures, target = _points(line.figures), _points(line.target)
    assert target == [(PAD, PAD), (WIDTH - PAD, PAD)]  # the target is the highest
    assert figures[0] == (PAD, HEIGHT - PAD)  # the lowest figure
    assert figures[1][1] == HEIGHT - PAD - 0.2 * (HEIGHT - 2 * PAD)


def test_a_missing_period_is_bridged_keeping_its_place() -> None:
    line = draw([1.0, None, 3.0, None])
    assert line is not None
    xs = [x for x, _ in _points(line.figures)]
    step = (WIDTH - 2 * PAD) / 3
    assert xs == [PAD, round(PAD + 2 * step, 1)]
    assert line.last == (round(PAD + 2 * step, 1), PAD)


def test_a_flat_series_runs_across_the_middle() -> None:
    line = draw([7.0, 7.0, 7.0])
    assert line is not None
    assert {y for _, y in _points(line.figures)} == {HEIGHT / 2}


def test_a_single_known_target_draws_no_target_line() -> None:
    line = draw([1.0, 2.0], [None, 5.0])
    assert line is not None and line.target == ""


def test_whole_pixels_when_asked() -> None:
    line = draw([1.0, None, 3.0, 2.5], digits=0)
    assert line is not None
    assert all(float(n).is_integer() for pair in _points(line.figures) for n in pair)
    assert line.last == (WIDTH - PAD, round(HEIGHT / 2 - 0.25 * (HEIGHT - 2 * PAD)))
