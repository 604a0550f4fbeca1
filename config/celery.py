"""The Celery application: settings come from Django's CELERY_* settings."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("goldthread")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule lives here, in code. Crontabs are read in CELERY_TIMEZONE (Europe/London), so
# 07:00 stays 07:00 local time across the clock changes. django-celery-beat's database scheduler
# copies these entries into its tables when beat starts.
app.conf.beat_schedule = {
    # Every deadline reaching its owner: the day's notices and one digest e-mail a person. (The
    # entry keeps the name of the reminders it replaced, so that beat's database updates it.)
    "send-reminders": {
        "task": "targets.tasks.send_notifications_task",
        "schedule": crontab(hour="7", minute="0"),
    },
    # Today's digests the mail server did not take: tried again until it does.
    "retry-notification-digests": {
        "task": "targets.tasks.retry_digests_task",
        "schedule": crontab(minute="*/30", hour="7-21"),
    },
    # Makes each report schedule's due pack, and publishes again any run still waiting for a
    # worker: asked for while the broker was down, or left behind by a worker that was killed.
    "start-due-report-runs": {
        "task": "reporting.tasks.start_due_runs_task",
        "schedule": crontab(minute="*/10"),
    },
    # The month's two data-quality audits, chosen by rule on the first of the month.
    "propose-data-quality-audits": {
        "task": "targets.tasks.propose_audits_task",
        "schedule": crontab(day_of_month="1", hour="6", minute="30"),
    },
    # LG Inform Plus: the benchmark metrics that carry an LG Inform id, for every English
    # authority (does nothing without LGINFORM_API_KEY). Shown on /benchmarking/fetches/.
    "fetch-lginform": {
        "task": "benchmarking.tasks.fetch_lginform_task",
        "schedule": crontab(day_of_week="mon", hour="6", minute="15"),
    },
}
