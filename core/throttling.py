"""Rate limits shared by every web process: who the client is, and a counter per client in the cache.

The client's address comes from `client_ip()`, which believes only as many
X-Forwarded-For hops as there are proxies of ours in front of the app
(CANTING_TRUSTED_PROXIES). Anything to the left of those was written by the
client, so a forged header cannot give a client a fresh limit.

Counters are fixed windows in the shared cache (Redis in production): `add`
then `incr`, both atomic in Redis, so several web containers count together.
A limit is a guard, never a dependency: when the cache is away the request is
let through, and the cache is not asked again for a few seconds so a hung
Redis costs at most one short timeout.
"""

import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

from core.breaker import cache_breaker
from core.errors import DomainError

logger = logging.getLogger(__name__)


_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_ip(request: HttpRequest) -> str:
    """The address of the client as our own proxies saw it.

    With N trusted proxies, the N-th address from the right of X-Forwarded-For
    (each proxy appends the address it received the request from); with none,
    or no usable header, the address of the TCP peer.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.CANTING_TRUSTED_PROXIES
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if hops:
            candidate = _clean_ip(hops[-min(proxies, len(hops))])
            if candidate:
                return candidate
    return _clean_ip(remote) or remote


def _clean_ip(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """`30/min`, `5/s`, `100/hour`, `1000/day`, or with a multiple: `10/5m`."""
        count, _, period = text.strip().partition("/")
        digits = "".join(ch for ch in period if ch.isdigit())
        unit = period[len(digits) :].strip().lower()[:1]
        if not count.strip().isdigit() or unit not in _PERIODS:
            raise ValueError(f"not a rate: {text!r} (expected e.g. 30/min)")
        return cls(count=int(count), seconds=int(digits or 1) * _PERIODS[unit])


def rate_for(scope: str) -> Rate | None:
    """The configured rate of a scope (CANTING_THROTTLE_RATES); None or empty: no limit."""
    text = settings.CANTING_THROTTLE_RATES.get(scope)
    return Rate.parse(text) if text else None


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def throttle_hit(*, scope: str, ident: str, rate: Rate, now: float | None = None) -> Verdict:
    """Count one request of `ident` in `scope`; refused once the window's count passes the rate."""
    now = time.time() if now is None else now
    if cache_breaker.is_open():
        return Verdict(allowed=True)
    window = int(now // rate.seconds)
    key = f"throttle:{scope}:{ident}:{rate.seconds}:{window}"
    try:
        # add() only creates the counter; incr() is atomic, so concurrent web processes count together.
        cache.add(key, 0, timeout=rate.seconds + 1)
        count = cache.incr(key)
    except ValueError:
        # The counter expired between add and incr: this request opens the window.
        cache.set(key, 1, timeout=rate.seconds + 1)
        count = 1
    except Exception as exc:  # noqa: BLE001 - a cache outage must not refuse bookings
        # The cache's own breaker (core.breaker): limits and caching step aside together.
        cache_breaker.failed()
        logger.warning("throttle: cache unavailable, limits off for a few seconds: %s", exc)
        return Verdict(allowed=True)
    if count <= rate.count:
        return Verdict(allowed=True)
    return Verdict(allowed=False, retry_after=max(1, math.ceil((window + 1) * rate.seconds - now)))


def request_throttle(request: HttpRequest, *, scope: str, user_id: int | None) -> Verdict:
    """Count a request against its scope per client address and, when signed in, per user.

    Both must pass: one user cannot spread requests over addresses, and one
    address cannot spread them over accounts.
    """
    rate = rate_for(scope)
    if rate is None:
        return Verdict(allowed=True)
    idents = [f"ip:{client_ip(request)}"]
    if user_id is not None:
        idents.append(f"user:{user_id}")
    refused = [v for v in (throttle_hit(scope=scope, ident=i, rate=rate) for i in idents) if not v.allowed]
    if refused:
        return Verdict(allowed=False, retry_after=max(v.retry_after for v in refused))
    return Verdict(allowed=True)


class Throttled(DomainError):
    status_code = 429
    code = "throttled"


def throttle_or_raise(request: HttpRequest, *, scope: str) -> None:
    """For pages: count the request (per address and signed-in user) or refuse it with `Throttled`."""
    user = getattr(request, "user", None)
    verdict = request_throttle(
        request, scope=scope, user_id=user.pk if user is not None and user.is_authenticated else None
    )
    if not verdict.allowed:
        raise Throttled(
            ngettext(
                "Too many requests from your connection. Please wait %(seconds)d second and try again.",
                "Too many requests from your connection. Please wait %(seconds)d seconds and try again.",
                verdict.retry_after,
            )
            % {"seconds": verdict.retry_after}
        )
