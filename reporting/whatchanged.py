"""The figures `reporting.narrative` compares, gathered from a pack's snapshot, from a
scorecard's rows, and from the service reviews; and the narrative a pack stores.

A pack's narrative is drafted when the pack is made and kept in its snapshot under `narrative`:
`draft` (sentences), `compared_with` (the period and whether the figures were the previous
pack's, as printed, or the previous period's as they stood when the pack was made, when there
was no earlier pack) and, once the performance team rewrites it, `edited` (sentences, who and
when). What is shown is the edited text if there is one, else the draft.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from fsr import rules as fsr_rules
from fsr.models import Review
from reporting import narrative
from reporting.narrative import Figures, Line, Sentence

if TYPE_CHECKING:
    from targets.models import Service
    from targets.scorecard import Headline, MeasureStatus

OPEN_REVIEWS = (Review.Status.PLANNED, Review.Status.IN_PROGRESS)


def from_statuses(
    label: str,
    statuses: Iterable[MeasureStatus | Headline],
    quartiles: dict[str, tuple[str, int]] | None = None,
) -> Figures:
    """The figures of a scorecard's rows (the dashboard's, or a period's when there is no pack),
    or of their headlines alone (`targets.scorecard.measure_headlines`: what the month before
    needs)."""
    lines = [
        Line(
            code=s.measure.code,
            title=s.measure.title,
            rag=s.rag.rag.value,
            late=s.late,
            percent=narrative.percent_of_target(
                s.actual, s.target.value if s.target else None, s.measure.polarity
            ),
            forecast_rag=s.forecast_rag.rag.value if s.forecast_rag else None,
        )
        for s in statuses
    ]
    return Figures(label=label, lines=lines, quartiles=quartiles or {})


def from_snapshot(data: dict[str, Any]) -> Figures:
    """The figures a pack printed, from its snapshot."""
    details = data.get("details", {})
    lines = [
        Line(
            code=r["code"],
            title=r["title"],
            rag=r["rag"],
            late=bool(r.get("late")),
            percent=narrative.percent_of_target(
                narrative.decimal_or_none(r.get("actual")),
                narrative.decimal_or_none(r.get("target")),
                details.get(r["code"], {}).get("polarity", ""),
            ),
            forecast_rag=r.get("forecast_rag"),
        )
        for r in data.get("rows", [])
    ]
    return Figures(
        label=data["period"]["label"], lines=lines, quartiles=quartiles(data.get("benchmarks", []))
    )


def quartiles(benchmarks: Iterable[dict[str, Any]]) -> dict[str, tuple[str, int]]:
    """Each measure's quartile among its nearest neighbours, from a snapshot's benchmarks."""
    found: dict[str, tuple[str, int]] = {}
    for b in benchmarks:
        nearest = b.get("nearest") or {}
        if b.get("measure") and nearest.get("quartile") and b["measure"] not in found:
            found[b["measure"]] = (b.get("title", ""), int(nearest["quartile"]))
    return found


def overrunning_reviews(today: date, services: Sequence[Service] | None = None) -> list[str]:
    """Service reviews still open past the nine months they may run, "title (service)", by start.
    `services` limits them to those services' reviews (a pack of one service)."""
    reviews = Review.objects.filter(status__in=OPEN_REVIEWS, start__lte=today).select_related(
        "service"
    )
    if services is not None:
        reviews = reviews.filter(service__in=services)
    return [
        f"{r.title} ({r.service.name})"
        for r in reviews.order_by("start", "pk")
        if fsr_rules.latest_planned_end(r.start) < today
    ]


def stored(
    current: Figures, previous: Figures | None, *, source: str, overrunning: Sequence[str]
) -> dict[str, Any]:
    """The narrative as a pack keeps it in its snapshot."""
    return {
        "draft": narrative.compose(current, previous, overrunning=overrunning),
        "compared_with": {"label": previous.label, "source": source} if previous else None,
        "edited": None,
    }


def of_rows(current: Figures, previous: Figures, *, overrunning: Sequence[str]) -> Narrative:
    """The narrative of a dashboard: drafted, never edited."""
    draft = narrative.compose(current, previous, overrunning=overrunning)
    return Narrative(
        sentences=draft,
        draft=draft,
        compared_with={"label": previous.label, "source": "figures"},
    )


@dataclass(frozen=True)
class Narrative:
    """A pack's narrative as shown: the edited text if any, else the draft."""

    sentences: list[Sentence]
    draft: list[Sentence]
    compared_with: dict[str, str] | None
    edited_by: str = ""
    edited_at: datetime | None = None

    @property
    def title(self) -> str:
        since = self.compared_with["label"] if self.compared_with else ""
        return f"What changed since {since}" if since else "What changed"

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    @property
    def text(self) -> str:
        """As the performance team edits it: one sentence a line, measures as [CODE]."""
        return narrative.as_text(self.sentences)

    @property
    def plain(self) -> list[str]:
        return [narrative.plain(s) for s in self.sentences]

    def as_dict(self) -> dict[str, Any]:
        """The API's representation."""
        return {
            "sentences": [{"text": narrative.plain(s), "parts": s} for s in self.sentences],
            "compared_with": self.compared_with,
            "edited": self.is_edited,
            "edited_by": self.edited_by or None,
            "edited_at": self.edited_at,
        }


def of_snapshot(data: dict[str, Any] | None) -> Narrative | None:
    """The narrative a snapshot keeps; None for packs made before there was one."""
    kept = (data or {}).get("narrative")
    if not kept:
        return None
    edited = kept.get("edited")
    if edited:
        return Narrative(
            sentences=edited["sentences"],
            draft=kept["draft"],
            compared_with=kept.get("compared_with"),
            edited_by=edited.get("by", ""),
            edited_at=datetime.fromisoformat(edited["at"]),
        )
    return Narrative(
        sentences=kept["draft"], draft=kept["draft"], compared_with=kept.get("compared_with")
    )
