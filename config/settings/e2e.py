"""Settings for the end-to-end test: gunicorn and a Celery worker as real processes.

The test points CANTING_VAR_DIR at a temporary directory, REDIS_URL at a private
Redis and DATABASE_URL at a throwaway database (SQLite under CANTING_VAR_DIR when
unset). E-mails become files under CANTING_VAR_DIR/mail, which the test counts.
"""

import json
import os

from .local import *  # noqa: F403
from .local import VAR_DIR

DEBUG = False
SECRET_KEY = "e2e-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Always files, whatever EMAIL_BACKEND the surrounding environment sets; a fault test may
# name a file backend of its own (one that sends slowly) in CANTING_E2E_EMAIL_BACKEND.
EMAIL_BACKEND = os.environ.get(
    "CANTING_E2E_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
# A fault test may route tasks to queues of its own (JSON, Celery's task_routes), to keep
# thousands of e-mails from queueing ahead of the sweeps it watches.
if routes := os.environ.get("CANTING_E2E_TASK_ROUTES"):
    CELERY_TASK_ROUTES = json.loads(routes)
