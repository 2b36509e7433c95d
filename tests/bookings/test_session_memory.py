"""What a process remembers of sessions (read a moment ago, sold out), and every change that voids it.

To tell an answer from memory from one read in the database, tests change the
session behind the services' back (a raw UPDATE that tells nobody): only the
memory still answers as before then. Releases and catalogue changes reach the note
through Redis (a listener thread), so those tests wait for it to hear.
"""

import signal
import subprocess
import time
from datetime import timedelta

import pytest
import redis
import time_machine
from django.utils import timezone

from bookings.errors import InvalidBooking, SessionCancelled, SessionFull, SessionStarted
from bookings.models import Booking, BookingStatus
from bookings.services.hold_sql import bookable_session_read
from bookings.services.holds import Contact, LineRequest, booking_cancel, booking_hold
from bookings.services.session_memory import (
    MEMORY_SECONDS,
    memory_listening,
    memory_stop,
    memory_ticket,
    seats_freed,
    session_rows_recalled,
    sold_out_note,
    sold_out_noted,
)
from bookings.services.sessions import session_cancel_with_bookings
from core.cache import catalogue_changed
from tests.core.test_cache_outage import hung_redis  # noqa: F401 - a fixture
from tests.factories import ClassSessionFactory, PriceTierFactory
from tests.faults.processes import free_port, wait_for
from workshops.models import ClassSession, PriceTier, SessionStatus

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

_serial = iter(range(10**6))


@pytest.fixture
def small():
    """A session of 3 seats, at most 3 per booking, with this process listening to Redis."""
    assert memory_listening(timeout=5)
    session = ClassSessionFactory(capacity=3, batik_class__max_seats_per_booking=3)
    PriceTierFactory(batik_class=session.batik_class, amount=50000)
    return session


def attempt(session, seats=1) -> Booking:
    return booking_hold(
        session_id=session.pk,
        lines=[LineRequest(tier_id=None, quantity=seats)],
        contact=Contact(name="Tamu", email=f"tamu{next(_serial)}@example.id"),
        user=None,
        language="id",
    )


def fill(session) -> list[Booking]:
    """Take every seat, then be refused: the database says so, and the process notes it."""
    taken = [attempt(session, 2), attempt(session, 1)]
    with pytest.raises(SessionFull):
        attempt(session)
    assert sold_out_note(session.pk, timezone.now()) is not None
    return taken


def seat_behind_the_services_back(session) -> None:
    ClassSession.objects.filter(pk=session.pk).update(capacity=session.capacity + 1)


def wait_until_struck_out(session) -> None:
    deadline = time.monotonic() + 5
    while sold_out_note(session.pk, timezone.now()) is not None:
        assert time.monotonic() < deadline, "the announcement never arrived"
        time.sleep(0.01)


def test_a_sold_out_session_is_refused_from_its_note_until_the_catalogue_changes(small):
    fill(small)
    seat_behind_the_services_back(small)

    with pytest.raises(SessionFull):
        attempt(small)  # the note: the database would have sold that seat
    catalogue_changed()  # what every service that edits a session does after commit
    wait_until_struck_out(small)
    assert attempt(small).status == BookingStatus.HELD


def test_a_cancellation_voids_the_note_at_once(small, django_capture_on_commit_callbacks):
    first, _second = fill(small)

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=first)

    wait_until_struck_out(small)
    assert attempt(small, 2).status == BookingStatus.HELD


def test_a_hold_running_out_voids_the_note(small):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fill(small)
        clock.shift(timedelta(minutes=small.batik_class.workshop.hold_minutes, seconds=1))
        # The note ends when the first hold does; the attempt releases the expired holds.
        assert attempt(small, 3).status == BookingStatus.HELD


def test_a_note_lasts_at_most_its_seconds(small):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fill(small)
        seat_behind_the_services_back(small)
        clock.shift(timedelta(seconds=MEMORY_SECONDS))

        assert attempt(small).status == BookingStatus.HELD


def test_a_session_cancelled_after_selling_out_says_so(small, django_capture_on_commit_callbacks):
    fill(small)

    with django_capture_on_commit_callbacks(execute=True):
        session_cancel_with_bookings(session=small, reason="Hujan deras", actor=None)

    wait_until_struck_out(small)
    with pytest.raises(SessionCancelled):
        attempt(small)


def test_a_note_refuses_only_what_it_knows_is_too_much(small):
    attempt(small, 2)
    with pytest.raises(SessionFull):
        attempt(small, 2)  # one seat is left
    assert sold_out_note(small.pk, timezone.now()).seats_left == 1

    assert attempt(small, 1).status == BookingStatus.HELD
    with pytest.raises(InvalidBooking):
        attempt(small, 4)  # above the class's limit: the same answer as from the database


def test_a_release_while_the_note_is_written_voids_it(small):
    attempt(small, 3)
    now = timezone.now()
    ticket = memory_ticket()  # taken before the database is read, as a booking does
    found = bookable_session_read(session_id=small.pk, now=now)
    seats_freed([small.pk])  # a cancellation commits meanwhile, and is announced
    deadline = time.monotonic() + 5
    while memory_ticket() == ticket:
        assert time.monotonic() < deadline, "the announcement never arrived"
        time.sleep(0.01)

    sold_out_noted(session_id=small.pk, found=found, ticket=ticket, now=now)

    assert sold_out_note(small.pk, now) is None


def cache_on(settings, url: str) -> None:
    """The cache (and so the listener, restarted) on another Redis, with short timeouts."""
    memory_stop()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.FailSoftRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_timeout": 0.3, "socket_connect_timeout": 0.3},
        }
    }


def test_without_redis_every_refusal_comes_from_the_database(hung_redis, settings):  # noqa: F811
    settings.REDIS_SOCKET_TIMEOUT = 0.3
    cache_on(settings, hung_redis)
    try:
        assert not memory_listening(timeout=1)
        session = ClassSessionFactory(capacity=1)
        PriceTierFactory(batik_class=session.batik_class)
        attempt(session)
        with pytest.raises(SessionFull):
            attempt(session)
        assert sold_out_note(session.pk, timezone.now()) is None
        seat_behind_the_services_back(session)

        assert attempt(session).status == BookingStatus.HELD
    finally:
        memory_stop()  # the next test's listener connects to the real Redis again


def test_a_session_read_a_moment_ago_is_booked_without_reading_it_again(small):
    attempt(small)  # read, and remembered
    PriceTier.objects.filter(batik_class=small.batik_class).update(amount=60000)  # behind the back

    assert attempt(small).total == 50000  # the price as remembered
    catalogue_changed()  # what the price service does after commit
    wait_until_forgotten(small)
    assert attempt(small).total == 60000


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"status": SessionStatus.CANCELLED}, SessionCancelled),
        ({"starts_at": timezone.now() - timedelta(minutes=5)}, SessionStarted),
        ({"capacity": 1}, SessionFull),
    ],
)
def test_what_the_memory_cannot_know_the_hold_itself_checks(small, change, refusal):
    attempt(small)  # read, and remembered; one seat taken
    ClassSession.objects.filter(pk=small.pk).update(**change)  # behind the back

    with pytest.raises(refusal):
        attempt(small)
    assert Booking.objects.filter(session=small).count() == 1


def wait_until_forgotten(session) -> None:
    deadline = time.monotonic() + 5
    while session_rows_recalled(session.pk) is not None:
        assert time.monotonic() < deadline, "the announcement never arrived"
        time.sleep(0.01)


@pytest.fixture
def private_redis(settings):
    """A redis-server of this test's own, as the cache (so it can be paused), and the listener on it."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    wait_for(lambda: _answers(url), timeout=10, what="redis-server")
    cache_on(settings, url)
    try:
        yield server
    finally:
        memory_stop()
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_timeout=0.5).ping()
    except redis.RedisError:
        return False


def test_a_redis_that_hangs_makes_the_process_forget(private_redis):
    assert memory_listening(timeout=5)
    session = ClassSessionFactory(capacity=1)
    PriceTierFactory(batik_class=session.batik_class)
    attempt(session)
    with pytest.raises(SessionFull):
        attempt(session)
    assert sold_out_note(session.pk, timezone.now()) is not None

    private_redis.send_signal(signal.SIGSTOP)  # announcements made now would be lost
    wait_for(lambda: memory_ticket() is None, timeout=10, what="the listener to distrust Redis")
    private_redis.send_signal(signal.SIGCONT)
    assert memory_listening(timeout=10)

    assert sold_out_note(session.pk, timezone.now()) is None  # forgotten, not revived
    seat_behind_the_services_back(session)
    assert attempt(session).status == BookingStatus.HELD
