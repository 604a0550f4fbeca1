"""The risk register's scoring rules as plain functions (no Django).

- A risk is scored twice on the council's matrix: inherent (before its controls) and residual
  (with them). Each score is likelihood × impact, both from 1 to the matrix's size (4 or 5).
- Bands: a score below `medium_from` is Low, below `high_from` Medium, otherwise High. The
  defaults are the usual ones for each size: 5×5 Low 1–4, Medium 5–12, High 15–25; 4×4 Low 1–3,
  Medium 4–8, High 9–16.
- Controls cannot make a risk worse: the residual likelihood and impact are each at most the
  inherent ones.
- A risk is overdue for review the day after its review date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

SIZES = (4, 5)
DEFAULT_BANDS: dict[int, tuple[int, int]] = {4: (4, 9), 5: (5, 15)}


class Band(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def symbol(self) -> str:
        """Shown beside the colour, so that a band is never told by colour alone."""
        return {Band.LOW: "▽", Band.MEDIUM: "◇", Band.HIGH: "▲"}[self]

    @property
    def rank(self) -> int:
        return {Band.LOW: 1, Band.MEDIUM: 2, Band.HIGH: 3}[self]


@dataclass(frozen=True)
class Matrix:
    """The council's risk matrix: its size and where Medium and High start."""

    size: int = 5
    medium_from: int = 5
    high_from: int = 15

    def problem(self) -> str | None:
        """Why this matrix cannot be used, or None when it can."""
        if self.size not in SIZES:
            return f"A risk matrix is 4×4 or 5×5, not {self.size}×{self.size}."
        top = self.size * self.size
        if not 2 <= self.medium_from < self.high_from <= top:
            return (
                f"Medium must start above 1 and below High, and High at most at {top} "
                f"(the highest score on a {self.size}×{self.size} matrix): "
                f"Medium from {self.medium_from}, High from {self.high_from} will not do."
            )
        return None

    def band(self, score: int) -> Band:
        if score >= self.high_from:
            return Band.HIGH
        if score >= self.medium_from:
            return Band.MEDIUM
        return Band.LOW

    @property
    def scale(self) -> range:
        return range(1, self.size + 1)

    def cells(self) -> list[list[tuple[int, int, int, Band]]]:
        """The matrix as rows from the highest likelihood down; each cell (likelihood, impact,
        score, band), impact rising left to right, as a heat map is drawn."""
        return [
            [(lk, im, lk * im, self.band(lk * im)) for im in self.scale]
            for lk in reversed(self.scale)
        ]


def default_matrix(size: int) -> Matrix:
    medium_from, high_from = DEFAULT_BANDS[size]
    return Matrix(size, medium_from, high_from)


def score(likelihood: int, impact: int) -> int:
    return likelihood * impact


def rating_problem(matrix: Matrix, name: str, value: int | None) -> str | None:
    """Why `value` cannot be a likelihood or impact (`name`) on the matrix, or None."""
    if value is None:
        return f"Give the {name}."
    if not 1 <= value <= matrix.size:
        return (
            f"The {name} is scored from 1 to {matrix.size} on the council's "
            f"{matrix.size}×{matrix.size} matrix, not {value}."
        )
    return None


def residual_problem(inherent: tuple[int, int], residual: tuple[int, int]) -> dict[str, str] | None:
    """Controls reduce a risk or leave it as it is; they never raise its likelihood or impact."""
    problems: dict[str, str] = {}
    for i, name in enumerate(("likelihood", "impact")):
        if residual[i] > inherent[i]:
            problems[name] = (
                f"The residual {name} ({residual[i]}) cannot be higher than the inherent "
                f"{name} ({inherent[i]}): controls do not make a risk more likely or worse."
            )
    return problems or None


def is_review_overdue(review_date: date | None, today: date) -> bool:
    return review_date is not None and today > review_date


def top(risks: list[tuple[int, int, str]], n: int = 5) -> list[tuple[int, int, str]]:
    """The `n` risks that matter most, from (residual score, inherent score, reference):
    highest residual first, then highest inherent, then by reference."""
    return sorted(risks, key=lambda r: (-r[0], -r[1], r[2]))[:n]


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


def overall_rag(*rags: str) -> Rag:
    """A programme's or project's overall status: the worst of time, cost and scope."""
    if Rag.RED in rags:
        return Rag.RED
    if Rag.AMBER in rags:
        return Rag.AMBER
    return Rag.GREEN
