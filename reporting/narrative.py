""" "What changed": a short summary in plain English, drafted from the figures alone.

Pure rules over plain data (no database, no language model): the same figures always give the
same sentences, in the same order. A sentence is a list of parts, each either text or a measure
(by its code, with its title), so that a page renders measures as links and a PDF as plain text
with their codes. The performance team may rewrite the draft as text in which `[CODE]` names a
measure (`parse`), and `as_text` gives the draft back in that form.

What is compared: this pack's (or this month's) scorecard rows against the previous pack's (or
the previous month's). The headline is "x of y on target" against the previous one; then the
measures that turned Red and those that recovered from Red (to Green or Amber); the largest
movements against target (the change in percent of target, largest first, three at most, ties by
code); late returns; year-end forecasts whose RAG changed; benchmark quartiles that changed; and
service reviews running past their nine months.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

MOVEMENTS = 3
Part = dict[str, str]  # {"text": …} or {"code": …, "title": …}
Sentence = list[Part]
CODE = re.compile(r"\[([^\[\]\s]{1,40})\]")
RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", "grey": "Grey"}


@dataclass(frozen=True)
class Line:
    """A measure's row: its status, whether its return is late, and how far it is from target."""

    code: str
    title: str
    rag: str  # green, amber, red or grey
    late: bool = False
    percent: Decimal | None = None  # percent of target, higher is better (`percent_of_target`)
    forecast_rag: str | None = None


@dataclass(frozen=True)
class Figures:
    """One pack's or one month's rows, named by their period ("October 2026", "2026/27 Q2")."""

    label: str
    lines: Sequence[Line]
    quartiles: Mapping[str, tuple[str, int]] = field(default_factory=dict)  # code: metric, Q

    @property
    def green(self) -> int:
        return sum(1 for line in self.lines if line.rag == "green")

    @property
    def rated(self) -> int:
        return sum(1 for line in self.lines if line.rag in ("green", "amber", "red"))

    def by_code(self) -> dict[str, Line]:
        return {line.code: line for line in self.lines}

    def ordered(self) -> list[Line]:
        """The rows by code: the sentences do not depend on the order they came in."""
        return sorted(self.lines, key=lambda line: line.code)


def percent_of_target(
    actual: Decimal | None, target: Decimal | None, polarity: str
) -> Decimal | None:
    """How far an actual is from its target, as a percentage where 100 is on target and more is
    better: actual ÷ target for higher is better, target ÷ actual for lower is better. None for a
    range or no polarity, a missing figure, or a zero or negative one (no meaningful ratio)."""
    if actual is None or target is None or actual <= 0 or target <= 0:
        return None
    if polarity == "up":
        ratio = actual / target
    elif polarity == "down":
        ratio = target / actual
    else:
        return None
    return (ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def decimal_or_none(text: Any) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


def _text(text: str) -> Part:
    return {"text": text}


def _measure(line: Line) -> Part:
    return {"code": line.code, "title": line.title}


def _listed(lines: Sequence[Line], describe: Mapping[str, str] | None = None) -> list[Part]:
    """Measures joined as "A, B and C", each followed by its description if any."""
    parts: list[Part] = []
    for i, line in enumerate(lines):
        if i:
            parts.append(_text(" and " if i == len(lines) - 1 else ", "))
        parts.append(_measure(line))
        if describe and describe.get(line.code):
            parts.append(_text(f" {describe[line.code]}"))
    return parts


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def headline(current: Figures, previous: Figures | None) -> Sentence:
    now = f"{current.green} of {current.rated} on target"
    if previous is None:
        return [_text(f"{now} in {current.label}; there are no earlier figures to compare with.")]
    before = f"{previous.green} of {previous.rated}"
    if current.green > previous.green:
        change = f"up from {before}"
    elif current.green < previous.green:
        change = f"down from {before}"
    else:
        change = f"the same number as the {before}"
    return [_text(f"{now} in {current.label}, {change} in {previous.label}.")]


def turned_red(current: Figures, previous: Figures) -> list[Line]:
    before = previous.by_code()
    return [
        line
        for line in current.ordered()
        if line.rag == "red" and line.code in before and before[line.code].rag != "red"
    ]


def recovered(current: Figures, previous: Figures) -> list[Line]:
    before = previous.by_code()
    return [
        line
        for line in current.ordered()
        if line.rag in ("green", "amber") and line.code in before and before[line.code].rag == "red"
    ]


def movements(
    current: Figures, previous: Figures, limit: int = MOVEMENTS
) -> list[tuple[Line, Decimal]]:
    """The largest changes in percent of target (percentage points), largest first whichever the
    direction, then by code; changes of zero are not movements."""
    before = previous.by_code()
    moved = []
    for line in current.ordered():
        old = before.get(line.code)
        if line.percent is None or old is None or old.percent is None:
            continue
        change = line.percent - old.percent
        if change:
            moved.append((line, change))
    moved.sort(key=lambda pair: (-abs(pair[1]), pair[0].code))
    return moved[:limit]


def forecast_changes(current: Figures, previous: Figures) -> list[tuple[Line, str]]:
    before = previous.by_code()
    return [
        (line, old.forecast_rag)
        for line in current.ordered()
        if line.forecast_rag
        and (old := before.get(line.code)) is not None
        and old.forecast_rag
        and old.forecast_rag != line.forecast_rag
    ]


def quartile_changes(current: Figures, previous: Figures) -> list[tuple[Line, str, int, int]]:
    lines = current.by_code()
    found = []
    for code in sorted(current.quartiles):
        metric, quartile = current.quartiles[code]
        old = previous.quartiles.get(code)
        if code in lines and old is not None and old[1] != quartile:
            found.append((lines[code], metric, old[1], quartile))
    return found


def _points(change: Decimal) -> str:
    size = abs(change)
    word = "point" if size == 1 else "points"
    return f"{'up' if change > 0 else 'down'} {size:.1f} {word}"


def compose(
    current: Figures, previous: Figures | None, *, overrunning: Sequence[str] = ()
) -> list[Sentence]:
    """The draft: the headline, then each kind of change that happened, in a fixed order."""
    sentences = [headline(current, previous)]
    if previous is not None:
        red = turned_red(current, previous)
        if red:
            lead = f"{_count(len(red), 'measure', 'measures')} turned Red: "
            sentences.append([_text(lead), *_listed(red), _text(".")])
        back = recovered(current, previous)
        if back:
            words = {line.code: f"(now {RAG_WORDS[line.rag]})" for line in back}
            lead = f"{_count(len(back), 'measure', 'measures')} recovered from Red: "
            sentences.append([_text(lead), *_listed(back, words), _text(".")])
        moved = movements(current, previous)
        if moved:
            words = {
                line.code: f"({_points(change)} to {line.percent:.1f}% of target)"
                for line, change in moved
            }
            lead = "The largest movements against target: "
            sentences.append(
                [_text(lead), *_listed([line for line, _ in moved], words), _text(".")]
            )
        for line, old in forecast_changes(current, previous):
            sentences.append(
                [
                    _text("The year-end forecast of "),
                    _measure(line),
                    _text(
                        f" moved from {RAG_WORDS.get(old, old)} to "
                        f"{RAG_WORDS.get(line.forecast_rag or '', line.forecast_rag)}."
                    ),
                ]
            )
        for line, metric, old_q, new_q in quartile_changes(current, previous):
            better = "up" if new_q < old_q else "down"
            sentences.append(
                [
                    _measure(line),
                    _text(
                        f" moved {better} from quartile {old_q} to quartile {new_q} "
                        f"against its comparators ({metric})."
                    ),
                ]
            )
    late = [line for line in current.ordered() if line.late]
    if late:
        lead = f"{_count(len(late), 'return is', 'returns are')} late: "
        sentences.append([_text(lead), *_listed(late), _text(".")])
    if overrunning:
        names = list(overrunning)
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        lead = _count(len(names), "service review has", "service reviews have")
        sentences.append([_text(f"{lead} run past nine months: {joined}.")])
    if previous is not None and len(sentences) == 1:
        sentences.append([_text(f"No measure changed status since {previous.label}.")])
    return sentences


def plain(sentence: Sentence) -> str:
    """A sentence as plain text, each measure as "Title (CODE)"."""
    return "".join(
        f"{part['title']} ({part['code']})" if "code" in part else part["text"] for part in sentence
    )


def as_text(sentences: Iterable[Sentence]) -> str:
    """Sentences as the text the performance team edits: one a line, measures as [CODE]."""
    return "\n".join(
        "".join(f"[{part['code']}]" if "code" in part else part["text"] for part in sentence)
        for sentence in sentences
    )


class NarrativeError(ValueError):
    pass


def parse(text: str, titles: Mapping[str, str]) -> list[Sentence]:
    """Edited text back into sentences: one a line (blank lines dropped), `[CODE]` a measure
    of `titles` (the pack's measures). An unknown code is an error naming it."""
    sentences: list[Sentence] = []
    unknown: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        parts: Sentence = []
        at = 0
        for match in CODE.finditer(line):
            code = match.group(1)
            if code not in titles:
                unknown.append(code)
                continue
            if match.start() > at:
                parts.append(_text(line[at : match.start()]))
            parts.append({"code": code, "title": titles[code]})
            at = match.end()
        if at < len(line):
            parts.append(_text(line[at:]))
        sentences.append(parts)
    if unknown:
        names = ", ".join(f"[{code}]" for code in dict.fromkeys(unknown))
        raise NarrativeError(
            f"{names} {'is not a measure' if len(unknown) == 1 else 'are not measures'} of "
            "this pack. Write a measure's code in square brackets, e.g. [HS-01]."
        )
    if not sentences:
        raise NarrativeError("Write at least one sentence.")
    return sentences
