"""The savings plan's totals for a financial year, by source: target and delivered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fsr import rules
from fsr.models import SavingsLine


@dataclass(frozen=True)
class Total:
    label: str
    target: Decimal
    delivered: Decimal  # of the lines whose delivery is known
    lines: int
    unknown: int  # lines whose delivery is not known yet

    @property
    def delivered_pct(self) -> Decimal | None:
        if not self.target:
            return None
        return (self.delivered * rules.HUNDRED / self.target).quantize(rules.ONE_PLACE)

    @property
    def gap(self) -> Decimal:
        return self.target - self.delivered


def _total(label: str, lines: list[SavingsLine]) -> Total:
    return Total(
        label=label,
        target=sum((line.target for line in lines), Decimal(0)),
        delivered=sum((line.delivered for line in lines if line.delivered is not None), Decimal(0)),
        lines=len(lines),
        unknown=sum(1 for line in lines if line.delivered is None),
    )


def totals(lines: Iterable[SavingsLine]) -> tuple[list[Total], Total]:
    """One total per source that has lines (in the sources' order), and the grand total."""
    lines = list(lines)
    by_source = [
        _total(label, [line for line in lines if line.source == value])
        for value, label in SavingsLine.Source.choices
    ]
    return [t for t in by_source if t.lines], _total("All sources", lines)


def chart(by_source: list[Total]) -> dict[str, Any]:
    return {
        "labels": [t.label for t in by_source],
        "target": [float(t.target) for t in by_source],
        "delivered": [float(t.delivered) for t in by_source],
    }
