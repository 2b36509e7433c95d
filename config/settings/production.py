"""Settings for the deployed service (docker-compose): every secret from the environment."""

import copy
import logging
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, REST_FRAMEWORK, env_bool, env_int

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind one reverse proxy that terminates TLS, sets X-Forwarded-Proto and appends
# the client's address to X-Forwarded-For (see README, Production). With a load
# balancer in front of that proxy as well, set CANTING_TRUSTED_PROXIES=2.
CANTING_TRUSTED_PROXIES = env_int("CANTING_TRUSTED_PROXIES", 1)
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": CANTING_TRUSTED_PROXIES}
ALLAUTH_TRUSTED_PROXY_COUNT = CANTING_TRUSTED_PROXIES
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# One JSON object a line for the log collector; LOG_FORMAT=plain for a person reading.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = copy.deepcopy(LOGGING)
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_FORMAT == "json" else "plain"
# Python's warnings become records too (logger py.warnings), not stray text in the stream.
logging.captureWarnings(True)
