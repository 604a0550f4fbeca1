"""The demo's LG Inform Plus fetch: real figures, answered as LG Inform Plus answers, offline.

The demo council has no key and no network, so its fetch of ENV18 (LG Inform metric type 46,
household waste sent for reuse, recycling or composting) goes through the real client, paging
and import with a transport that answers each request from DEFRA's published figures
(`data/real/recycling_rates_env18.csv`, the same series LG Inform Plus republishes, at its two
decimal places), in the data method's record layout. The fetch is recorded as "Demo (recorded
answers)", never as a real one.
"""

from __future__ import annotations

import csv
import json
import urllib.parse
from decimal import Decimal, InvalidOperation
from pathlib import Path

from benchmarking import periods as benchmark_periods
from benchmarking.lginform.client import Request, Response
from targets.periods import PeriodError

ENV18_METRIC_TYPE = 46
ENV18_LABEL = "Percentage of household waste sent for reuse, recycling and composting (annual)"


class PublishedFiguresTransport:
    """Answers `data.table` requests for one metric type from a long file (area_code,
    area_name, period, value) of English figures (the file's others are left out, as metric
    type 46 is England's): a record for every area asked and each of the latest periods, with a
    null value where the file has none."""

    def __init__(self, path: Path, metric_type: int = ENV18_METRIC_TYPE) -> None:
        self.metric_type = metric_type
        self.names: dict[str, str] = {}
        self.figures: dict[tuple[str, str], Decimal] = {}
        found: set[str] = set()
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if not row["area_code"].startswith("E"):
                    continue
                try:
                    period = benchmark_periods.parse(row["period"]).code
                    figure = Decimal(row["value"]).quantize(Decimal("0.01")).normalize()
                except (PeriodError, InvalidOperation):
                    continue  # calendar years (Scotland) and NA
                self.names[row["area_code"]] = row["area_name"]
                self.figures[row["area_code"], period] = figure
                found.add(period)
        self.periods = sorted(found, key=benchmark_periods.sort_key)

    def send(self, request: Request) -> Response:
        asked = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.url).query))
        if asked.get("metricType") != str(self.metric_type):
            return Response(400, f"Unknown metric type: {asked.get('metricType')}".encode())
        latest = int(asked.get("period", "latest:1").partition(":")[2] or 1)
        areas = [a for a in asked.get("area", "").split(",") if a]
        records = [
            self._record(area, period) for area in areas for period in self.periods[-latest:]
        ]
        body = json.dumps(records, default=lambda d: float(d) if isinstance(d, Decimal) else d)
        return Response(200, body.encode(), {"Content-Type": "application/json"})

    def _record(self, area: str, period: str) -> dict[str, object]:
        figure = self.figures.get((area, period))
        name = self.names.get(area, area)
        return {
            "metricTypeIdentifier": str(self.metric_type),
            "metricTypeLabel": ENV18_LABEL,
            "areaIdentifier": area,
            "areaLabel": name,
            "areaLongLabel": name,
            "periodIdentifier": f"fy_{period.replace('/', '_')}",
            "periodLabel": period,
            "valueTypeIdentifier": "raw",
            "value": figure,
            "formatted": "" if figure is None else f"{figure:.2f}%",
        }
