"""Publishing a task never makes a request wait long, whether Redis is gone or hangs."""

import socket
import time

import pytest
from django.conf import settings
from kombu.exceptions import OperationalError

from config.celery import app
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
