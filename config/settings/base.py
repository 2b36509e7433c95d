"""Settings shared by every environment; everything that differs comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _
from redis.backoff import NoBackoff
from redis.retry import Retry

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Embedded defaults (SQLite, the filesystem broker, the file cache) live here.
VAR_DIR = Path(os.environ.get("CANTING_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it must come before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "core",
    "tourism",
    "workshops",
    "bookings",
    "demo",
]

MIDDLEWARE = [
    # First, so every later log line (and every error response) carries the request id.
    "core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.QueryLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A database lost mid-request: 503, not a 500 page (see also handler500 in config/urls.py).
    "core.db_unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        db = dj_database_url.parse(
            url,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
        if db["ENGINE"] == "django.db.backends.postgresql":
            # Django's backend with a health check that needs no round trip (core/postgresql).
            db["ENGINE"] = "core.postgresql"
            # A stalled database must surface as an error, not a hung request.
            db.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
        return db
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "canting.sqlite3",
        "OPTIONS": {
            # IMMEDIATE + WAL: concurrent writers queue for the lock instead of
            # failing with "database is locked" half-way through a transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Language and time -------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [
    ("id", _("Indonesian")),
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("ms", _("Malay")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Pontianak"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "id"
MODELTRANSLATION_LANGUAGES = ("id", "en", "zh-hans", "ms")
# Any text not yet written in the reader's language falls back to Indonesian.
MODELTRANSLATION_FALLBACK_LANGUAGES = ("id",)

# --- Static files ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Content Security Policy (django-csp) ------------------------------------
# Pages load only our own script and stylesheet (no inline <script> or <style>;
# canting.js is a file). Inline style *attributes* stay allowed: a few templates
# set a width or a margin that way, and a style attribute cannot run code.
# The QR code is inline SVG; the favicon is an empty data: URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Redis: broker and cache -------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Seconds a request may wait on Redis before giving up; a booking never hangs on it.
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "1.0"))
# After a Redis call failed, a web process skips Redis this long (core.breaker).
REDIS_RETRY_AFTER_SECONDS = float(os.environ.get("REDIS_RETRY_AFTER_SECONDS", "5.0"))

if REDIS_URL:
    CACHES = {
        "default": {
            # Redis away = an empty cache, never a failed request (core.cache_backends).
            "BACKEND": "core.cache_backends.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                # One try: redis-py's own retries would multiply the wait on a hung Redis.
                "retry": Retry(NoBackoff(), 0),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

# A hold is written by one database function on PostgreSQL (bookings/services/hold_write.py);
# off, the same statements go one by one (always so on SQLite).
CANTING_HOLD_IN_DATABASE = env_bool("CANTING_HOLD_IN_DATABASE", True)

# --- Celery ------------------------------------------------------------------
# Bounded Redis calls for the broker: a booking request gives up on Redis in
# about a second and leaves the message to the outbox sweep.
REDIS_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "retry_on_timeout": False,
    "max_retries": 0,
    "visibility_timeout": 3600,
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # kombu's Redis transport, except that a worker keeps consuming after Redis stalled.
    CELERY_BROKER_TRANSPORT = "core.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
else:
    # A broker that needs no server: messages are files under var/, shared by
    # the web process, the worker and beat on one machine.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast/control messages, which kombu otherwise writes to ./control.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # The default polls once a second, which would leave the dev worker crawling.
        "polling_interval": 0.2,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_POOL_LIMIT = 10
# No result backend: nothing reads task results, and a Redis result backend
# makes .delay() hang for many seconds when Redis is down.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Publishing gives up at once when the broker is away; the outbox sweep retries.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Largest request body read into memory (forms and, through core.api.parsers, JSON):
# a booking is well under 1 KB; a larger body is refused with 413 before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("CANTING_MAX_BODY_BYTES", 256 * 1024)

# --- Proxies and rate limits -------------------------------------------------
# How many proxies of ours stand in front of the app, each appending to
# X-Forwarded-For (one nginx/Caddy: 1). The client address is the N-th entry
# from the right; anything further left was written by the client and is ignored.
CANTING_TRUSTED_PROXIES = env_int("CANTING_TRUSTED_PROXIES", 0)
# Per client address and per signed-in user, counted in the shared cache
# (core.throttling). Format: count/period, period s, min, hour or day ("30/min").
CANTING_THROTTLE_RATES = {
    "bookings": os.environ.get("CANTING_THROTTLE_BOOKINGS", "30/min"),
    "waitlist": os.environ.get("CANTING_THROTTLE_WAITLIST", "10/min"),
}
# allauth's limits (web pages and headless API alike), on the same cache and
# the same client address (core.accounts.AccountAdapter). Format: allauth's
# count/period/per, several joined by commas ("10/m/ip,5/5m/key"; key = the e-mail).
ACCOUNT_RATE_LIMITS = {
    "login": os.environ.get("CANTING_THROTTLE_LOGIN", "30/m/ip"),
    "login_failed": os.environ.get("CANTING_THROTTLE_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "signup": os.environ.get("CANTING_THROTTLE_SIGNUP", "20/m/ip"),
    "reset_password": os.environ.get("CANTING_THROTTLE_PASSWORD_RESET", "20/m/ip,5/m/key"),
    "reset_password_from_key": os.environ.get("CANTING_THROTTLE_PASSWORD_RESET_FROM_KEY", "20/m/ip"),
}
ALLAUTH_TRUSTED_PROXY_COUNT = CANTING_TRUSTED_PROXIES
ACCOUNT_ADAPTER = "core.accounts.AccountAdapter"

# --- REST API ----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    # Views opt in with `throttle_scope`; the rates are CANTING_THROTTLE_RATES below.
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.ScopedWriteThrottle"],
    "NUM_PROXIES": CANTING_TRUSTED_PROXIES,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Canting API",
    "DESCRIPTION": "Batik classes in the tourism villages of Singkawang: catalogue and bookings.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # What the URL converters accept, so a client (and schemathesis) knows which ids can exist.
    "PATH_CONVERTER_OVERRIDES": {
        "int": {"type": "integer", "minimum": 0},
        "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
        "str": {"type": "string", "pattern": "^[^/]+$"},
    },
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "workshops.models.SessionStatus",
        "BookingStatusEnum": "bookings.models.BookingStatus",
        "WaitlistStatusEnum": "bookings.models.WaitlistStatus",
        "PaymentMethodEnum": "workshops.models.PaymentMethod",
        "PaymentStatusEnum": "bookings.payments.models.PaymentStatus",
        "SiteLanguageEnum": LANGUAGES,
        "SpokenLanguageEnum": "core.fields.SPOKEN_LANGUAGES",
    },
}

# --- Accounts (django-allauth) -----------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_UNIQUE_EMAIL = True
HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app", "browser")
LOGIN_REDIRECT_URL = "/"

# --- E-mail ------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Canting <halo@canting.id>")
# Sending one outbox message (render, then SMTP with each step bounded by EMAIL_TIMEOUT)
# is killed after this many seconds.
CANTING_OUTBOX_SEND_TIME_LIMIT = env_int("CANTING_OUTBOX_SEND_TIME_LIMIT", 60)
# A worker's claim on a message is a lease: once it is this old, the worker is taken to
# have died mid-send and another may send the message. Longer than the time limit, so a
# worker that is merely slow is stopped before a second one may send (a system check holds it).
CANTING_OUTBOX_CLAIM_LEASE_SECONDS = env_int("CANTING_OUTBOX_CLAIM_LEASE_SECONDS", 300)
# A message still unsent this long after it was written is published again by the sweep.
CANTING_OUTBOX_REPUBLISH_AFTER_SECONDS = env_int("CANTING_OUTBOX_REPUBLISH_AFTER_SECONDS", 60)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Canting -----------------------------------------------------------------
# How stale the scheduler's heartbeat may be before /healthz calls it stale.
CANTING_HEARTBEAT_STALE_SECONDS = env_int("CANTING_HEARTBEAT_STALE_SECONDS", 180)
# UU PDP: guests' names, e-mails and phones are erased this many days after their session ended.
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 180)

# One line per record on stdout, with the request id (core.logs): readable text
# by default, one JSON object a line when LOG_FORMAT=json (production's default).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"()": "core.logs.PlainFormatter"},
        "json": {"()": "core.logs.JsonLineFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # 4xx answers are expected (a full session is a 409); logging each costs time under load.
    # canting.request writes the one access line per request (core.request_id).
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "canting.request": {"level": os.environ.get("LOG_REQUESTS_LEVEL", "INFO")},
    },
}
# Where people open Canting; links in e-mails and calendar files start here.
CANTING_SITE_URL = os.environ.get("CANTING_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Payments ----------------------------------------------------------------
# A bank transfer must arrive within this many hours of choosing it ...
PAYMENT_BANK_TRANSFER_HOURS = env_int("PAYMENT_BANK_TRANSFER_HOURS", 24)
# ... and at least this many hours before the class starts, so the host can check the bank.
PAYMENT_BANK_TRANSFER_CUTOFF_HOURS = env_int("PAYMENT_BANK_TRANSFER_CUTOFF_HOURS", 3)
# How long a gateway payment (QRIS, virtual account, e-wallet) stays open; the hold follows it.
PAYMENT_GATEWAY_EXPIRY_MINUTES = env_int("PAYMENT_GATEWAY_EXPIRY_MINUTES", 15)

# --- Payment gateways ----------------------------------------------------------
# Secrets come from the environment only. The defaults point at the local fake
# gateways (`python -m fakegateways`, started by `make run`); no real money moves.
MIDTRANS_SERVER_KEY = os.environ.get("MIDTRANS_SERVER_KEY", "SB-Mid-server-canting-local")
MIDTRANS_CLIENT_KEY = os.environ.get("MIDTRANS_CLIENT_KEY", "SB-Mid-client-canting-local")
MIDTRANS_IS_PRODUCTION = env_bool("MIDTRANS_IS_PRODUCTION", False)
# Real values: https://app.midtrans.com and https://api.midtrans.com (sandbox: app.sandbox / api.sandbox).
MIDTRANS_SNAP_URL = os.environ.get("MIDTRANS_SNAP_URL", "http://127.0.0.1:8010/midtrans").rstrip("/")
MIDTRANS_API_URL = os.environ.get("MIDTRANS_API_URL", "http://127.0.0.1:8010/midtrans").rstrip("/")
XENDIT_SECRET_KEY = os.environ.get("XENDIT_SECRET_KEY", "xnd_development_canting_local")
# The x-callback-token Xendit sends with every callback (Dashboard → Settings → Webhooks).
XENDIT_CALLBACK_TOKEN = os.environ.get("XENDIT_CALLBACK_TOKEN", "canting-local-callback-token")
# Real value: https://api.xendit.co
XENDIT_API_URL = os.environ.get("XENDIT_API_URL", "http://127.0.0.1:8010/xendit").rstrip("/")
# Seconds a request waits for a gateway in total before giving up (payment_gateway_unavailable).
PAYMENT_GATEWAY_TIMEOUT = float(os.environ.get("PAYMENT_GATEWAY_TIMEOUT", "10"))
# Confirming a booking with a gateway answers the form with a redirect to the gateway's
# payment page, which the Content Security Policy's form-action must allow: these, and
# the origins of MIDTRANS_SNAP_URL and XENDIT_API_URL (core.csp, read at each response).
PAYMENT_PAGE_ORIGINS = env_list(
    "PAYMENT_PAGE_ORIGINS",
    ["https://app.midtrans.com", "https://app.sandbox.midtrans.com", "https://checkout.xendit.co"],
)
# Notifications and callbacks accepted per client address (DRF throttle rate, e.g. "120/min").
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    **REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}),
    "payment_webhook": os.environ.get("PAYMENT_WEBHOOK_THROTTLE_RATE", "120/min"),
}
