"""The board slides: a run's pack as a PowerPoint deck (python-pptx), from the same snapshot as
its PDF, so that both carry the same figures.

Every word is editable text (titles in the slides' title placeholders, tables as PowerPoint
tables, facts in text frames); only the charts are pictures, the PDF's matplotlib charts drawn
as PNG, each with its alternative text in the picture's `descr`. Figures are formatted as the
PDF formats them (`Measure.format`, the `target_text` tag, the statuses' words).

The slides: the title; "What changed" (the snapshot's narrative, or `what_changed`); the summary
with the trend; each priority's scorecard table with its status chart (a priority of more than
ROWS_PER_SLIDE measures continues on further slides); one slide per Red measure.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from reporting.packs import charts
from reporting.packs.snapshot import Pack
from targets.models import Priority
from targets.rules import Direction, Rag, RagResult
from targets.scorecard import MeasureStatus
from targets.templatetags.goldthread import target_text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ROWS_PER_SLIDE = 10  # beyond this a table's text gets too small to read across a room
WIDE = Inches(13.333)  # 16:9
HIGH = Inches(7.5)
MARGIN = Inches(0.5)
TITLE_ONLY = 5
TITLE_SLIDE = 0
INK = RGBColor(0x0B, 0x0C, 0x0C)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
MUTED = RGBColor(0x50, 0x5A, 0x5F)
HEADER = RGBColor(0x1D, 0x4F, 0x91)  # the charts' blue: white on it is 8.6:1 (the theme's, 3.7:1)
# Light tints behind a status's words, dark text on each (contrast above 7:1).
TINTS = {
    Rag.GREEN: RGBColor(0xCC, 0xE2, 0xD8),
    Rag.AMBER: RGBColor(0xFF, 0xF0, 0xC2),
    Rag.RED: RGBColor(0xF6, 0xD7, 0xD2),
    Rag.GREY: RGBColor(0xE5, 0xE6, 0xE7),
}
COLUMNS = (
    ("Measure", 3.3),
    ("Period", 1.2),
    ("Actual", 1.1),
    ("Target", 1.1),
    ("Status", 1.5),
    ("Since last period", 1.3),
)


def status_text(result: RagResult, *, late: bool = False) -> str:
    """A status in words, as the PDF has it with its symbol, named by its colour too:
    "Red: ✗ Off target", "Grey: – No data; Late"."""
    text = f"{result.rag.value.capitalize()}: {result.symbol} {result.label}"
    return f"{text}; Late" if late else text


def direction_text(direction: Direction | None) -> str:
    return "Not known" if direction is None else f"{direction.arrow} {direction.label}"


def period_text(row: MeasureStatus, *, always_reported: bool = False) -> str:
    """The row's period, and when it was reported if that is news (as `_row_period.html`)."""
    text = row.period.label
    if row.reported and (always_reported or not row.due):
        text += f", reported {row.reported.strftime('%b %Y')}"
    return text


def actual_text(row: MeasureStatus) -> str:
    text = row.measure.format(row.actual)
    if row.not_yet_approved:
        text += " (not yet approved)"
    if row.value is not None and row.value.dq_flag in ("estimated", "provisional"):
        text += f" ({row.value.get_dq_flag_display().lower()})"
    return text


def ytd_text(row: MeasureStatus) -> str:
    if row.ytd_actual is None:
        return "–"
    text = row.measure.format(row.ytd_actual)
    if row.ytd_target:
        text += f" of {target_text(row.measure, row.ytd_target)}"
    text += f", {status_text(row.ytd_rag)}"
    return f"{text} ({row.ytd_span})" if row.ytd_span else text


def priority_name(priority: Priority | None) -> str:
    return (
        f"{priority.number}. {priority.name}" if priority else "Measures not linked to a priority"
    )


def build(pack: Pack, *, version: int = 1, what_changed: Sequence[str] | None = None) -> Deck:
    """The deck of a pack. `what_changed`: "what changed" sentences (plain strings) to show
    instead of the snapshot's own narrative; a pack made before narratives has none."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDE, HIGH
    _properties(deck, pack)
    _title_slide(deck, pack, version)
    # Issue 19 point 1: the snapshot's "what changed" (as the team edited it, else the draft),
    # unless the caller gives its own sentences.
    found = pack.narrative
    if what_changed is None and found is not None:
        note = (
            f"Edited by {found.edited_by} on {found.edited_at:%-d %B %Y}."
            if found.is_edited and found.edited_at
            else "Drafted from the figures alone."
        )
        what_changed_slides(deck, pack, found.plain, title=found.title, note=note)
    elif what_changed:
        what_changed_slides(deck, pack, what_changed)
    _summary_slide(deck, pack)
    for priority, rows in pack.card.by_priority:
        _priority_slides(deck, pack, priority, rows)
    pictures = charts.MeasurePngs()
    for row in pack.red:
        _red_slide(deck, pack, row, pictures)
    return deck


def write_pptx(
    pack: Pack, target: Path, *, version: int = 1, what_changed: Sequence[str] | None = None
) -> int:
    """Write the pack's deck to `target`; return its number of slides."""
    deck = build(pack, version=version, what_changed=what_changed)
    deck.save(str(target))
    return len(deck.slides)


def _properties(deck: Deck, pack: Pack) -> None:
    data = pack.data
    props = deck.core_properties
    props.title = f"{data['schedule']['name']}, {pack.period.label}"
    props.author = data["council"]
    props.last_modified_by = data["council"]
    props.subject = data["summary"]["text"]
    props.language = "en-GB"
    # The run's time, not the clock's: the same snapshot makes the same deck.
    props.created = props.modified = pack.generated_at.replace(tzinfo=None)
    props.revision = 1


def _slide(deck: Deck, pack: Pack, title: str) -> Slide:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    heading = slide.shapes.title
    assert heading is not None
    heading.left, heading.top = MARGIN, Inches(0.3)
    heading.width, heading.height = WIDE - 2 * MARGIN, Inches(0.9)
    heading.text = title
    frame = heading.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(28)
            run.font.bold = True
            run.font.color.rgb = INK
    _footer(slide, pack)
    return slide


def _footer(slide: Slide, pack: Pack) -> None:
    data = pack.data
    state = "Final" if pack.is_final else "Draft"
    text = f"{data['council']} · {data['schedule']['name']} · {pack.period.label} · {state}"
    _text(slide, text, MARGIN, HIGH - Inches(0.45), WIDE - 2 * MARGIN, Inches(0.3), size=10)


def _text(
    slide: Slide,
    lines: str | Sequence[str],
    left: int,
    top: int,
    width: int,
    height: int,
    *,
    size: int = 14,
    bold_first: bool = False,
    bullets: bool = False,
) -> None:
    """A text frame of one paragraph per line (editable, wrapped, shrunk to fit if need be)."""
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for i, line in enumerate([lines] if isinstance(lines, str) else lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = f"• {line}" if bullets else line
        run.font.size = Pt(size)
        run.font.color.rgb = MUTED if size <= 10 else INK
        run.font.bold = bold_first and i == 0
        if bullets:
            paragraph.space_after = Pt(8)


def _picture(slide: Slide, png: bytes, alt: str, left: int, top: int, width: int) -> None:
    picture = slide.shapes.add_picture(io.BytesIO(png), Emu(left), Emu(top), width=Emu(width))
    # What a screen reader reads instead of the picture (PowerPoint's "Alt Text").
    picture._element.nvPicPr.cNvPr.set("descr", alt)  # type: ignore[union-attr]


def _title_slide(deck: Deck, pack: Pack, version: int) -> None:
    data = pack.data
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_SLIDE])
    title = slide.shapes.title
    assert title is not None
    title.left, title.top = MARGIN, Inches(1.6)
    title.width, title.height = WIDE - 2 * MARGIN, Inches(1.5)
    title.text = data["schedule"]["name"]
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top = MARGIN, Inches(3.2)
    subtitle.width, subtitle.height = WIDE - 2 * MARGIN, Inches(3.4)
    period = pack.period
    figures = (
        "including values submitted but not yet approved (marked “not yet approved”)"
        if pack.internal
        else "published values only"
    )
    status = (
        "Final: every measure due has its value, and every value is published."
        if pack.is_final
        else "Draft: some values are missing or not yet published."
    )
    made = f"{pack.generated_at:%-d %B %Y, %H:%M}" + (
        f" (version {version})" if version > 1 else ""
    )
    lines = [
        data["council"],
        f"{period.label} ({period.start:%-d %B %Y} to {period.end:%-d %B %Y})",
        f"Reported to: {data['schedule']['audience']}",
        f"Figures as at {pack.month.label}, {figures}",
        f"Produced {made}",
        status,
    ]
    frame = subtitle.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.LEFT
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(24 if i == 0 else 16)
        run.font.bold = i == 0
        run.font.color.rgb = INK
    for paragraph in title.text_frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT


def what_changed_slides(
    deck: Deck,
    pack: Pack,
    sentences: Sequence[str],
    *,
    title: str = "What changed",
    note: str = "",
    per: int = 8,
) -> None:
    """The "what changed" summary (`reporting/narrative.py`'s sentences, as plain strings), one
    bullet per sentence, continued beyond `per` sentences; `note` says who wrote it."""
    parts = [sentences[i : i + per] for i in range(0, len(sentences), per)]
    for n, part in enumerate(parts, start=1):
        heading = title + (f" ({n} of {len(parts)})" if len(parts) > 1 else "")
        slide = _slide(deck, pack, heading)
        if note:
            _text(slide, note, MARGIN, Inches(6.5), WIDE - 2 * MARGIN, Inches(0.4), size=12)
        _text(
            slide,
            list(part),
            MARGIN,
            Inches(1.4),
            WIDE - 2 * MARGIN,
            Inches(5.0),
            size=20,
            bullets=True,
        )


def _summary_slide(deck: Deck, pack: Pack) -> None:
    summary = pack.card.summary
    slide = _slide(deck, pack, f"Summary, {pack.month.label}: {summary.text}")
    counts = [
        f"Green (on target): {summary.green}",
        f"Amber (within tolerance): {summary.amber}",
        f"Red (off target): {summary.red}",
        f"Grey (not rated): {summary.grey}, of which late: {summary.late}",
    ]
    counts += [f"{priority_name(p)}: {s.text}" for p, s in pack.priority_summaries]
    _text(slide, counts, MARGIN, Inches(1.4), Inches(4.6), Inches(5.4), size=16)
    trend = pack.card.trend
    if trend:
        _text(
            slide,
            f"Measures on target, last {len(trend)} months",
            Inches(5.4),
            Inches(1.4),
            Inches(7.4),
            Inches(0.4),
            size=16,
            bold_first=True,
        )
        png = charts.trend_png(trend)
        _picture(slide, png, charts.trend_alt(trend), Inches(5.4), Inches(1.9), Inches(7.4))


def _priority_slides(
    deck: Deck, pack: Pack, priority: Priority | None, rows: list[MeasureStatus]
) -> None:
    name = priority_name(priority)
    parts = [rows[i : i + ROWS_PER_SLIDE] for i in range(0, len(rows), ROWS_PER_SLIDE)]
    counts = dict(pack.priority_summaries)[priority]
    for n, part in enumerate(parts, start=1):
        title = name + (f" ({n} of {len(parts)})" if len(parts) > 1 else "")
        slide = _slide(deck, pack, title)
        _text(
            slide,
            f"{pack.month.label}: {counts.text}",
            MARGIN,
            Inches(1.2),
            Inches(8),
            Inches(0.4),
            size=16,
        )
        _scorecard_table(slide, part)
        if n == 1:
            _picture(
                slide,
                charts.status_png(counts),
                charts.status_alt(name, counts),
                Inches(10.15),
                Inches(1.7),
                Inches(2.7),
            )


def _scorecard_table(slide: Slide, rows: list[MeasureStatus]) -> None:
    widths = [Inches(w) for _, w in COLUMNS]
    shape = slide.shapes.add_table(
        len(rows) + 1,
        len(COLUMNS),
        MARGIN,
        Inches(1.7),
        Emu(sum(widths)),
        Emu(Inches(0.4) * (len(rows) + 1)),
    )
    table = shape.table
    for i, width in enumerate(widths):
        table.columns[i].width = width
    for i, (heading, _) in enumerate(COLUMNS):
        _cell(table.cell(0, i), heading, bold=True)
        table.cell(0, i).fill.solid()
        table.cell(0, i).fill.fore_color.rgb = HEADER
    for r, row in enumerate(rows, start=1):
        figures = [
            f"{row.measure.code} {row.measure.title}",
            period_text(row),
            actual_text(row),
            target_text(row.measure, row.target),
            status_text(row.rag, late=row.late),
            direction_text(row.dot_short),
        ]
        for c, text in enumerate(figures):
            _cell(table.cell(r, c), text)
        status = table.cell(r, 4)
        status.fill.solid()
        status.fill.fore_color.rgb = TINTS[row.rag.rag]


def _cell(cell: object, text: str, *, bold: bool = False) -> None:
    frame = cell.text_frame  # type: ignore[attr-defined]
    frame.word_wrap = True
    frame.text = text
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(11)
            run.font.bold = bold
            run.font.color.rgb = WHITE if bold else INK
    cell.margin_top = cell.margin_bottom = Inches(0.03)  # type: ignore[attr-defined]


def _red_slide(deck: Deck, pack: Pack, row: MeasureStatus, pictures: charts.MeasurePngs) -> None:
    measure = row.measure
    slide = _slide(deck, pack, f"Off target (Red): {measure.code} {measure.title}")
    facts = [
        f"Service: {measure.service.name}",
        f"Period: {period_text(row, always_reported=True)}",
        f"Actual: {actual_text(row)}",
        f"Target: {target_text(measure, row.target)}",
        f"Status: {status_text(row.rag, late=row.late)}",
        f"Since last period: {direction_text(row.dot_short)}",
        f"Since last year: {direction_text(row.dot_long)}",
        f"Year to date: {ytd_text(row)}",
    ]
    _text(slide, facts, MARGIN, Inches(1.3), Inches(4.9), Inches(3.2), size=14)
    png = pictures(row.history, row.target)
    if png is not None:
        alt = charts.measure_alt(measure, row.history, row.target)
        _picture(slide, png, alt, Inches(5.6), Inches(1.3), Inches(7.2))
    value = row.value
    commentary = (value.commentary if value else "") or "None given."
    action = (value.corrective_action if value else "") or "None given."
    half = (WIDE - 2 * MARGIN - Inches(0.3)) // 2
    top, height = Inches(4.6), Inches(2.3)
    _text(slide, ["Commentary", commentary], MARGIN, top, half, height, bold_first=True)
    _text(
        slide,
        ["Corrective action", action],
        MARGIN + half + Inches(0.3),
        top,
        half,
        height,
        bold_first=True,
    )
