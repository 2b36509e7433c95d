"""The Celery app (Celery's Django guide): settings under CELERY_*, tasks found in each app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("canting")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work lives here, in code, so every deployment runs the same schedule.
app.conf.beat_schedule = {
    "scheduler-heartbeat": {
        "task": "core.tasks.scheduler_heartbeat",
        "schedule": 30.0,
        "options": {"expires": 30},
    },
}
