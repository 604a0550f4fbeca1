"""Settings for the benchmarks' production-like servers: config.settings, static files aside.

With DEBUG off, config.settings serves static files through WhiteNoise's compressed manifest
storage, which needs `collectstatic` into STATIC_ROOT (in the repository) and takes ~30 s to
compress plotly.js. The pages measured only need the manifest (hashed URLs), so the benchmarks
collect into a temporary folder with Django's plain manifest storage, in under a second.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STATIC_ROOT = Path(
    os.environ.get("BENCH_STATIC_ROOT") or Path(tempfile.gettempdir()) / "goldthread-bench-static"
)
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
