"""gunicorn as Canting runs it, in production (docker-compose) and in the benchmark.

    gunicorn -c config/gunicorn.py

Threaded workers: a booking spends much of its time waiting on PostgreSQL and
Redis, and a thread waiting on a socket lets the next request use the CPU
(`make bench` measures the difference). Every thread keeps its own persistent
database connection (DATABASE_CONN_MAX_AGE), so size PostgreSQL's
max_connections for web containers × workers × threads, plus Celery's.
"""

import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
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
