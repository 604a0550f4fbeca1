"""Celery tasks of benchmarking: each calls one service."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from benchmarking.lginform.fetch import (
    NOT_CONFIGURED,
    FetchRequestError,
    is_configured,
    lginform_fetch,
)
from benchmarking.models import Fetch

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def fetch_lginform_task() -> dict[str, Any]:
    """Fetch every metric with an LG Inform id. An upsert, so a redelivery writes nothing new;
    without a key it logs that and succeeds, doing nothing."""
    if not is_configured():
        logger.info(NOT_CONFIGURED)
        return {"configured": False, "fetched": 0}
    try:
        outcome = lginform_fetch(trigger=Fetch.Trigger.SCHEDULE)
    except FetchRequestError as exc:
        logger.warning("LG Inform Plus fetch not started: %s", exc)
        return {"configured": True, "fetched": 0, "problem": str(exc)}
    for fetch in outcome.failed:
        logger.warning("LG Inform Plus fetch of %s failed: %s", fetch.metric.code, fetch.message)
    return {
        "configured": True,
        "batch": outcome.batch,
        "fetched": len(outcome.fetches) - len(outcome.failed),
        "failed": len(outcome.failed),
        "written": outcome.written,
        "stopped": outcome.stopped,
    }
