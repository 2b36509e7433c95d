"""gunicorn as Canting runs it, in production (docker-compose) and in the benchmark.

    gunicorn -c config/gunicorn.py

Sync workers by default: measured with `make bench` (`--threads 1` against
`--threads 2` and `4`) on 2 cores, threads lost on every run (browse 831 against 304
req/s, bookings 237 against 205). A threaded worker keeps connections alive and takes
as many as it is offered, so one worker can end up with every client's connection
while the other idles (server CPU at 100 % of 200 %); and Canting's requests are short
and mostly Python, so the threads of a worker mostly wait for one interpreter lock.
A proxy in front that spreads requests (not connections) may change this; measure
before switching. GUNICORN_THREADS above 1 turns the
workers threaded (each thread keeps its own database connection: size PostgreSQL's
max_connections for web containers × workers × threads, plus Celery's).
"""

import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Several gunicorns on one host would otherwise share one control socket.
control_socket_disable = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
accesslog = None  # the request log line comes from Django's logging
errorlog = "-"

# In production the error log (start, stop, worker restarts) is JSON lines like the app's,
# so the container's stream stays one JSON object a line (core.logs).
if (
    os.environ.get("DJANGO_SETTINGS_MODULE") == "config.settings.production"
    and os.environ.get("LOG_FORMAT", "json") == "json"
):
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "core.logs.JsonLineFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
