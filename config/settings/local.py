"""Settings for `make run` on a developer's or a village's own machine."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool, env_list

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "dev-only-not-secret-canting-local"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

# Messages are written as files under var/mail so you can open what a tourist gets.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

# A laptop, a village's own machine or a load test on loopback: limits that never get
# in the way unless set (production's defaults are in base.py).
CANTING_THROTTLE_RATES = {
    "bookings": os.environ.get("CANTING_THROTTLE_BOOKINGS", "10000/min"),
    "waitlist": os.environ.get("CANTING_THROTTLE_WAITLIST", "10000/min"),
}
ACCOUNT_RATE_LIMITS = {
    "login": os.environ.get("CANTING_THROTTLE_LOGIN", "1000/m/ip"),
    "login_failed": os.environ.get("CANTING_THROTTLE_LOGIN_FAILED", "1000/m/ip,100/m/key"),
    "signup": os.environ.get("CANTING_THROTTLE_SIGNUP", "1000/m/ip"),
    "reset_password": os.environ.get("CANTING_THROTTLE_PASSWORD_RESET", "1000/m/ip,100/m/key"),
    "reset_password_from_key": os.environ.get("CANTING_THROTTLE_PASSWORD_RESET_FROM_KEY", "1000/m/ip"),
}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
