"""Idempotency-Key for the booking endpoints: HTTP on top of services.idempotency."""

from collections.abc import Callable

from rest_framework.request import Request
from rest_framework.response import Response

from bookings.services.idempotency import Answer, idempotent_call, request_fingerprint
from core.api.errors import error_body
from core.errors import DomainError

MAX_KEY_LENGTH = 255


def respond_idempotently(request: Request, *, scope: str, action: Callable[[], tuple[int, dict]]) -> Response:
    """Run `action` (returning status and body); with an Idempotency-Key, at most once per key."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        status, body = action()
        return Response(body, status=status)
    if len(key) > MAX_KEY_LENGTH:
        raise _KeyTooLong()
    answer = idempotent_call(
        scope=scope,
        key=key,
        fingerprint=request_fingerprint(method=request.method, path=request.path, body=request.data),
        action=lambda: Answer(*action()),
        error_answer=lambda error: Answer(
            error.status_code, error_body(error.code, error.message, error.fields)
        ),
    )
    response = Response(answer.body, status=answer.status)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


class _KeyTooLong(DomainError):
    code = "idempotency_key_invalid"
    default_message = "An Idempotency-Key is at most 255 characters."
