"""The Celery app (Celery's Django guide): settings under CELERY_*, tasks found in each app."""

import os

from celery import Celery
from celery.schedules import crontab

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
    # Holds expire in the database (hold_expires_at); this sweep gives their seats back.
    "sweep-expired-holds": {
        "task": "bookings.tasks.sweep_expired_holds",
        "schedule": 30.0,
        "options": {"expires": 30},
    },
    # Messages whose publish failed (broker away) are republished after 60 s.
    "sweep-outbox": {
        "task": "bookings.tasks.sweep_outbox",
        "schedule": 30.0,
        "options": {"expires": 30},
    },
    "audit-capacity": {
        "task": "bookings.tasks.audit_capacity",
        "schedule": crontab(minute=17),
        "options": {"expires": 3000},
    },
    "purge-idempotency-keys": {
        "task": "bookings.tasks.purge_idempotency_keys",
        "schedule": crontab(hour=3, minute=40),
    },
    # Recurring schedule rules keep 12 weeks of sessions ahead (CELERY_TIMEZONE is WIB).
    "extend-schedules": {
        "task": "workshops.tasks.extend_schedules",
        "schedule": crontab(hour=0, minute=20),
        "options": {"expires": 6 * 3600},
    },
}
