"""The API's JSON parser: DRF's, refusing text that holds a NUL character.

PostgreSQL cannot store a NUL (0x00) in text, nor look one up: a NUL in a name looked up by a
slug field (a username, a service code) failed there as a server error, while SQLite let it
through. No figure, name or comment of ours holds one, so the body is refused whole, with where
the NUL was, before any view sees it: the same answer on both databases.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


def nul_at(data: Any, path: str = "") -> str | None:
    """The path of the first text in `data` holding a NUL ("" for the top), else None."""
    if isinstance(data, str):
        return path if "\x00" in data else None
    if isinstance(data, Mapping):
        for key, item in data.items():
            here = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and "\x00" in key:
                return here
            found = nul_at(item, here)
            if found is not None:
                return found
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found = nul_at(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        data = super().parse(stream, media_type, parser_context)
        where = nul_at(data)
        if where is not None:
            place = f" (in {where.encode('unicode_escape').decode()})" if where else ""
            raise ParseError(f"Text may not contain a NUL character{place}.")
        return data
