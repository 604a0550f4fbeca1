"""The rules a proposed target keeps, over plain values (no Django): the figures its polarity
needs, and a profile of the year's own periods."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from targets import periods


class ProposalError(Exception):
    """A proposal or decision the rules refuse; the message is for the person who asked, `field`
    names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def check_figures(
    *, is_range: bool, value: Decimal | None, lower: Decimal | None, upper: Decimal | None
) -> None:
    if is_range:
        if lower is None or upper is None:
            raise ProposalError(
                "This measure has a target range: give its lower and upper bounds.",
                "lower" if lower is None else "upper",
            )
        if lower > upper:
            raise ProposalError("The upper bound is below the lower bound.", "upper")
        if value is not None:
            raise ProposalError("A target range has no single target: leave it empty.", "value")
    else:
        if value is None:
            raise ProposalError("Enter the annual target.", "value")
        if lower is not None or upper is not None:
            raise ProposalError(
                "This measure has no target range: leave lower and upper empty.", "lower"
            )


def parse_profile(text: str, *, year: int, frequency: str, is_range: bool) -> dict[str, str]:
    """A profile typed one period a line, `2026/27-Q1 25` or `2026-04: 10`, as
    {period code: figure}; empty text is no profile. Every period must be one of the measure's
    in the year, each once; a profile, once given, covers the whole year."""
    found: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace(":", " ").replace(",", " ").strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise ProposalError(
                f"Line {number} of the profile: write a period and a figure, e.g. "
                f"{periods.periods_in_year(year, frequency)[0].code} 25.",
                "profile",
            )
        code, figure = parts
        try:
            period = periods.parse_period(code)
        except periods.PeriodError as exc:
            raise ProposalError(f"Line {number} of the profile: {exc}", "profile") from exc
        try:
            amount = Decimal(figure.replace("£", ""))
        except ArithmeticError as exc:
            raise ProposalError(
                f"Line {number} of the profile: {figure} is not a number.", "profile"
            ) from exc
        if not amount.is_finite():
            raise ProposalError(
                f"Line {number} of the profile: {figure} is not a number.", "profile"
            )
        check_profile_period(period, year=year, frequency=frequency, line=number)
        if period.code in found:
            raise ProposalError(f"{period.code} is in the profile twice.", "profile")
        found[period.code] = format(amount.normalize(), "f")
    if found and is_range:
        raise ProposalError(
            "A target range is not profiled here: leave the profile empty.", "profile"
        )
    check_complete(found, year=year, frequency=frequency)
    return found


def check_profile_period(period: periods.Period, *, year: int, frequency: str, line: int) -> None:
    where = f"Line {line} of the profile" if line else "The profile"
    if period.frequency != periods.as_frequency(frequency):
        raise ProposalError(
            f"{where}: the measure is reported {frequency}, and {period.code} is not one of "
            "its periods.",
            "profile",
        )
    if period.year != year:
        raise ProposalError(
            f"{where}: {period.code} is not in {periods.fy_label(year)}.", "profile"
        )


def check_complete(profile: Mapping[str, str], *, year: int, frequency: str) -> None:
    if not profile:
        return
    missing = [p.code for p in periods.periods_in_year(year, frequency) if p.code not in profile]
    if missing:
        raise ProposalError(
            f"A profile covers the whole year: {', '.join(missing)} missing.", "profile"
        )


def profile_text(profile: Mapping[str, str]) -> str:
    return "\n".join(f"{code} {figure}" for code, figure in sorted(profile.items()))
