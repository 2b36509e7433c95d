"""The Celery app (Celery's Django guide): settings under CELERY_*, tasks found in each app."""

import os

from celery import Celery
from celery.schedules import crontab
from kombu import Queue

from core.request_id import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("canting")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Sweep intervals: operators (and the fault tests) may change them through the environment.
HOLD_SWEEP_SECONDS = float(os.environ.get("CANTING_HOLD_SWEEP_SECONDS") or 30.0)
OUTBOX_SWEEP_SECONDS = float(os.environ.get("CANTING_OUTBOX_SWEEP_SECONDS") or 30.0)

# Two queues: `mail` carries what a person waits for (confirmations, offers,
# reminders: every outbox message), `celery` (the default) the periodic sweeps and
# everything else. A worker started without -Q consumes both; at scale, run
# `worker -Q mail` and `worker -Q celery` separately so a long sweep never delays a
# confirmation (README, Production).
app.conf.task_default_queue = "celery"
app.conf.task_queues = (Queue("celery"), Queue("mail"))
app.conf.task_routes = {
    "bookings.tasks.deliver_message": {"queue": "mail"},
    "bookings.tasks.advance_waitlist": {"queue": "mail"},
}

# Log lines of a task carry the id of the request that published it (core.request_id).
connect_celery_signals()

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
        "schedule": HOLD_SWEEP_SECONDS,
        "options": {"expires": HOLD_SWEEP_SECONDS},
    },
    # Messages whose publish failed (broker away) are republished after 60 s.
    "sweep-outbox": {
        "task": "bookings.tasks.sweep_outbox",
        "schedule": OUTBOX_SWEEP_SECONDS,
        "options": {"expires": OUTBOX_SWEEP_SECONDS},
    },
    # Waitlists move on their own after each freed seat; this catches what a trigger missed
    # (broker away, a capacity raised) and offers past their window (waitlist offer_expires_at).
    "sweep-waitlists": {
        "task": "bookings.tasks.sweep_waitlists",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    # Go/no-go: undecided sessions past their cutoff (start - go_no_go_hours); owners' lapsed deadlines.
    "decide-sessions": {
        "task": "bookings.tasks.decide_sessions",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    # Reminders follow from each session's start: 09:00 WIB the day before, and 2 hours before.
    "send-reminders": {
        "task": "bookings.tasks.send_reminders",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    # Owners' 7-day digest from 07:00 WIB; repeated until noon in case beat was down (sent once a day).
    "send-daily-digests": {
        "task": "bookings.tasks.send_daily_digests",
        "schedule": crontab(hour="7-11", minute="*/15"),
        "options": {"expires": 900},
    },
    # Gateway refunds owed (Payment REFUND_PENDING) that a worker could not make yet.
    "sweep-refunds": {
        "task": "bookings.tasks.sweep_refunds",
        "schedule": 300.0,
        "options": {"expires": 300},
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
    # UU PDP: guests' names, e-mails and phones go PERSONAL_DATA_RETENTION_DAYS after their session.
    "erase-expired-personal-data": {
        "task": "bookings.tasks.erase_expired_personal_data",
        "schedule": crontab(hour=2, minute=50),
        "options": {"expires": 6 * 3600},
    },
}
