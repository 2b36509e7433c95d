"""Settings for the test suite: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if not os.environ.get("REDIS_URL"):
    # Each test process gets its own in-memory cache rather than files in var/.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Generous limits, so tests that book a lot never meet them; tests of the limits
# themselves set small rates with pytest-django's `settings` fixture.
CANTING_THROTTLE_RATES = {"bookings": "10000/min", "waitlist": "10000/min"}
ACCOUNT_RATE_LIMITS = {
    "login": "1000/m/ip",
    "login_failed": "1000/m/ip,100/m/key",
    "signup": "1000/m/ip",
    "reset_password": "1000/m/ip,100/m/key",
    "reset_password_from_key": "1000/m/ip",
}

# whitenoise warns about a missing STATIC_ROOT on every request otherwise.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
