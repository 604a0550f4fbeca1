"""`/healthz`: is this instance able to serve? For load balancers and monitoring.

No sign-in, no session, no cookie. It checks the database (a query), the cache (a round trip to
Redis when one is configured, else a write and read of the local cache) and the Celery broker (a
connection, when one is configured; without one tasks run in process and there is nothing to
reach), each bounded by its own short timeout (DB_CONNECT_TIMEOUT, REDIS_CONNECT_TIMEOUT,
HEALTHZ_BROKER_TIMEOUT), and answers 200 when all pass or 503 when any fails, with a small JSON
body naming each check's result and never the error itself.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

OK, FAILED, NOT_CONFIGURED = "ok", "failed", "not configured"


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def check_cache() -> str:
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # The cache itself fails open (a miss, never an error): ask Redis directly.
        cache._cache.get_client(write=True).ping()
        return OK
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    found = cache.get(key)
    cache.delete(key)
    if found != "1":
        raise RuntimeError("the cache did not keep a value")
    return OK


def check_broker() -> str:
    from config.celery import app

    if app.conf.task_always_eager or app.conf.broker_url.startswith("memory://"):
        return NOT_CONFIGURED
    timeout = settings.HEALTHZ_BROKER_TIMEOUT
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    return OK


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    started = time.monotonic()
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:
            logger.warning("Health check %s failed: %s: %s", name, type(exc).__name__, exc)
            results[name] = FAILED
    healthy = FAILED not in results.values()
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": results,
        "seconds": round(time.monotonic() - started, 3),
    }
    return JsonResponse(body, status=200 if healthy else 503)
