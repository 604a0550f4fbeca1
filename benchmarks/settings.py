"""Settings for the benchmarks' production-like servers: config.settings, static files and the
cache's key prefix aside.

With DEBUG off, config.settings serves static files through WhiteNoise's compressed manifest
storage, which needs `collectstatic` into STATIC_ROOT (in the repository) and takes ~30 s to
compress plotly.js. The pages measured only need the manifest (hashed URLs), so the benchmarks
collect into a temporary folder with Django's plain manifest storage, in under a second.

A Redis cache (PostgreSQL runs, see benchmarks/web.py) gets the run's own key prefix, so that
the bench can empty its own keys without touching anyone else's.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import config.settings as _base
from config.settings import *  # noqa: F403
from config.settings import STORAGES

_TAG = os.environ.get("BENCH_TAG", "")
STATIC_ROOT = Path(
    os.environ.get("BENCH_STATIC_ROOT")
    or Path(tempfile.gettempdir()) / f"goldthread-bench{'-' + _TAG if _TAG else ''}-static"
)
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
_caches = getattr(_base, "CACHES", None)  # set only when CACHE_URL names a Redis
if _caches and os.environ.get("BENCH_CACHE_PREFIX"):
    CACHES = {"default": {**_caches["default"], "KEY_PREFIX": os.environ["BENCH_CACHE_PREFIX"]}}
