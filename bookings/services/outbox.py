"""Messages caused by a booking's state change: written in its transaction, delivered after commit.

A message row exists exactly when its state change committed. Publishing to
the broker happens after commit and may fail (Redis away): the sweep finds the
row again. Delivery claims the row with a conditional UPDATE, so a task that
runs twice (republished, or redelivered after a worker died) sends once.

A claim is a lease: a worker killed mid-send leaves a claim that another worker
may take over once it is older than CANTING_OUTBOX_CLAIM_LEASE_SECONDS. The
lease is longer than the send task's hard time limit, so a worker that is only
slow has been stopped before anyone else may send its message.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from bookings.models import Booking, MessageKind, OutboxMessage
from core.breaker import broker_breaker

logger = logging.getLogger(__name__)


def claim_lease() -> timedelta:
    """How long a claim holds: an older one is taken to belong to a worker that died mid-send."""
    return timedelta(seconds=settings.CANTING_OUTBOX_CLAIM_LEASE_SECONDS)


def republish_after() -> timedelta:
    """How long a message may wait unsent before the sweep publishes it again."""
    return timedelta(seconds=settings.CANTING_OUTBOX_REPUBLISH_AFTER_SECONDS)


def outbox_add(
    *, bookings: Iterable[Booking], kind: MessageKind, now: datetime, payload: dict | None = None
) -> list[OutboxMessage]:
    """Queue one message per booking to its guest; call inside the transaction that changes their state."""
    return outbox_queue(
        messages=[
            OutboxMessage(kind=kind, booking=booking, payload=payload, created_at=now) for booking in bookings
        ]
    )


def outbox_queue(*, messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Write unsaved messages (to any recipient) and publish them once the transaction commits."""
    if not messages:
        return []
    messages = OutboxMessage.objects.bulk_create(messages)
    ids = [message.pk for message in messages]
    transaction.on_commit(lambda: outbox_publish(message_ids=ids))
    return messages


def outbox_publish(*, message_ids: list[int]) -> int:
    """Hand messages to the broker. Never raises: what fails here, the sweep retries."""
    from bookings.tasks import deliver_message

    if broker_breaker.is_open():
        return 0  # the broker failed seconds ago in this process: don't make the caller wait on it
    published = 0
    for message_id in message_ids:
        try:
            deliver_message.apply_async(args=[message_id], retry=False)
        except Exception as exc:  # noqa: BLE001 - a broker outage must not fail the booking
            broker_breaker.failed()
            logger.warning("outbox: broker unavailable, message %s left to the sweep: %s", message_id, exc)
            break  # the broker is away; don't wait on it once per message
        published += 1
    if published:
        broker_breaker.succeeded()
    return published


def outbox_sweep(*, now: datetime, limit: int = 500) -> int:
    """Republish messages that should have been sent by now."""
    due = (
        OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=now - republish_after())
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - claim_lease()))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return outbox_publish(message_ids=list(due))


def outbox_claim(*, message_id: int, now: datetime) -> bool:
    """Claim a message for sending; False if it was sent or another worker holds it."""
    return (
        OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - claim_lease()))
        .update(claimed_at=now, attempts=F("attempts") + 1)
        == 1
    )


def outbox_deliver(*, message_id: int) -> bool:
    """Send one message once. Returns whether this call sent it."""
    from bookings.notifications.emails import message_email

    if not outbox_claim(message_id=message_id, now=timezone.now()):
        return False
    message = OutboxMessage.objects.select_related("booking__session__batik_class__workshop__village").get(
        pk=message_id
    )
    booking = message.booking
    if booking is not None and booking.personal_data_erased_at is not None and not message.recipient_email:
        # The guest's contact was erased after this row was queued: there is nobody to send it to.
        OutboxMessage.objects.filter(pk=message_id).delete()
        return False
    try:
        message_email(message).send()
    except Exception as exc:
        # Release the claim so the sweep tries again; keep the reason for the admin.
        OutboxMessage.objects.filter(pk=message_id).update(claimed_at=None, last_error=str(exc)[:500])
        raise
    OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now(), last_error="")
    # Booking codes and ids only: the recipient's address and name stay out of the logs.
    logger.info("outbox: sent %s message %s for %s", message.kind, message.pk, _subject(message))
    return True


def _subject(message: OutboxMessage) -> str:
    if message.booking_id:
        return f"booking {message.booking.code}"
    if message.session_id:
        return f"session {message.session_id}"
    return f"workshop {message.workshop_id}"
