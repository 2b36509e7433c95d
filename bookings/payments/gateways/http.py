"""One small JSON-over-HTTP helper shared by the gateway clients.

Standard library only (urllib): a gateway call is a handful of requests a day per
workshop, not worth a dependency. Every call has a deadline for the whole exchange,
not just per socket read, so a gateway that trickles bytes cannot hold a request.
"""

from __future__ import annotations

import base64
import http.client
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bookings.payments.providers.base import GatewayError

# A gateway answer is a few kilobytes; anything far larger is not one.
MAX_RESPONSE_BYTES = 1_000_000
_CHUNK = 16_384


class GatewayUnreachable(GatewayError):
    """The gateway could not be reached in time (DNS, refused connection, timeout, cut stream)."""


class GatewayRefused(GatewayError):
    """The gateway answered but refused the request (4xx/5xx, or an error in the body)."""

    def __init__(self, message: str, *, status: int, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class GatewayNotFound(GatewayRefused):
    """The gateway does not know the transaction or invoice asked about."""


@dataclass(frozen=True)
class JsonResponse:
    status: int
    body: Any


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A payment API never redirects; following one could replay credentials elsewhere.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect())


def basic_auth(key: str) -> str:
    """Both gateways authenticate with HTTP Basic: the secret key as user, an empty password."""
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode("ascii")


def request_json(
    method: str,
    url: str,
    *,
    key: str,
    timeout: float,
    body: dict | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    """Send one request and return the status and the decoded JSON body.

    Raises GatewayUnreachable when no complete answer arrives within `timeout`
    seconds in total, and GatewayRefused when the answer is not JSON.
    HTTP error statuses are returned, not raised: each client knows what they mean.
    """
    if urlsplit(url).scheme not in {"http", "https"}:
        raise GatewayUnreachable(f"not an http(s) address: {url!r}")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    request.add_header("Authorization", basic_auth(key))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)

    deadline = time.monotonic() + timeout
    try:
        try:
            response = _opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            response = exc
        with response:
            status = response.status if hasattr(response, "status") else response.code
            raw = _read_until(response, deadline)
    except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        raise GatewayUnreachable(f"{method} {_safe(url)}: {exc}") from exc

    if not raw.strip():
        return JsonResponse(status=status, body=None)
    try:
        decoded = json.loads(raw)
    except ValueError as exc:
        raise GatewayRefused(
            f"{method} {_safe(url)}: HTTP {status} and a body that is not JSON", status=status
        ) from exc
    return JsonResponse(status=status, body=decoded)


def _read_until(response: Any, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("the gateway took too long to answer")
        chunk = response.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise OSError("the gateway answer is too large")
        chunks.append(chunk)


def _safe(url: str) -> str:
    # Error messages end up in logs; keep the path, drop any query string.
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
