from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from config.gc_tuning import tune_for_web

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Import every view now rather than on a worker's first request (seconds on a busy machine):
# with Gunicorn's preload_app (config/gunicorn.py) workers are forked with them loaded.
get_resolver().url_patterns  # noqa: B018
tune_for_web()
