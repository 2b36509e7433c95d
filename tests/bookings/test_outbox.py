"""The outbox: a confirmation e-mail is sent exactly once, whatever the broker and the workers do.

The first half runs in-process on any database. The last test runs the real
thing: gunicorn, a Celery worker and a private redis-server, with Redis
stopped while a tourist books.
"""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from bookings.checks import outbox_lease_check
from bookings.models import (
    Booking,
    BookingStatus,
    CapacityRepair,
    IdempotencyRecord,
    IdempotencyState,
    MessageKind,
    OutboxMessage,
)
from bookings.services.holds import Contact, LineRequest, booking_confirm, booking_hold
from bookings.services.outbox import claim_lease, outbox_claim, outbox_deliver, outbox_sweep
from bookings.tasks import audit_capacity, deliver_message, purge_idempotency_keys, sweep_outbox
from config.celery import app as celery_app
from tests.bookings.conftest import GUEST
from tests.faults.processes import Stack, running_stack, wait_for
from workshops.models import ClassSession


def held(session, email_address: str = "rina@example.id") -> Booking:
    return booking_hold(
        session_id=session.pk,
        lines=[LineRequest(tier_id=None, quantity=2)],
        contact=Contact(name="Rina Wulandari", email=email_address),
        user=None,
        language="en",
    )


def confirmed(session, email_address: str = "rina@example.id") -> OutboxMessage:
    """A confirmed booking's (still unsent) confirmation message."""
    booking = booking_confirm(booking=held(session, email_address))
    return OutboxMessage.objects.get(booking=booking, kind=MessageKind.BOOKING_CONFIRMED)


def sent_to() -> list[str]:
    return [address for message in mail.outbox for address in message.to]


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Publishing runs the real task in-process, so what a sweep publishes is what gets sent."""
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    try:
        yield
    finally:
        celery_app.conf.update(saved)


class BrokenSmtp:
    """An SMTP server that refuses every message (what is outside the machine is faked)."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise ConnectionRefusedError("smtp.example.id refused the connection")


# --- In-process: any database ------------------------------------------------


@pytest.mark.django_db
def test_confirming_writes_one_confirmation_message_in_the_same_transaction(session):
    booking = held(session)

    with pytest.raises(RuntimeError), transaction.atomic():
        booking_confirm(booking=booking)
        assert list(OutboxMessage.objects.filter(booking=booking).values_list("kind", flat=True)) == [
            MessageKind.BOOKING_CONFIRMED
        ]
        raise RuntimeError("the surrounding transaction fails after the confirmation")

    # Rolled back together: no e-mail can go out for a confirmation that never happened.
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.HELD
    assert not OutboxMessage.objects.exists()

    booking_confirm(booking=booking)

    message = OutboxMessage.objects.get(booking=booking)
    assert message.kind == MessageKind.BOOKING_CONFIRMED
    assert message.sent_at is None


@pytest.mark.django_db
def test_the_confirmation_is_sent_only_after_commit_and_only_once(
    session, eager_celery, django_capture_on_commit_callbacks
):
    booking = held(session)

    with django_capture_on_commit_callbacks(execute=True):
        booking_confirm(booking=booking)
        assert mail.outbox == []  # nothing leaves before the booking is committed

    assert sent_to() == ["rina@example.id"]
    assert booking.code in mail.outbox[0].subject
    assert OutboxMessage.objects.get(booking=booking).sent_at is not None


@pytest.mark.django_db
def test_delivering_twice_sends_one_email(session):
    message = confirmed(session)

    assert outbox_deliver(message_id=message.pk) is True
    assert outbox_deliver(message_id=message.pk) is False

    assert sent_to() == ["rina@example.id"]
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.attempts == 1


@pytest.mark.django_db
def test_a_claim_of_a_dead_worker_is_taken_over_after_the_claim_timeout(session):
    message = confirmed(session)
    start = timezone.now()
    # A worker claimed the message, then died before sending it.
    assert outbox_claim(message_id=message.pk, now=start)

    with time_machine.travel(start + claim_lease() - timedelta(seconds=1), tick=False):
        assert outbox_deliver(message_id=message.pk) is False
    assert mail.outbox == []

    with time_machine.travel(start + claim_lease() + timedelta(seconds=1), tick=False):
        assert outbox_deliver(message_id=message.pk) is True
        assert outbox_deliver(message_id=message.pk) is False

    assert sent_to() == ["rina@example.id"]
    message.refresh_from_db()
    assert message.attempts == 2


@pytest.mark.django_db
def test_a_failed_send_releases_the_claim_so_the_sweep_sends_it_later(session, settings, eager_celery):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenSmtp"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        message = confirmed(session)
        with pytest.raises(ConnectionRefusedError):
            outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.sent_at is None
    assert message.claimed_at is None
    assert "refused" in message.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_sweep(now=start + timedelta(seconds=61)) == 1

    assert sent_to() == ["rina@example.id"]
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.last_error == ""


@pytest.mark.django_db
def test_the_sweep_republishes_only_unsent_messages_older_than_60_seconds(session, eager_celery):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sent = confirmed(session, "sent@example.id")
        assert outbox_deliver(message_id=sent.pk)
        confirmed(session, "stuck@example.id")
        in_flight = confirmed(session, "in-flight@example.id")
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        fresh = confirmed(session, "fresh@example.id")
    sweep_at = start + timedelta(seconds=61)
    # Another worker is sending this one right now.
    assert outbox_claim(message_id=in_flight.pk, now=sweep_at - timedelta(seconds=10))
    mail.outbox.clear()

    with time_machine.travel(sweep_at, tick=False):
        assert outbox_sweep(now=sweep_at) == 1
        assert outbox_sweep(now=sweep_at) == 0

    assert sent_to() == ["stuck@example.id"]
    unsent = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("pk")
    assert list(unsent) == [in_flight, fresh]


def test_a_send_time_limit_that_could_outlive_the_claim_lease_fails_the_system_check(settings):
    settings.EMAIL_TIMEOUT = 10
    settings.CANTING_OUTBOX_CLAIM_LEASE_SECONDS = 300
    settings.CANTING_OUTBOX_SEND_TIME_LIMIT = 60
    assert outbox_lease_check(None) == []

    # A slow worker still sending when its lease runs out: a second worker would send too.
    settings.CANTING_OUTBOX_SEND_TIME_LIMIT = 400
    [error] = outbox_lease_check(None)
    assert error.id == "bookings.E001"

    settings.CANTING_OUTBOX_SEND_TIME_LIMIT = 60
    settings.EMAIL_TIMEOUT = None  # SMTP could wait forever
    [error] = outbox_lease_check(None)
    assert error.id == "bookings.E001"


# --- Each task called twice: one effect --------------------------------------


@pytest.mark.django_db
def test_deliver_message_task_twice_sends_once(session):
    message = confirmed(session)

    deliver_message(message.pk)
    deliver_message(message.pk)

    assert sent_to() == ["rina@example.id"]


@pytest.mark.django_db
def test_sweep_outbox_task_twice_sends_once(session, eager_celery):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        confirmed(session)

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert sweep_outbox() == 1
        assert sweep_outbox() == 0

    assert sent_to() == ["rina@example.id"]


@pytest.mark.django_db
def test_audit_capacity_task_twice_repairs_once(session):
    confirmed(session)
    ClassSession.objects.filter(pk=session.pk).update(seats_taken=7)  # drifted: bookings hold 2

    assert audit_capacity() == 1
    assert audit_capacity() == 0

    session.refresh_from_db()
    assert session.seats_taken == 2
    assert CapacityRepair.objects.filter(session=session, counter_before=7, counted=2).count() == 1


@pytest.mark.django_db
def test_purge_idempotency_keys_task_twice_forgets_only_old_keys():
    now = timezone.now()
    for key, age in [("old", timedelta(hours=25)), ("recent", timedelta(hours=1))]:
        IdempotencyRecord.objects.create(
            scope="email:rina@example.id",
            key=key,
            fingerprint="f" * 64,
            state=IdempotencyState.DONE,
            created_at=now - age,
        )

    assert purge_idempotency_keys() == 1
    assert purge_idempotency_keys() == 0

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


# --- End to end: gunicorn, a Celery worker, a private Redis that goes away ----

CATALOGUE = """
from tests.factories import ClassSessionFactory, PriceTierFactory
session = ClassSessionFactory()
PriceTierFactory(batik_class=session.batik_class)
print(session.pk)
"""
SWEEP = """
from datetime import timedelta
from django.utils import timezone
from bookings.services.outbox import outbox_sweep
print(outbox_sweep(now=timezone.now() + timedelta(seconds=61)))
"""
REPUBLISH = """
from bookings.services.outbox import outbox_publish
print(outbox_publish(message_ids=[{message_id}]))
"""
MESSAGE_STATE = """
SELECT m.id, m.sent_at, m.attempts FROM bookings_outboxmessage m
JOIN bookings_booking b ON b.id = m.booking_id WHERE b.code = ?
"""


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    yield from running_stack(tmp_path)


def test_a_booking_made_while_redis_is_down_is_emailed_exactly_once_when_it_returns(stack):
    stack.start_redis()
    stack.migrate()
    session_id = int(stack.shell(CATALOGUE))
    stack.start_web()
    stack.start_worker()

    # Redis goes away; a tourist books and confirms all the same, without waiting on it.
    stack.stop("redis")
    status, created, seconds = stack.post(
        "/api/v1/bookings/", {"session": session_id, "seats": 2, "contact": GUEST, "language": "en"}
    )
    assert status == 201, created
    assert seconds < 2
    code, token = created["code"], created["manage_token"]
    status, confirmed_body, seconds = stack.post(f"/api/v1/bookings/{code}/confirm/?token={token}")
    assert status == 200, confirmed_body
    assert confirmed_body["status"] == "confirmed"
    assert seconds < 2
    [(message_id, sent_at, attempts)] = stack.database.rows(MESSAGE_STATE, code)
    assert (sent_at, attempts) == (None, 0)
    assert stack.mails_for(code) == []

    # Redis is back: the sweep republishes the message and the worker sends the confirmation.
    stack.start_redis()
    assert stack.shell(SWEEP) == "1"
    wait_for(lambda: stack.database.rows(MESSAGE_STATE, code)[0][1], timeout=20, what="the e-mail")
    [sent] = stack.mails_for(code)
    assert code in sent["Subject"]
    assert sent["To"] == "rina@example.id"

    # Nothing is left to sweep, and a second run of the task for the same message sends nothing.
    assert stack.shell(SWEEP) == "0"
    assert stack.shell(REPUBLISH.format(message_id=message_id)) == "1"
    wait_for(
        lambda: stack.succeeded("worker", "bookings.tasks.deliver_message") == 2,
        timeout=15,
        what="the worker to run the delivery a second time",
    )
    assert len(stack.mails_for(code)) == 1
    assert stack.database.rows(MESSAGE_STATE, code)[0][2] == 1
