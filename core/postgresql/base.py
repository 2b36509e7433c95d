"""Django's PostgreSQL backend with a health check that usually needs no round trip.

With CONN_HEALTH_CHECKS, Django asks a kept connection `SELECT 1` before the
first query of every request: a round trip on every request that touches the
database, a third of a refused booking's waiting. A connection the server
closed (a restart, a terminated backend, an idle timeout, a proxy cutting it)
has something to read on its socket while it should be idle: the server's
goodbye, or the end of the stream. So an idle connection whose socket has
nothing to read is used as it is, and only one with something waiting gets
Django's `SELECT 1`, which reads what came and decides.

What no check of this kind can see (a peer that vanished without a word) still
surfaces on the request's first query, as it would after a passed `SELECT 1`
whose connection died a moment later: core.db_unavailable answers 503 and
Django drops the connection when the request ends.
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE or _has_input(connection):
            return super().is_usable()
        return True


def _has_input(connection) -> bool:
    """Whether the server sent anything (or closed) since the last answer was read."""
    try:
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True
