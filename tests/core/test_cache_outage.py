"""With Redis gone, the cache is empty rather than broken: bookings and sign-ins go on,
and a hung Redis costs one timeout per process, not one per call."""

import socket
import threading
import time

import pytest
from redis.backoff import NoBackoff
from redis.retry import Retry

from core.breaker import cache_breaker
from tests.bookings.conftest import GUEST
from tests.factories import ClassSessionFactory, PriceTierFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hung_redis():
    """A server that accepts connections and never answers (like Redis under SIGSTOP)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    accepted = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.fixture
def cache_at(settings, monkeypatch):
    monkeypatch.setattr(cache_breaker, "_retry_at", 0.0)

    def point(url: str) -> None:
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache_backends.FailSoftRedisCache",
                "LOCATION": url,
                "OPTIONS": {
                    "socket_timeout": 0.5,
                    "socket_connect_timeout": 0.5,
                    "retry": Retry(NoBackoff(), 0),
                },
            }
        }

    return point


def test_with_redis_hung_bookings_and_sign_ins_go_on_and_only_the_first_call_waits(
    api, cache_at, hung_redis, settings
):
    api.get("/healthz")  # the process's first request pays for imports and connections, not Redis
    cache_at(hung_redis)
    settings.CANTING_THROTTLE_RATES = {"bookings": "2/day", "waitlist": "2/day"}
    session = ClassSessionFactory(capacity=10)
    PriceTierFactory(batik_class=session.batik_class, amount=50000)
    UserFactory(email="budi@example.id")

    started = time.monotonic()
    first = api.post(
        "/api/v1/bookings/", {"session": session.pk, "seats": 1, "contact": GUEST}, format="json"
    )
    first_took = time.monotonic() - started
    started = time.monotonic()
    more = [
        api.post(
            "/api/v1/bookings/",
            {"session": session.pk, "seats": 1, "contact": {**GUEST, "email": f"g{n}@example.id"}},
            format="json",
        )
        for n in range(3)
    ]
    login = api.post(
        "/_allauth/app/v1/auth/login",
        {"email": "budi@example.id", "password": "rahasia-batik-123"},
        format="json",
    )
    catalogue = api.get("/api/v1/sessions/")
    rest_took = time.monotonic() - started

    assert first.status_code == 201, first.content
    assert [r.status_code for r in more] == [201, 201, 201]  # limits are off while the cache is
    assert login.status_code == 200, login.content
    assert catalogue.status_code == 200
    assert first_took < 2  # one socket timeout (0.5 s), not one per cache call
    assert rest_took < 2  # no further timeouts: the cache stopped asking


def test_with_redis_refusing_connections_the_cache_reads_as_empty(cache_at):
    from django.core.cache import cache

    cache_at("redis://127.0.0.1:9/0")

    cache.set("k", 1)
    assert cache.get("k", "fallback") == "fallback"
    assert cache.add("lock", True) is True
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        cache.incr("counter")


@pytest.mark.redis
def test_with_redis_up_it_is_an_ordinary_cache(cache_at, settings):
    from django.core.cache import cache

    cache_at(settings.REDIS_URL)
    cache.set("k", 41)

    assert cache.incr("k") == 42
    assert cache.add("k", 0) is False
    assert cache.get("k") == 42
