"""The "what changed" rules on hand-made rows (reporting.narrative: pure, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reporting import narrative
from reporting.narrative import Figures, Line


def figures(
    label: str, *lines: Line, quartiles: dict[str, tuple[str, int]] | None = None
) -> Figures:
    return Figures(label=label, lines=list(lines), quartiles=quartiles or {})


def line(code: str, rag: str, percent: str | None = None, **kw: object) -> Line:
    return Line(
        code=code,
        title=f"Title {code}",
        rag=rag,
        percent=Decimal(percent) if percent is not None else None,
        **kw,  # type: ignore[arg-type]
    )


def texts(sentences: list[narrative.Sentence]) -> list[str]:
    return [narrative.plain(s) for s in sentences]


def codes(sentence: narrative.Sentence) -> list[str]:
    return [p["code"] for p in sentence if "code" in p]


def test_headline_up() -> None:
    now = figures("October 2026", line("A", "green"), line("B", "green"), line("C", "red"))
    before = figures("September 2026", line("A", "green"), line("B", "amber"), line("C", "red"))
    assert texts([narrative.headline(now, before)]) == [
        "2 of 3 on target in October 2026, up from 1 of 3 in September 2026."
    ]


def test_headline_down_counts_only_rated_rows() -> None:
    now = figures("Q2", line("A", "amber"), line("B", "grey"))
    before = figures("Q1", line("A", "green"), line("B", "green"))
    assert texts([narrative.headline(now, before)]) == [
        "0 of 1 on target in Q2, down from 2 of 2 in Q1."
    ]


def test_headline_same() -> None:
    now = figures("Q2", line("A", "green"), line("B", "red"))
    before = figures("Q1", line("A", "red"), line("B", "green"))
    assert "the same number as the 1 of 2 in Q1" in texts([narrative.headline(now, before)])[0]


def test_headline_without_previous_says_so() -> None:
    sentences = narrative.compose(figures("Q2", line("A", "green")), None)
    assert texts(sentences) == [
        "1 of 1 on target in Q2; there are no earlier figures to compare with."
    ]


def test_turned_red_and_recovered_name_exactly_those_measures() -> None:
    now = figures(
        "Q2",
        line("A", "red"),  # amber → red: turned red
        line("B", "red"),  # red → red: neither
        line("C", "green"),  # red → green: recovered
        line("D", "amber"),  # red → amber: recovered
        line("E", "grey"),  # red → grey: not recovered (no data is not a recovery)
        line("F", "red"),  # new measure: nothing to compare with
        line("G", "red"),  # grey → red: turned red
    )
    before = figures(
        "Q1",
        line("A", "amber"),
        line("B", "red"),
        line("C", "red"),
        line("D", "red"),
        line("E", "red"),
        line("G", "grey"),
    )
    sentences = narrative.compose(now, before)
    assert texts(sentences)[1] == "2 measures turned Red: Title A (A) and Title G (G)."
    assert codes(sentences[1]) == ["A", "G"]
    assert texts(sentences)[2] == (
        "2 measures recovered from Red: Title C (C) (now Green) and Title D (D) (now Amber)."
    )
    assert codes(sentences[2]) == ["C", "D"]


def test_largest_movements_are_ordered_by_size_whatever_the_direction() -> None:
    now = figures(
        "Q2",
        line("A", "green", "110.0"),  # +5
        line("B", "red", "70.0"),  # -20
        line("C", "green", "101.0"),  # +1
        line("D", "green", "130.0"),  # +12
        line("E", "green", "100.0"),  # 0: not a movement
    )
    before = figures(
        "Q1",
        line("A", "green", "105.0"),
        line("B", "amber", "90.0"),
        line("C", "green", "100.0"),
        line("D", "green", "118.0"),
        line("E", "green", "100.0"),
    )
    moved = narrative.movements(now, before)
    assert [(m.code, change) for m, change in moved] == [
        ("B", Decimal("-20.0")),
        ("D", Decimal("12.0")),
        ("A", Decimal("5.0")),
    ]
    sentence = narrative.plain(narrative.compose(now, before)[2])
    assert sentence == (
        "The largest movements against target: Title B (B) (down 20.0 points to 70.0% of "
        "target), Title D (D) (up 12.0 points to 130.0% of target) and Title A (A) (up 5.0 "
        "points to 110.0% of target)."
    )


def test_ties_in_movement_are_broken_by_code() -> None:
    now = figures("Q2", *(line(c, "green", "110.0") for c in ("Z", "M", "B", "K")))
    before = figures("Q1", *(line(c, "green", "100.0") for c in ("Z", "M", "B", "K")))
    assert [m.code for m, _ in narrative.movements(now, before)] == ["B", "K", "M"]
    # The same rows in another order give the same sentences.
    shuffled = figures("Q2", *reversed(list(now.lines)))
    assert narrative.compose(shuffled, before) == narrative.compose(now, before)
    assert [m.code for m, _ in narrative.movements(shuffled, before)] == ["B", "K", "M"]


def test_lists_of_measures_are_in_code_order_whatever_the_rows_order() -> None:
    now = figures("Q2", line("Z", "red", late=True), line("A", "red", late=True))
    before = figures("Q1", line("A", "green"), line("Z", "green"))
    sentences = narrative.compose(now, before)
    assert [codes(s) for s in sentences[1:]] == [["A", "Z"], ["A", "Z"]]


@pytest.mark.parametrize(
    ("actual", "target", "polarity", "expected"),
    [
        ("45", "50", "up", "90.0"),
        ("55", "50", "down", "90.9"),
        ("50", "50", "down", "100.0"),
        ("0", "50", "up", None),
        ("45", "0", "up", None),
        ("45", "50", "range", None),
        ("45", "50", "none", None),
        (None, "50", "up", None),
    ],
)
def test_percent_of_target(
    actual: str | None, target: str, polarity: str, expected: str | None
) -> None:
    found = narrative.percent_of_target(
        Decimal(actual) if actual is not None else None, Decimal(target), polarity
    )
    assert found == (Decimal(expected) if expected is not None else None)


def test_late_returns_forecasts_quartiles_and_reviews() -> None:
    now = figures(
        "Q2",
        line("A", "grey", late=True),
        line("B", "green", forecast_rag="red"),
        line("C", "green", forecast_rag="green"),
        line("D", "green"),
        quartiles={"D": ("Household waste recycled", 2)},
    )
    before = figures(
        "Q1",
        line("A", "grey"),
        line("B", "green", forecast_rag="amber"),
        line("C", "green", forecast_rag="green"),
        line("D", "green"),
        quartiles={"D": ("Household waste recycled", 3)},
    )
    found = texts(narrative.compose(now, before, overrunning=["Waste review (Waste)"]))
    assert found[1:] == [
        "The year-end forecast of Title B (B) moved from Amber to Red.",
        "Title D (D) moved up from quartile 3 to quartile 2 against its comparators "
        "(Household waste recycled).",
        "1 return is late: Title A (A).",
        "1 service review has run past nine months: Waste review (Waste).",
    ]


def test_nothing_changed_is_said() -> None:
    now = figures("Q2", line("A", "green", "100.0"))
    before = figures("Q1", line("A", "green", "100.0"))
    assert texts(narrative.compose(now, before))[1] == "No measure changed status since Q1."


def test_edited_text_round_trips_and_links_known_codes() -> None:
    sentences = [
        [{"text": "Turned Red: "}, {"code": "CP10", "title": "Recycling"}, {"text": "."}],
        [{"text": "All else steady."}],
    ]
    text = narrative.as_text(sentences)
    assert text == "Turned Red: [CP10].\nAll else steady."
    assert narrative.parse(text + "\n\n", {"CP10": "Recycling"}) == sentences


def test_edited_text_with_an_unknown_code_is_refused_naming_it() -> None:
    with pytest.raises(narrative.NarrativeError, match=r"\[XX9\] is not a measure of this pack"):
        narrative.parse("See [CP10] and [XX9].", {"CP10": "Recycling"})


def test_empty_edited_text_is_refused() -> None:
    with pytest.raises(narrative.NarrativeError, match="at least one sentence"):
        narrative.parse(" \n ", {})
