"""Log records that say which request they belong to and carry no e-mail addresses.

`RequestIdFilter` (on the handler, so records from every logger get it) adds
`request_id` from the context of the current request or Celery task. The
formatters mask e-mail addresses in the finished line, tracebacks included:
an SMTP error quotes the recipient, and a log is no place for a guest's address.
"""

import logging
import re
from contextvars import ContextVar

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

# "-" outside a request or task (startup, beat's own lines).
current_request_id: ContextVar[str] = ContextVar("canting_request_id", default="-")

_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
EMAIL_MASK = "[email]"


def mask_emails(text: str) -> str:
    return _EMAIL.sub(EMAIL_MASK, text)


def _install_record_factory() -> None:
    """Every record gets `request_id` when it is made, whichever handler (or test) reads it."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "canting_request_id", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = current_request_id.get()
        return record

    factory.canting_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_install_record_factory()


def _stamp(record: logging.LogRecord) -> None:
    """Give the record its request id: the current one, or that of the request it is about.

    django.request writes its error line after the middleware has answered (and
    left the request's context), but passes the request along with the record.
    """
    if getattr(record, "request_id", "-") in (None, "-"):
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        _stamp(record)
        return True


class PlainFormatter(logging.Formatter):
    """One readable line for a terminal (`make run`, tests)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        _stamp(record)
        return mask_emails(super().format(record))


class JsonLineFormatter(JsonFormatter):
    """One JSON object a line (production): time, level, logger, message, request id and any extras."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
            # django.request passes the request object along: its repr has the query
            # string, where guests' manage tokens travel. The path is in the message.
            reserved_attrs=[*RESERVED_ATTRS, "request"],
        )

    def format(self, record: logging.LogRecord) -> str:
        _stamp(record)
        # The address pattern cannot match across a JSON string's quotes, so the line stays valid JSON.
        return mask_emails(super().format(record))
