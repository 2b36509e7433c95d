"""Redis goes away while tourists book: every booking succeeds at once, every confirmation goes out once.

Real processes: gunicorn (two workers, four threads each), a Celery worker, beat and
a private redis-server, against a throwaway PostgreSQL database. 200 tourists each
hold and confirm a seat; Redis is stopped (or hung with SIGSTOP) for the middle 100.
"""

import json
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from tests.faults.processes import Stack, wait_for

pytestmark = pytest.mark.postgres

BOOKINGS = 200
SESSIONS = 25  # 10 seats each: room for everyone, spread so no one session row is the bottleneck
SLOWEST_ALLOWED = 5.0
OWNER = "pemilik@example.id"

CATALOGUE = """
import json
from tests.factories import ClassSessionFactory, MembershipFactory, PriceTierFactory
sessions = []
for index in range({sessions}):
    session = ClassSessionFactory(capacity=10)
    PriceTierFactory(batik_class=session.batik_class)
    sessions.append(session.pk)
# One workshop's owner hears of each booking: two messages per confirmation in that workshop.
MembershipFactory(workshop=session.batik_class.workshop, user__email="{owner}")
print(json.dumps(sessions))
"""
SETTINGS = {
    # Faster than production's 30 s / 60 s, so the test waits seconds instead of minutes.
    "CANTING_OUTBOX_SWEEP_SECONDS": "1",
    "CANTING_OUTBOX_REPUBLISH_AFTER_SECONDS": "3",
    # A mail server that takes its time: the worker is still sending when Redis goes.
    "CANTING_FAULTS_EMAIL_BACKEND": "tests.faults.slow_mail.SlowFileBackend",
    "CANTING_TEST_SEND_SECONDS": "0.3",
}
CONFIRMATIONS = """
SELECT b.code, b.contact_email, m.sent_at FROM bookings_outboxmessage m
JOIN bookings_booking b ON b.id = m.booking_id
WHERE m.kind = 'booking_confirmed' ORDER BY b.code
"""


def guest(index: int) -> dict:
    return {"name": f"Tamu Uji {index}", "email": f"tamu{index}@example.id"}


def start_everything(stack: Stack) -> list[int]:
    stack.env.update(SETTINGS)
    stack.start_redis()
    stack.migrate()
    sessions = json.loads(stack.shell(CATALOGUE.format(sessions=SESSIONS, owner=OWNER)))
    stack.start_web(workers=2, threads=4)
    stack.start_worker(pool="prefork", concurrency=2)
    stack.start_beat()
    return sessions


def sending(stack: Stack) -> int:
    """How many sends the worker has begun (tests/faults/slow_mail.py leaves a marker for each)."""
    folder = stack.var_dir / "sending"
    return len(list(folder.iterdir())) if folder.is_dir() else 0


def book(stack: Stack, sessions: list[int], index: int) -> tuple[str, list[tuple[int, float]]]:
    """Hold one seat and confirm it, as a tourist's app does; the code and each answer's status and time."""
    body = {"session": sessions[index % len(sessions)], "seats": 1, "contact": guest(index), "language": "en"}
    status, created, seconds = stack.post("/api/v1/bookings/", body)
    answers = [(status, seconds)]
    if status != 201:
        return "", answers
    code, token = created["code"], created["manage_token"]
    status, _confirmed, seconds = stack.post(f"/api/v1/bookings/{code}/confirm/?token={token}")
    answers.append((status, seconds))
    return code, answers


def book_through_an_outage(
    stack: Stack, *, break_redis: Callable[[], None], mend_redis: Callable[[], None]
) -> None:
    sessions = start_everything(stack)
    results: dict[int, tuple[str, list[tuple[int, float]]]] = {}
    phases = [range(0, 50), range(50, 150), range(150, BOOKINGS)]

    with ThreadPoolExecutor(max_workers=8) as pool:

        def run(indexes: range) -> None:
            for index, result in zip(
                indexes, pool.map(lambda i: book(stack, sessions, i), indexes), strict=True
            ):
                results[index] = result

        run(phases[0])
        # Redis goes while the worker is busy: messages taken and not yet acknowledged.
        wait_for(lambda: sending(stack) > len(stack.mails()), timeout=15, what="a send in progress")
        break_redis()
        run(phases[1])
        assert not stack.redis_answers()  # still away: the middle 100 were booked without it
        mend_redis()
        redis_back = datetime.now(UTC)
        run(phases[2])

    failed = {i: answers for i, (_code, answers) in results.items() if [s for s, _t in answers] != [201, 200]}
    assert len(results) == BOOKINGS
    assert failed == {}
    slowest = max(seconds for _code, answers in results.values() for _status, seconds in answers)
    assert slowest < SLOWEST_ALLOWED, f"a request took {slowest:.1f} s"
    codes = {index: code for index, (code, _answers) in results.items()}

    # Every confirmation goes out once Redis is back: the sweep republishes what was lost or never published.
    def all_sent() -> bool:
        return all(sent_at is not None for _code, _email, sent_at in stack.database.rows(CONFIRMATIONS))

    wait_for(all_sent, timeout=120, what="every confirmation to be sent", every=1)
    rows = stack.database.rows(CONFIRMATIONS)
    assert sorted(code for code, _email, _sent in rows) == sorted(codes.values())
    for index in phases[1]:
        [sent_at] = [sent for code, _email, sent in rows if code == codes[index]]
        assert sent_at >= redis_back, f"booking {index} was e-mailed while Redis was away?"

    # A few more sweeps and redeliveries later, still one e-mail per guest.
    time.sleep(4)
    to_guests = Counter((str(m["To"]), m["X-Canting-Booking"]) for m in stack.mails() if m["To"] != OWNER)
    expected = Counter((guest(index)["email"], code) for index, code in codes.items())
    assert to_guests == expected


def test_redis_stopped_during_200_bookings_every_booking_succeeds_and_every_guest_is_emailed_once(stack):
    book_through_an_outage(stack, break_redis=lambda: stack.stop("redis"), mend_redis=stack.start_redis)


def test_redis_hung_during_200_bookings_every_booking_succeeds_and_every_guest_is_emailed_once(stack):
    # SIGSTOP: Redis's socket still accepts connections, but nothing is ever answered.
    book_through_an_outage(
        stack, break_redis=lambda: stack.pause("redis"), mend_redis=lambda: stack.resume("redis")
    )
