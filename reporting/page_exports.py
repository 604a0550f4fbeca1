"""The columns of the dashboard's, the service scorecards' and the services list's exports:
each row as the page shows it, figures as numbers at the measure's decimals."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from targets.exports import Column, figure_cell, rag_cell, target_cell, travel_cell
from targets.scorecard import MeasureStatus


def _forecast(status: MeasureStatus) -> Decimal | None:
    """The year-end forecast, as the page shows it: only when it is rated."""
    if status.forecast_rag is None or status.value is None:
        return None
    return figure_cell(status.measure, status.value.forecast)


# Rows are (section heading, status): the heading the page shows the row under.
Row = tuple[str, MeasureStatus]


def _s(row: Row) -> MeasureStatus:
    return row[1]


SCORECARD_COLUMNS = [
    Column("Section", lambda r: r[0]),
    Column("Code", lambda r: _s(r).measure.code),
    Column("Measure", lambda r: _s(r).measure.title),
    Column("Service", lambda r: _s(r).measure.service.name),
    Column("Period", lambda r: _s(r).period.label),
    Column("Actual", lambda r: figure_cell(_s(r).measure, _s(r).actual)),
    Column("Unit", lambda r: _s(r).measure.get_unit_display()),
    Column("Not yet approved", lambda r: "yes" if _s(r).not_yet_approved else ""),
    Column("Target", lambda r: target_cell(_s(r).measure, _s(r).target)),
    Column("Status", lambda r: rag_cell(_s(r).rag)),
    Column("Late", lambda r: "yes" if _s(r).late else ""),
    Column("Since last period", lambda r: travel_cell(_s(r).dot_short)),
    Column("Since last year", lambda r: travel_cell(_s(r).dot_long)),
    Column("Year to date", lambda r: figure_cell(_s(r).measure, _s(r).ytd_actual)),
    Column("Year to date target", lambda r: target_cell(_s(r).measure, _s(r).ytd_target)),
    Column("Year to date status", lambda r: rag_cell(_s(r).ytd_rag) if _s(r).ytd_actual else ""),
    Column("Forecast year end", lambda r: _forecast(_s(r))),
    Column("Forecast status", lambda r: rag_cell(_s(r).forecast_rag)),
    Column("Owner", lambda r: str(_s(r).measure.updater or "")),
]


def sectioned(groups: Iterable[tuple[str, Iterable[MeasureStatus]]]) -> Iterator[Row]:
    """The rows in the page's order: each group's rows under its heading."""
    for heading, rows in groups:
        for status in rows:
            yield heading, status


SERVICE_COLUMNS = [
    Column("Service", lambda s: s.name),
    Column("Head of service", lambda s: str(s.head or "")),
    Column("Measures", lambda s: s.measure_count),
    Column("Service code", lambda s: s.code),
]


def priority_heading(priority: Any) -> str:
    return f"{priority.number}. {priority.name}" if priority else "Not linked to a priority"
