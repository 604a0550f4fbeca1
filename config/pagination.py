"""The API's pagination: DRF's limit and offset, bounded so that no query string reaches the
database as a number it cannot hold (an offset beyond 64 bits was a server error on SQLite)."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

MAX_LIMIT = 1000
MAX_OFFSET = 2**31 - 1  # beyond any table here; well inside every database's integer


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_offset(self, request: Request) -> int:
        return min(super().get_offset(request), MAX_OFFSET)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            bound = {"limit": MAX_LIMIT, "offset": MAX_OFFSET}.get(parameter["name"])
            if bound is not None:
                parameter["schema"] = {**parameter["schema"], "minimum": 0, "maximum": bound}
        return parameters
