"""Serve plotly.js from the plotly package itself as the static file `vendor/plotly.min.js`.

No CDN is reachable from a council network, and copying a 4.8 MB bundle into the repository would
let it drift from the Python package that pins its version. This finder lets runserver, WhiteNoise
and collectstatic all find the package's own copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, overload

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor"
NAME = "plotly.min.js"
URL_PATH = f"{PREFIX}/{NAME}"


def plotly_directory() -> Path | None:
    try:
        import plotly
    except ImportError:  # pragma: no cover - plotly is a dependency
        return None
    return Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    """Finds `vendor/plotly.min.js` in the installed plotly package."""

    def __init__(self) -> None:
        directory = plotly_directory()
        self.source = directory / NAME if directory else None
        self.storage: FileSystemStorage | None = None
        if directory is not None:
            self.storage = FileSystemStorage(location=str(directory))
            # collectstatic and WhiteNoise put a storage's files under its prefix.
            self.storage.prefix = PREFIX  # type: ignore[attr-defined]

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        if self.source is None or not self.source.is_file():
            return [Error(f"{NAME} was not found in the plotly package.", id="reporting.E001")]
        return []

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...

    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str] | None:
        if path == URL_PATH and self.source is not None and self.source.is_file():
            return [str(self.source)] if find_all else str(self.source)
        return [] if find_all else None

    def list(
        self, ignore_patterns: Iterable[str] | None
    ) -> Iterator[tuple[str, FileSystemStorage]]:
        if self.storage is not None and self.source is not None and self.source.is_file():
            yield NAME, self.storage
