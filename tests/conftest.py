"""Shared fixtures, and the rule that real-service tests skip on a laptop but never in CI."""

import os

import pytest
import redis
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

REQUIRE_SERVICES = os.environ.get("CANTING_REQUIRE_SERVICES") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CANTING_REQUIRE_SERVICES=1: real-service tests must run in CI)")
    pytest.skip(reason)


def redis_reachable() -> bool:
    if not settings.REDIS_URL:
        return False
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _unavailable("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if item.get_closest_marker("redis") and not redis_reachable():
        _unavailable("needs Redis: set REDIS_URL=redis://... to a running server")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (cached catalogue pages must not leak between tests)."""
    from django.core.cache import cache

    from bookings.services.session_memory import memory_forget
    from core.breaker import broker_breaker, cache_breaker

    # A Redis failure in one test must not make the next skip Redis.
    cache_breaker.succeeded()
    broker_breaker.succeeded()
    cache.clear()
    memory_forget()
    yield


@pytest.fixture
def api() -> APIClient:
    return APIClient()
