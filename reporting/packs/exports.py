"""A run's figures as CSV and XLSX: the snapshot's rows, the same figures as its PDF.

Numbers stay numbers (plain decimals in the CSV, numeric cells in the workbook); text that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) is given
a leading single quote, so that opening the file never runs anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from reporting.packs.snapshot import Pack
from targets.exports import csv_cell, xlsx_cell

COLUMNS = [
    "code",
    "title",
    "priority",
    "service",
    "period",
    "actual",
    "target",
    "target_lower",
    "target_upper",
    "rag",
    "rag_reason",
    "dot_short",
    "dot_long",
    "ytd_actual",
    "ytd_target",
    "ytd_rag",
    "ytd_span",
    "forecast",
    "forecast_rag",
    "late",
    "not_yet_approved",
    "value_status",
    "dq_flag",
    "commentary",
    "corrective_action",
]
NUMBERS = (
    "actual",
    "target",
    "target_lower",
    "target_upper",
    "ytd_actual",
    "ytd_target",
    "forecast",
)


def _number(text: str | None) -> Decimal | None:
    """The snapshot's fixed-point text (45.000000) as the number it is (45)."""
    if text is None:
        return None
    number = Decimal(text)
    whole = number.to_integral_value()
    return whole if number == whole else number.normalize()


def records(pack: Pack) -> Iterator[dict[str, Any]]:
    """One record per measure: the API's row, its priority, service and value's details."""
    priorities = {p["id"]: f"{p['number']}. {p['name']}" for p in pack.data["priorities"]}
    for row in pack.data["rows"]:
        details = pack.data["details"][row["code"]]
        record = {
            **row,
            **{k: details[k] for k in ("value_status", "dq_flag", "commentary", "service")},
            "corrective_action": details["corrective_action"],
            "priority": priorities.get(details["priority"], ""),
            "ytd_span": row.get("ytd_span", ""),  # not in packs made before it was named
        }
        for name in NUMBERS:
            record[name] = _number(row[name])
        yield record


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return xlsx_cell(value)


def _csv_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return csv_cell(value)


def as_csv(pack: Pack) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records(pack):
        writer.writerow([_csv_cell(record[name]) for name in COLUMNS])
    return out.getvalue()


def as_xlsx(pack: Pack) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Measures")
    sheet.append(COLUMNS)
    for record in records(pack):
        sheet.append([_cell(record[name]) for name in COLUMNS])
    summary = workbook.create_sheet("Summary")
    data = pack.data
    summary.append(["report", xlsx_cell(data["schedule"]["name"])])
    summary.append(["council", xlsx_cell(data["council"])])
    summary.append(["period", data["period"]["code"]])
    summary.append(["figures as at", data["month"]["code"]])
    summary.append(["status", data["status"]])
    summary.append(["generated at", data["generated_at"]])
    for name in ("rated", "green", "amber", "red", "grey", "late", "percent_on_target"):
        summary.append([name, data["summary"][name]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
