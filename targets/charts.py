"""Chart data for a measure page: actual against target and the Amber band, oldest first."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from targets import rules
from targets.models import Measure
from targets.scorecard import HistoryRow


def _amber_band(measure: Measure, target: rules.TargetSpec | None) -> tuple[Any, Any]:
    """The band a value may fall in and still be Amber (None where there is none)."""
    if target is None:
        return None, None

    def tol(reference: Decimal) -> Decimal:
        return rules.tolerance_amount(
            reference, tolerance_pct=measure.tolerance_pct, tolerance_abs=measure.tolerance_abs
        )

    polarity = measure.rules_polarity
    if polarity == rules.Polarity.UP and target.value is not None:
        return float(target.value - tol(target.value)), float(target.value)
    if polarity == rules.Polarity.DOWN and target.value is not None:
        return float(target.value), float(target.value + tol(target.value))
    if polarity == rules.Polarity.RANGE and target.lower is not None and target.upper is not None:
        return float(target.lower - tol(target.lower)), float(target.upper + tol(target.upper))
    return None, None


def measure_chart(measure: Measure, rows: list[HistoryRow]) -> dict[str, Any]:
    """Series for plotly, through json_script. Floats are fine here: they are only drawn."""
    ordered = sorted(rows, key=lambda r: r.period)
    bands = [_amber_band(measure, r.target) for r in ordered]
    return {
        "x": [r.period.label for r in ordered],
        "actual": [float(r.value.actual) if r.value.actual is not None else None for r in ordered],
        "target": [
            float(r.target.value) if r.target and r.target.value is not None else None
            for r in ordered
        ],
        "band_low": [low for low, _ in bands],
        "band_high": [high for _, high in bands],
        "status": [r.rag.label for r in ordered],
        "unit": measure.get_unit_display(),
        "title": f"{measure.code} {measure.title}",
    }
