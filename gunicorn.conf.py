"""gunicorn reads this file from its working directory (/app in the image): its own log
lines become JSON like the app's, so production's stderr is one JSON object a line."""

import os

_production = os.environ.get("DJANGO_SETTINGS_MODULE") == "config.settings.production"

if _production and os.environ.get("LOG_FORMAT", "json") == "json":
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
            # The app writes the access line (core.request_id), with the request id.
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
