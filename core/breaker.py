"""Stop asking a service that just failed, for a few seconds, in this process.

Every call to a stalled Redis waits for its whole socket timeout. A booking
touches Redis several times (cache version bump, publishing its messages), so a
hung Redis would add seconds to every request and tie up every web thread. After
one failure the callers skip Redis for `REDIS_RETRY_AFTER_SECONDS` and take their
fallback at once (compute without the cache, leave messages to the outbox sweep),
then the next call tries Redis again.
"""

import threading
import time

from django.conf import settings


class Breaker:
    def __init__(self, name: str) -> None:
        self.name = name
        self._retry_at = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        """True while calls should not even be tried."""
        return time.monotonic() < self._retry_at

    def failed(self) -> None:
        with self._lock:
            self._retry_at = time.monotonic() + settings.REDIS_RETRY_AFTER_SECONDS

    def succeeded(self) -> None:
        if self._retry_at:
            with self._lock:
                self._retry_at = 0.0


# One per use of Redis: the cache and the broker are often the same server, but
# need not be, and each caller knows its own fallback.
cache_breaker = Breaker("cache")
broker_breaker = Breaker("broker")
