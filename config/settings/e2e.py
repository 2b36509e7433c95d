"""Settings for the end-to-end test: gunicorn and a Celery worker as real processes.

The test points CANTING_VAR_DIR at a temporary directory, REDIS_URL at a private
Redis and DATABASE_URL at a throwaway database (SQLite under CANTING_VAR_DIR when
unset). E-mails become files under CANTING_VAR_DIR/mail, which the test counts.
"""

from .local import *  # noqa: F403
from .local import VAR_DIR

DEBUG = False
SECRET_KEY = "e2e-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Always files, whatever EMAIL_BACKEND the surrounding environment sets.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
