"""A cache that is a help, never a dependency: if Redis is away, callers just compute.

The catalogue's list answers are cached under a version number that every
change of seats or schedule moves on, so a cached page is never older than the
last booking. A short timeout bounds anything a bump could miss.
"""

import logging
from typing import Any

from django.core.cache import cache

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
        cache.incr(CATALOGUE_VERSION_KEY)
    except ValueError:
        cache_set(CATALOGUE_VERSION_KEY, 1, timeout=None)
    except Exception as exc:  # noqa: BLE001
        logger.warning("cache unavailable on version bump: %s", exc)
