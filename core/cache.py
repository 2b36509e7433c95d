"""A cache that is a help, never a dependency: if Redis is away, callers just compute.

The catalogue's list answers are cached under a version number that every
change of the catalogue itself (a session added, moved or cancelled, a class or
price edited) moves on, so such a change shows at once. Seats are different:
every booking moves them, and recomputing every list on every booking left the
cache empty under load (`python -m bench.mixed`). A seat change is recorded with
its time instead, and a cached list older than it is recomputed once it is
`SEATS_STALE_SECONDS` old: seat counts in lists lag bookings by at most that.
The session's own page and the booking itself always read seats afresh.
"""

import logging
import time
from typing import Any

import redis
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from core.cache_backends import redis_is_down, redis_went_down

logger = logging.getLogger(__name__)

CATALOGUE_VERSION_KEY = "catalogue:version"
SEATS_CHANGED_KEY = "catalogue:seats-changed"
SEATS_STALE_SECONDS = 3


def cache_get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception as exc:  # noqa: BLE001 - a cache outage only costs speed
        logger.warning("cache unavailable on get: %s", exc)
        return None


def cache_get_many(keys: list[str]) -> dict[str, Any]:
    try:
        return cache.get_many(keys)
    except Exception as exc:  # noqa: BLE001
        logger.warning("cache unavailable on get_many: %s", exc)
        return {}


def cache_set(key: str, value: Any, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception as exc:  # noqa: BLE001
        logger.warning("cache unavailable on set: %s", exc)


def catalogue_changed() -> None:
    """Invalidate every cached catalogue answer (seats, sessions or prices changed)."""
    try:
        backend = caches["default"]
        if isinstance(backend, RedisCache):
            # One INCR (a missing key counts from 0) on a client kept with the backend:
            # `cache.incr` asks EXISTS first and builds a client each time, and every
            # booking comes through here. Straight to Redis, so the fail-soft cache's
            # "Redis is away" is honoured here by hand: one timeout, not one per booking.
            if redis_is_down():
                return
            try:
                _redis_client(backend).incr(backend.make_and_validate_key(CATALOGUE_VERSION_KEY))
            except redis.RedisError as exc:
                redis_went_down(exc)
            return
        backend.incr(CATALOGUE_VERSION_KEY)
    except ValueError:
        cache_set(CATALOGUE_VERSION_KEY, 1, timeout=None)
    except Exception as exc:  # noqa: BLE001
        logger.warning("cache unavailable on version bump: %s", exc)


def _redis_client(backend: RedisCache):
    # A client on the backend's own connection pool, made once per backend (per thread).
    client = getattr(backend, "_canting_write_client", None)
    if client is None:
        client = backend._cache.get_client(write=True)
        backend._canting_write_client = client
    return client


def seats_changed() -> None:
    """Seats moved (a hold, a confirmation, a cancellation, an expiry): note when."""
    try:
        backend = caches["default"]
        if isinstance(backend, RedisCache):
            # One SET on the backend's kept client: every booking comes through here.
            # A plain integer (milliseconds), as Django's Redis serializer stores ints.
            _redis_client(backend).set(backend.make_and_validate_key(SEATS_CHANGED_KEY), _now_ms())
            return
        backend.set(SEATS_CHANGED_KEY, _now_ms(), None)
    except Exception as exc:  # noqa: BLE001
        logger.warning("cache unavailable on seats change: %s", exc)


def _now_ms() -> int:
    return int(time.time() * 1000)
