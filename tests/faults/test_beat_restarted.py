"""Beat killed (SIGKILL) and restarted in the middle of a hold sweep: every expired hold released once.

Thousands of holds have expired. Beat publishes the sweep every second to a worker
with two pool processes; while the first sweep is running, beat is killed and a new
beat starts and publishes more sweeps, which overlap the first. Each hold must
become expired exactly once: its seats given back once, one HOLD_EXPIRED message.
(Each batch's waitlist advance expires its session's holds as well, a third releaser.)
"""

import json
import re

import pytest

from tests.faults.processes import Stack, wait_for

pytestmark = pytest.mark.postgres

SESSIONS = 8
HOLDS = 2400
CONFIRMED_EVERY = 10  # every tenth booking is confirmed and keeps its seat

EXPIRED_HOLDS = """
from datetime import timedelta
from django.db.models import Sum
from django.utils import timezone
from bookings.codes import new_booking_code, new_manage_nonce
from bookings.models import Booking, BookingStatus
from tests.factories import ClassSessionFactory
from workshops.models import ClassSession

now = timezone.now()
sessions = [ClassSessionFactory(capacity=1000) for _ in range({sessions})]
bookings = []
for index in range({holds}):
    confirmed = index % {confirmed_every} == 0
    bookings.append(Booking(
        code=new_booking_code(), session=sessions[index % len(sessions)], contact_name=f"Tamu {{index}}",
        contact_email=f"tamu{{index}}@example.id", seats=1 + index % 3, total=50000,
        held_at=now - timedelta(hours=1),
        status=BookingStatus.CONFIRMED if confirmed else BookingStatus.HELD,
        confirmed_at=now - timedelta(minutes=50) if confirmed else None,
        hold_expires_at=None if confirmed else now - timedelta(minutes=45), manage_nonce=new_manage_nonce(),
    ))
Booking.objects.bulk_create(bookings, batch_size=500)
for session in sessions:
    seats = Booking.objects.filter(session=session).aggregate(total=Sum("seats"))["total"]
    ClassSession.objects.filter(pk=session.pk).update(seats_taken=seats)
print(Booking.objects.filter(status=BookingStatus.HELD).count())
"""
STILL_HELD = "SELECT count(*) FROM bookings_booking WHERE status = 'held'"
COUNTERS = """
SELECT s.id, s.seats_taken, COALESCE(SUM(b.seats) FILTER (WHERE b.status IN ('held', 'confirmed')), 0)
FROM workshops_classsession s LEFT JOIN bookings_booking b ON b.session_id = s.id GROUP BY s.id
"""
EXPIRED = (
    "SELECT count(*), count(DISTINCT id), count(expired_at) FROM bookings_booking WHERE status = 'expired'"
)
MESSAGES_PER_BOOKING = """
SELECT count(*), count(DISTINCT booking_id) FROM bookings_outboxmessage WHERE kind = 'hold_expired'
"""
SWEEP_RESULT = re.compile(r"Task bookings\.tasks\.sweep_expired_holds\[[^]]+\] succeeded")
SWEEP_RECEIVED = re.compile(r"Task bookings\.tasks\.sweep_expired_holds\[[^]]+\] received")


def sweeps_received(stack: Stack) -> int:
    return len(SWEEP_RECEIVED.findall(stack.log("worker")))


def test_beat_killed_and_restarted_mid_sweep_releases_every_expired_hold_exactly_once(stack):
    stack.env.update(
        {
            "CANTING_HOLD_SWEEP_SECONDS": "1",
            # Nobody consumes the e-mails here: the messages are counted as outbox rows.
            "CANTING_FAULTS_TASK_ROUTES": json.dumps(
                {"bookings.tasks.deliver_message": {"queue": "messages"}}
            ),
        }
    )
    stack.start_redis()
    stack.migrate()
    held = int(
        stack.shell(EXPIRED_HOLDS.format(sessions=SESSIONS, holds=HOLDS, confirmed_every=CONFIRMED_EVERY))
    )
    assert held == HOLDS - HOLDS // CONFIRMED_EVERY
    stack.start_worker(pool="prefork", concurrency=2)

    stack.start_beat()
    wait_for(lambda: sweeps_received(stack) >= 1, timeout=30, what="the first sweep to start")
    stack.kill("beat")  # mid-sweep: the worker is expiring holds right now
    assert stack.database.value(STILL_HELD) > 0, "the sweep had already finished: nothing was interrupted"
    received_before_restart = sweeps_received(stack)
    stack.start_beat()
    wait_for(
        lambda: sweeps_received(stack) > received_before_restart, timeout=30, what="the new beat's sweep"
    )
    wait_for(lambda: stack.database.value(STILL_HELD) == 0, timeout=60, what="every hold to be released")
    stack.stop("beat")
    # A warm shutdown lets the sweeps in progress finish; then the worker's log is complete.
    stack.stop("worker")

    # The interrupted sweep and the new beat's sweeps all ran (each freed session's waitlist
    # advance expires that session's holds too, at the same time): still, each hold expired once.
    assert len(SWEEP_RESULT.findall(stack.log("worker"))) >= 2
    assert "Traceback" not in stack.log("worker")
    assert stack.database.rows(EXPIRED)[0] == (held, held, held)
    # Seats: each session's counter is exactly the seats of its live (confirmed) bookings.
    for session_id, seats_taken, live_seats in stack.database.rows(COUNTERS):
        assert seats_taken == live_seats, (
            f"session {session_id}: counter {seats_taken}, bookings {live_seats}"
        )
    assert stack.database.rows(MESSAGES_PER_BOOKING)[0] == (held, held)
