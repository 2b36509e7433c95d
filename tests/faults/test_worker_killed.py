"""A worker killed (SIGKILL) in the middle of sending a confirmation: a new worker sends it, exactly once.

The mail server is slow (tests/faults/slow_mail.py), so the worker is still inside
the send when the whole worker, pool process included, is killed: no ack, no
cleanup, its claim on the message left behind. The claim is a lease: once it is
older than CANTING_OUTBOX_CLAIM_LEASE_SECONDS the outbox sweep publishes the
message again and the new worker sends it. The lease is longer than the send's
time limit, so while the new worker is (slowly) sending, nobody sends it again.
"""

import time

import pytest

from tests.faults.processes import Stack, wait_for

pytestmark = pytest.mark.postgres

CATALOGUE = """
from tests.factories import ClassSessionFactory, PriceTierFactory
session = ClassSessionFactory(capacity=10)
PriceTierFactory(batik_class=session.batik_class)
print(session.pk)
"""
SEND_SECONDS = 4
LEASE_SECONDS = 10
SLOW_MAIL = {
    "CANTING_FAULTS_EMAIL_BACKEND": "tests.faults.slow_mail.SlowFileBackend",
    "CANTING_TEST_SEND_SECONDS": str(SEND_SECONDS),
    # Production keeps the same order with longer times: 10 s < 60 s < 300 s.
    "EMAIL_TIMEOUT": "2",
    "CANTING_OUTBOX_SEND_TIME_LIMIT": "7",
    "CANTING_OUTBOX_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
    "CANTING_OUTBOX_SWEEP_SECONDS": "1",
    "CANTING_OUTBOX_REPUBLISH_AFTER_SECONDS": "1",
}
MESSAGE = """
SELECT m.sent_at, m.claimed_at, m.attempts FROM bookings_outboxmessage m
JOIN bookings_booking b ON b.id = m.booking_id WHERE b.code = ? AND m.kind = 'booking_confirmed'
"""


def sending_markers(stack: Stack, code: str) -> int:
    folder = stack.var_dir / "sending"
    return len(list(folder.glob(f"{code}.*"))) if folder.is_dir() else 0


def test_a_worker_killed_mid_send_leaves_the_confirmation_to_a_new_worker_which_sends_it_once(stack):
    stack.env.update(SLOW_MAIL)
    stack.start_redis()
    stack.migrate()
    session_id = int(stack.shell(CATALOGUE))
    stack.start_web()
    stack.start_worker(pool="prefork", concurrency=1)
    stack.start_beat()

    body = {"session": session_id, "seats": 2, "contact": {"name": "Rina", "email": "rina@example.id"}}
    status, created, _seconds = stack.post("/api/v1/bookings/", body)
    assert status == 201, created
    code = created["code"]
    status, _body, _seconds = stack.post(f"/api/v1/bookings/{code}/confirm/?token={created['manage_token']}")
    assert status == 200

    # The worker is inside the send: kill it, pool process and all.
    wait_for(lambda: sending_markers(stack, code) == 1, timeout=30, what="the worker to start sending")
    stack.kill("worker")
    killed_at = time.monotonic()
    [(sent_at, claimed_at, attempts)] = stack.database.rows(MESSAGE, code)
    assert (sent_at, attempts) == (None, 1)
    assert claimed_at is not None  # the dead worker's claim is still there
    time.sleep(SEND_SECONDS + 1)
    assert stack.mails_for(code) == []  # it died before the message left

    stack.start_worker(pool="prefork", concurrency=1)
    wait_for(lambda: stack.database.rows(MESSAGE, code)[0][0], timeout=60, what="the confirmation to be sent")
    # Not before the dead worker's lease ran out: a slow worker is never doubled.
    assert time.monotonic() - killed_at >= LEASE_SECONDS
    [sent] = stack.mails_for(code)
    assert code in sent["Subject"]
    assert sent["To"] == "rina@example.id"

    # The sweeps that ran while the new worker was slowly sending did not hand it out again,
    # and nothing more goes out later: two attempts (one killed), one e-mail.
    time.sleep(LEASE_SECONDS + 2)
    assert len(stack.mails_for(code)) == 1
    assert sending_markers(stack, code) == 2
    assert stack.database.rows(MESSAGE, code)[0][2] == 2
