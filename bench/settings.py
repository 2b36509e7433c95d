"""Production settings as the benchmark serves them: plain HTTP on loopback, nothing else changed.

bench/run.py sets DATABASE_URL (its own throw-away database), DATABASE_CONN_MAX_AGE
(persistent connections, as in production) and REDIS_URL (a spare Redis database)
before gunicorn imports this module.
"""

import os

# Production refuses to start without a secret; the benchmark's server lives for a minute.
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

from config.settings.production import *  # noqa: F403

DEBUG = False
# wrk speaks plain HTTP to gunicorn on loopback; there is no TLS proxy in front.
SECURE_SSL_REDIRECT = False
# Rate limits (core.throttling) are off: every request comes from 127.0.0.1. The
# limit of 3 active holds per e-mail stays: the driver uses a new e-mail per request.
CANTING_THROTTLE_RATES = {}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": [], "DEFAULT_THROTTLE_RATES": {}}  # noqa: F405
# bench/mixed.py's Celery worker writes its e-mails as files (EMAIL_BACKEND=…filebased…,
# read from the environment by the base settings) into a directory the benchmark counts.
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
