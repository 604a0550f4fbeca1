"""Celery tasks of the report packs: each loads by id (or nothing) and calls one service.

Both are idempotent: a run is claimed atomically before it is made, so a message delivered twice
(acknowledged late, redelivered after a lost worker) makes one pack.
"""

from __future__ import annotations

from celery import shared_task

from reporting import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=services.TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def run_report_task(run_id: int) -> str:
    """Make the run's pack unless it is made or being made; return the run's status."""
    return services.run_report(run_id=run_id).status


@shared_task(acks_late=True)
def start_due_runs_task() -> dict[str, int]:
    """The scheduler's sweep: due runs made, waiting and orphaned runs published again."""
    return services.start_due_runs().as_dict()
