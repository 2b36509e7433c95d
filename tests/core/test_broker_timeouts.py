"""Publishing a task never makes a request wait long, whether Redis is gone or hangs."""

import socket
import time

import pytest
from django.conf import settings
from kombu.exceptions import OperationalError

from bookings.services.outbox import outbox_publish
from bookings.services.triggers import waitlist_advance_publish
from config.celery import app
from core.breaker import broker_breaker
from core.cache import cache_get, cache_get_many, cache_set, catalogue_changed
from core.tasks import scheduler_heartbeat


def _publish_to(url: str) -> float:
    started = time.monotonic()
    options = settings.REDIS_BROKER_TRANSPORT_OPTIONS
    with (
        app.connection_for_write(url, transport_options=options) as connection,
        pytest.raises(OperationalError),
    ):
        scheduler_heartbeat.apply_async(connection=connection)
    return time.monotonic() - started


def test_publishing_to_a_redis_that_is_not_there_fails_fast():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]

    assert _publish_to(f"redis://127.0.0.1:{free_port}/0") < 2.0


def test_publishing_to_a_redis_that_accepts_but_never_answers_gives_up_within_the_timeout():
    # A listening socket nobody reads from behaves like a SIGSTOPped redis-server:
    # the TCP handshake succeeds, then every command waits forever.
    with socket.socket() as stalled:
        stalled.bind(("127.0.0.1", 0))
        stalled.listen(16)
        port = stalled.getsockname()[1]

        elapsed = _publish_to(f"redis://127.0.0.1:{port}/0")

    assert elapsed < 3.0


@pytest.fixture
def stalled_cache(settings):
    """The cache on a Redis that accepts connections and never answers (like a SIGSTOPped one)."""
    with socket.socket() as stalled:
        stalled.bind(("127.0.0.1", 0))
        stalled.listen(64)
        port = stalled.getsockname()[1]
        settings.REDIS_SOCKET_TIMEOUT = 0.5
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
            }
        }
        yield


def _seconds(work) -> float:
    started = time.monotonic()
    work()
    return time.monotonic() - started


def test_a_hung_cache_costs_one_timeout_then_is_skipped_until_the_retry_time(stalled_cache, settings):
    settings.REDIS_RETRY_AFTER_SECONDS = 1.0

    assert _seconds(lambda: cache_get("catalogue:1")) >= 0.4  # the first call waits out the timeout

    def many_calls() -> None:
        for _ in range(20):
            assert cache_get("catalogue:1") is None
            assert cache_get_many(["a", "b"]) == {}
            cache_set("catalogue:1", "page", timeout=60)
            catalogue_changed()

    assert _seconds(many_calls) < 0.2  # then nobody waits on it

    time.sleep(1.1)
    assert _seconds(lambda: cache_get("catalogue:1")) >= 0.4  # after the retry time, Redis is tried again


def test_after_a_failed_publish_the_outbox_leaves_messages_to_the_sweep_without_waiting(settings):
    settings.REDIS_RETRY_AFTER_SECONDS = 30.0
    broker_breaker.failed()

    started = time.monotonic()
    assert outbox_publish(message_ids=list(range(1, 101))) == 0
    assert waitlist_advance_publish(session_ids=[1, 2, 3]) == 0
    assert time.monotonic() - started < 0.1
