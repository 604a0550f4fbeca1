"""The API's pagination: DRF's limit and offset, bounded.

DRF takes any positive whole number as `limit` or `offset`; one larger than the database's
integers (`?limit=41826983226021376850011357184`) made the query fail with a server error. A limit
above MAX_LIMIT is taken as MAX_LIMIT (page through the rest), and an offset beyond any table as
the end of the list.
"""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

MAX_LIMIT = 10_000
MAX_OFFSET = 2**31 - 1


class Pagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_offset(self, request: Request) -> int:
        return min(super().get_offset(request), MAX_OFFSET)
