"""A cache that is a help, never a dependency: if Redis is away, callers just compute.

The catalogue's list answers are cached under a version number that every
change of seats or schedule moves on, so a cached page is never older than the
last booking. A short timeout bounds anything a bump could miss.
"""

import logging
from typing import Any

from django.core.cache import cache

from core.breaker import cache_breaker

logger = logging.getLogger(__name__)

CATALOGUE_VERSION_KEY = "catalogue:version"


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
    """Invalidate every cached catalogue answer (seats, sessions or prices changed)."""
    if cache_breaker.is_open():
        return
    try:
        cache.incr(CATALOGUE_VERSION_KEY)
    except ValueError:
        cache_set(CATALOGUE_VERSION_KEY, 1, timeout=None)
    except Exception as exc:  # noqa: BLE001
        _unavailable("version bump", exc)
        return
    cache_breaker.succeeded()


def _unavailable(action: str, exc: Exception) -> None:
    # Skip the cache for a few seconds rather than wait on a stalled Redis in every request.
    cache_breaker.failed()
    logger.warning("cache unavailable on %s: %s", action, exc)
