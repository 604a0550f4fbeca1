"""The shape of a demo measure definition, and the short names the definition tables use.

The names are the values of `Measure`'s choices, so the builder converts them with `Measure.Unit(x)`
and friends, which also checks every table entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from targets.rules import TargetSpec, round_to

PCT, COUNT, GBP, DAYS, SCORE = "percent", "count", "currency", "days", "score"
UP, DOWN, RANGE, NONE = "up", "down", "range", "none"
MONTHLY, QUARTERLY, ANNUAL = "monthly", "quarterly", "annual"
SNAPSHOT, SUM, MEAN, RATIO = "snapshot", "sum", "mean", "ratio"
CORPORATE, SERVICE, NATIONAL, CONTEXTUAL = "corporate", "service", "national", "contextual"

# Financial years of the demo: targets and values for 2024/25, 2025/26 and 2026/27.
FIRST_YEAR = 2024
YEARS = (2024, 2025, 2026)
# The year whose targets a few measures profile period by period.
PROFILE_YEAR = 2026

_DEFINITIONS = {
    SNAPSHOT: "Position at the end of the period; the year to date is the latest period.",
    SUM: "Total for the period; the year to date is the running total.",
    MEAN: "Average for the period; the year to date is the mean of the periods so far.",
    RATIO: (
        "Numerator ÷ denominator for the period; the year to date is Σ numerator ÷ "
        "Σ denominator, never an average of the periods' percentages."
    ),
}


@dataclass(frozen=True)
class M:
    """One demo measure.

    `base` is the 2024/25 annual target ("95"), a range ("3:6"), or for a data-only measure its
    typical value per period. `tol` is the Amber band: "5%" of the target or an absolute amount
    ("0.5"). `den` is a ratio measure's typical denominator per period. `step` is the yearly
    change of the target (by default a small step in the good direction). `profile` holds the
    weights of a profiled target in PROFILE_YEAR. `form` fixes how well the measure performs
    ("strong" or "weak"; by default drawn at random).
    """

    code: str
    service: str
    title: str
    unit: str
    decimals: int
    polarity: str
    frequency: str
    aggregation: str
    base: str
    tol: str = "5%"
    kind: str = SERVICE
    priority: int | None = None
    den: int = 0
    step: str | None = None
    public: bool = False
    scrutiny: bool = False
    due_days: int = 10
    profile: tuple[int, ...] = ()
    last_target_year: int | None = None
    form: str = ""
    definition: str = ""
    source: str = ""
    active_from: int = FIRST_YEAR

    @property
    def tolerance_pct(self) -> Decimal | None:
        return Decimal(self.tol[:-1]) if self.tol.endswith("%") else None

    @property
    def tolerance_abs(self) -> Decimal | None:
        return None if self.tol.endswith("%") else Decimal(self.tol)

    @property
    def definition_text(self) -> str:
        return self.definition or _DEFINITIONS[self.aggregation]

    @property
    def level(self) -> Decimal:
        """A data-only measure's typical value per period (a range's lower bound)."""
        return Decimal(self.base.split(":")[0])

    def target(self, year: int) -> TargetSpec | None:
        """The annual target for `year`, whether or not the demo stores it."""
        if self.polarity == NONE:
            return None
        if self.polarity == RANGE:
            lower, upper = self.base.split(":")
            return TargetSpec(lower=Decimal(lower), upper=Decimal(upper))
        value = Decimal(self.base) + self._step * (year - FIRST_YEAR)
        if self.unit == PCT:
            value = min(value, Decimal(100))
        return TargetSpec(value=round_to(max(value, Decimal(0)), self.decimals))

    def stores_target(self, year: int) -> bool:
        return self.polarity != NONE and (
            self.last_target_year is None or year <= self.last_target_year
        )

    @property
    def _step(self) -> Decimal:
        if self.step is not None:
            step = Decimal(self.step)
        elif self.unit == PCT:
            base = Decimal(self.base)
            step = Decimal(1) if base <= 90 else Decimal("0.5") if base < 99 else Decimal(0)
        else:
            step = round_to(Decimal(self.base) * Decimal("0.03"), self.decimals)
        return step if self.polarity == UP else -step
