"""DRF's side of the rate limits (core.throttling): a view names its scope, writes are counted."""

from typing import TYPE_CHECKING, Any

from rest_framework.throttling import BaseThrottle

from core.throttling import request_throttle

if TYPE_CHECKING:  # DRF's views import the throttle classes from settings: no import cycle at run time
    from rest_framework.request import Request

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ScopedWriteThrottle(BaseThrottle):
    """Limits a view's writes per client address and per signed-in user.

    The view sets `throttle_scope`; the rate is CANTING_THROTTLE_RATES[scope],
    read at each request so a deployment (or a test) can change it. Reads are
    never counted. A refusal becomes a 429 `{"code": "throttled"}` with Retry-After.
    """

    def __init__(self) -> None:
        self.retry_after: int | None = None

    def allow_request(self, request: "Request", view: Any) -> bool:
        scope = getattr(view, "throttle_scope", None)
        if not scope or request.method in SAFE_METHODS:
            return True
        user = request.user
        verdict = request_throttle(request, scope=scope, user_id=user.pk if user.is_authenticated else None)
        self.retry_after = verdict.retry_after or None
        return verdict.allowed

    def wait(self) -> float | None:
        return self.retry_after
