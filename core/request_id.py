"""A request id on every request, its response and its log lines; one access line per request.

An id from the proxy in front (X-Request-ID) is kept when it looks like one, so
a request can be followed from the proxy's log into ours; anything else is
replaced. Tasks published while serving the request carry the id in a message
header, and the worker's lines for that task carry it too.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import Token
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from core.logs import current_request_id

HEADER = "X-Request-ID"
CELERY_HEADER = "canting_request_id"
# Letters, digits and - _ . : up to 128 characters: UUIDs, nginx's $request_id, trace ids.
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

access_logger = logging.getLogger("canting.request")


def sane_request_id(value: str | None) -> str | None:
    return value if value and _SANE.fullmatch(value) else None


class RequestIdMiddleware:
    """Sets the request id for the request, answers with it, and logs the request when it is done.

    The access line holds method, path (no query string: guests' manage tokens
    travel there), status, duration and the user's id; never a name or address.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = sane_request_id(request.headers.get(HEADER)) or uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            user_id = _known_user_id(request)
            access_logger.info(
                "%s %s %s %sms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": user_id,
                },
            )
            return response
        finally:
            current_request_id.reset(token)


def _known_user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id if the request already looked them up; never a query of its own.

    Loading the user here would cost a query per request and, with the database
    gone, turn /healthz's clean 503 into an error.
    """
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    try:
        return user.pk if user.is_authenticated else None
    except Exception:  # noqa: BLE001 - the log line must never fail the request
        return None


def celery_before_publish(headers: dict | None = None, **kwargs: Any) -> None:
    """Celery's before_task_publish: hand the current request id to the task."""
    request_id = current_request_id.get()
    if headers is not None and request_id != "-":
        headers.setdefault(CELERY_HEADER, request_id)


_task_tokens: dict[str, Token] = {}


def celery_task_prerun(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    """Celery's task_prerun: the task's log lines carry the id of the request that published it."""
    if task is None or task_id is None or getattr(task.request, "is_eager", False):
        return  # run in the caller's thread (tests): the caller's id already applies
    request_id = sane_request_id(getattr(task.request, CELERY_HEADER, None))
    _task_tokens[task_id] = current_request_id.set(request_id or f"task-{task_id}")


def celery_task_postrun(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None) if task_id is not None else None
    if token is not None:
        current_request_id.reset(token)


def connect_celery_signals() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(celery_before_publish, weak=False)
    task_prerun.connect(celery_task_prerun, weak=False)
    task_postrun.connect(celery_task_postrun, weak=False)
