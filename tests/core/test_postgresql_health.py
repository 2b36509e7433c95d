"""core.postgresql: a kept connection is checked without a round trip, and a dead one is still replaced."""

import time

import pytest
from django.db import connection, connections

from core.postgresql.base import _has_input

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def other():
    """A second connection, to watch and to end the first from outside."""
    wrapper = connections.create_connection("default")
    yield wrapper
    wrapper.close()


def _pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _last_statement(other, pid: int) -> str:
    with other.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def _health_check() -> None:
    # What Django does before the first query of a request (CONN_HEALTH_CHECKS).
    connection.health_check_done = False
    connection.close_if_health_check_failed()


def _wait_for_input(timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not _has_input(connection.connection):
        assert time.monotonic() < deadline, "the server's message never arrived"
        time.sleep(0.01)


def test_an_idle_healthy_connection_is_kept_without_a_statement(other):
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    pid = _pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'canting-health-marker'")
    kept = connection.connection

    _health_check()

    assert connection.connection is kept
    # Django's own check would have sent SELECT 1; the server saw nothing since.
    assert _last_statement(other, pid) == "SELECT 'canting-health-marker'"


def test_a_connection_the_server_ended_is_replaced_before_the_query(other):
    pid = _pid()
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    _wait_for_input()

    _health_check()

    assert connection.connection is None
    assert _pid() != pid  # a new connection, and the query ran on it


def test_a_message_on_a_live_connection_gets_the_full_check_and_keeps_it(other):
    pid = _pid()
    with connection.cursor() as cursor:
        cursor.execute("LISTEN canting_health")
    with other.cursor() as cursor:
        cursor.execute("NOTIFY canting_health")
    _wait_for_input()
    kept = connection.connection

    _health_check()

    assert connection.connection is kept
    assert _last_statement(other, pid) == "SELECT 1"
