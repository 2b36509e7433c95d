"""Django's Redis cache, made to fail soft: when Redis is away the cache behaves as empty.

The cache only ever saves work (catalogue pages) or counts requests (rate limits,
ours and allauth's). Neither is worth a failed booking or sign-in, so a Redis
error becomes a miss, and for a few seconds after one the cache does not ask
Redis at all: a hung Redis (accepting connections, never answering) costs one
socket timeout per process, not one per call.
"""

import logging
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from core.breaker import cache_breaker

logger = logging.getLogger(__name__)


def redis_is_down() -> bool:
    """Whether a recent Redis error has the cache stepping aside (the breaker core.cache shares)."""
    return cache_breaker.is_open()


def redis_went_down(exc: Exception) -> None:
    """A Redis error: the cache steps aside for REDIS_RETRY_AFTER_SECONDS (core.breaker)."""
    cache_breaker.failed()
    logger.warning("cache: Redis unavailable, cache off for a few seconds: %s", exc)


class FailSoftRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        # Django builds a new redis.Redis (with its response-callback table) for every
        # cache call; one per connection pool does the same work (profiled: ~15% of a
        # cached catalogue answer). redis.Redis is safe to share; the pool hands out sockets.
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients_by_pool", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def _call(self, name: str, fallback: Any, *args: Any) -> Any:
        if cache_breaker.is_open():
            return fallback
        try:
            return getattr(super(), name)(*args)
        except redis.RedisError as exc:
            redis_went_down(exc)
            return fallback

    def add(self, key, value, timeout):
        # "Added": a lock taken on a cache that is away guards nothing, but must not block.
        return self._call("add", True, key, value, timeout)

    def get(self, key, default):
        return self._call("get", default, key, default)

    def set(self, key, value, timeout):
        return self._call("set", None, key, value, timeout)

    def touch(self, key, timeout):
        return self._call("touch", False, key, timeout)

    def delete(self, key):
        return self._call("delete", False, key)

    def get_many(self, keys):
        return self._call("get_many", {}, keys)

    def has_key(self, key):
        return self._call("has_key", False, key)

    def incr(self, key, delta):
        missing = object()
        value = self._call("incr", missing, key, delta)
        if value is missing:
            raise ValueError(f"Key '{key}' not found.")  # what incr says of a key that is not there
        return value

    def set_many(self, data, timeout):
        return self._call("set_many", [], data, timeout)

    def delete_many(self, keys):
        return self._call("delete_many", None, keys)

    def clear(self):
        return self._call("clear", False)


class FailSoftRedisCache(RedisCache):
    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient
