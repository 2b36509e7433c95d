"""A cache that is a help, never a dependency: if Redis is away, callers just compute.

The catalogue's list answers are cached under a version number that every
change of the catalogue itself (a session added, moved or cancelled, a class or
price edited) moves on, so such a change shows at once. Seats are different:
every booking moves them, and recomputing every list on every booking left the
cache empty under load (`python -m bench.mixed`). A cached list is served for
`SEATS_STALE_SECONDS` instead, so seat counts in lists lag bookings by at most
that, and a booking writes nothing to the cache. (Noting the time of every seat
change, so that a quiet catalogue stayed cached longer, cost each booking a
Redis write and saved one recomputation every few seconds.) The session's own
page and the booking itself always read seats afresh.
"""

import logging
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from core.breaker import cache_breaker

logger = logging.getLogger(__name__)

CATALOGUE_VERSION_KEY = "catalogue:version"
CATALOGUE_CHANNEL = "catalogue-changed"
SEATS_STALE_SECONDS = 3


def cache_get(key: str) -> Any:
    if cache_breaker.is_open():
        return None
    try:
        value = cache.get(key)
    except Exception as exc:  # noqa: BLE001 - a cache outage only costs speed
        _unavailable("get", exc)
        return None
    cache_breaker.succeeded()
    return value


def cache_get_many(keys: list[str]) -> dict[str, Any]:
    if cache_breaker.is_open():
        return {}
    try:
        values = cache.get_many(keys)
    except Exception as exc:  # noqa: BLE001
        _unavailable("get_many", exc)
        return {}
    cache_breaker.succeeded()
    return values


def cache_set(key: str, value: Any, timeout: int | None) -> None:
    if cache_breaker.is_open():
        return
    try:
        cache.set(key, value, timeout)
    except Exception as exc:  # noqa: BLE001
        _unavailable("set", exc)
        return
    cache_breaker.succeeded()


def catalogue_changed() -> None:
    """Invalidate every cached catalogue answer (sessions, classes or prices changed).

    Processes that keep catalogue facts of their own hear of it on CATALOGUE_CHANNEL.
    """
    if cache_breaker.is_open():
        return
    try:
        backend = caches["default"]
        if isinstance(backend, RedisCache):
            # One round trip on a client kept with the backend (`cache.incr` asks EXISTS
            # first, builds a client each time and fails on a missing key): the version
            # moves on (a missing key counts from 0), and the listeners are told.
            pipe = _redis_client(backend).pipeline(transaction=False)
            pipe.incr(backend.make_and_validate_key(CATALOGUE_VERSION_KEY))
            pipe.publish(redis_channel(CATALOGUE_CHANNEL), "changed")
            pipe.execute()
        else:
            try:
                backend.incr(CATALOGUE_VERSION_KEY)
            except ValueError:
                backend.set(CATALOGUE_VERSION_KEY, 1, None)
    except Exception as exc:  # noqa: BLE001
        _unavailable("version bump", exc)
        return
    cache_breaker.succeeded()


def redis_channel(name: str) -> str | None:
    """The Redis pub/sub channel `name` of this site (None without a Redis cache)."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    # Channels are shared by a server's databases: the cache's key prefix and database keep sites apart.
    database = _redis_client(backend).connection_pool.connection_kwargs.get("db", 0)
    return backend.make_and_validate_key(f"channel:{database}:{name}")


def redis_pubsub():
    """A pub/sub connection of the cache's Redis (the caller closes it), or None without one."""
    backend = caches["default"]
    return _redis_client(backend).pubsub() if isinstance(backend, RedisCache) else None


def cache_publish(name: str, message: str) -> None:
    """Tell every listener on channel `name`; lost, like any cache write, when Redis is away."""
    channel = redis_channel(name)
    if channel is None or cache_breaker.is_open():
        return
    try:
        _redis_client(caches["default"]).publish(channel, message)
    except Exception as exc:  # noqa: BLE001
        _unavailable("publish", exc)
        return
    cache_breaker.succeeded()


def _redis_client(backend: RedisCache):
    # A client on the backend's own connection pool, made once per backend (per thread).
    client = getattr(backend, "_canting_write_client", None)
    if client is None:
        client = backend._cache.get_client(write=True)
        backend._canting_write_client = client
    return client


def _unavailable(action: str, exc: Exception) -> None:
    # Skip the cache for a few seconds rather than wait on a stalled Redis in every request.
    cache_breaker.failed()
    logger.warning("cache unavailable on %s: %s", action, exc)
