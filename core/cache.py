"""A cache that is a help, never a dependency: if Redis is away, callers just compute.

The catalogue's list answers are cached under a version number that every
change of seats or schedule moves on, so a cached page is never older than the
last booking. A short timeout bounds anything a bump could miss.
"""

import logging
from typing import Any

import redis
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from core.cache_backends import redis_is_down, redis_went_down

logger = logging.getLogger(__name__)

CATALOGUE_VERSION_KEY = "catalogue:version"


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
