"""What a booking's state change does to its payments, inside the transaction that changes it.

The booking services (holds, sessions) call these with the booking already
row-locked, so they import nothing above the models and the outbox. Refunds
through a gateway are never made here: the payment is marked REFUND_PENDING in
the transaction and a worker calls the gateway after commit (a sweep retries).
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from bookings.models import Booking, MessageKind
from bookings.payments.models import MANUAL_METHODS, Payment, PaymentMethod, PaymentStatus
from bookings.services.notify import owners_notify

logger = logging.getLogger(__name__)

SUPERSEDED = "superseded"


class RefundReason:
    """Why money goes back: the tourist's e-mail explains each one."""

    BOOKING_CANCELLED = "booking_cancelled"
    SESSION_CANCELLED = "session_cancelled"
    SEATS_GONE = "seats_gone"
    DUPLICATE = "duplicate"


def next_order_id(booking: Booking) -> str:
    """`<code>-<n>`: the booking is locked, so counting its payments is safe."""
    return f"{booking.code}-{Payment.objects.filter(booking_id=booking.pk).count() + 1}"


def payment_at_workshop_record(*, booking: Booking, now: datetime) -> Payment:
    """The booking was confirmed to be paid at the workshop: the host collects its total at the door.

    Any payment still waiting online is superseded; a booking already paid keeps its payment.
    """
    Payment.objects.filter(booking_id=booking.pk, status=PaymentStatus.PENDING).update(
        status=PaymentStatus.CANCELLED, note=SUPERSEDED
    )
    existing = (
        Payment.objects.filter(
            booking_id=booking.pk, status__in=[PaymentStatus.AWAITING_COLLECTION, PaymentStatus.PAID]
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if existing is not None:
        return existing
    return Payment.objects.create(
        booking=booking,
        method=PaymentMethod.AT_WORKSHOP,
        amount=booking.total,
        status=PaymentStatus.AWAITING_COLLECTION,
        order_id=next_order_id(booking),
        created_at=now,
    )


def payments_end_pending(*, booking_ids: Iterable[int], status: PaymentStatus) -> int:
    """A held booking let go (expired, released, cancelled): what was still waiting ends with it.

    A gateway may still report one of these paid later; payment_succeeded handles that.
    """
    ids = list(booking_ids)
    if not ids:
        return 0
    return Payment.objects.filter(booking_id__in=ids, status=PaymentStatus.PENDING).update(status=status)


def payment_refund_owe(*, payment: Payment, reason: str, now: datetime) -> Payment:
    """Mark a paid payment as owed back (in the caller's transaction).

    A gateway refund is made after commit by a worker; a cash or transfer refund
    is made by the workshop, whose owners are told to do it and mark it done.
    """
    due = payment.amount - payment.refunded_amount
    Payment.objects.filter(pk=payment.pk).update(
        status=PaymentStatus.REFUND_PENDING, refund_due=due, refund_reason=reason
    )
    payment.status, payment.refund_due, payment.refund_reason = PaymentStatus.REFUND_PENDING, due, reason
    booking = payment.booking
    if payment.method in MANUAL_METHODS:
        owners_notify(
            booking=booking,
            workshop_id=booking.session.batik_class.workshop_id,
            kind=MessageKind.HOST_REFUND_DUE,
            now=now,
            payload={"payment": payment.pk, "reason": reason},
        )
    else:
        payment_id = payment.pk
        transaction.on_commit(lambda: refunds_publish(payment_ids=[payment_id]))
    return payment


def payments_settle_cancelled(*, bookings: list[Booking], refund: bool, reason: str, now: datetime) -> None:
    """Bookings were cancelled: nothing is left to collect, and what was paid goes back if `refund`.

    Call with the bookings locked, in the transaction that cancels them.
    """
    ids = [booking.pk for booking in bookings]
    if not ids:
        return
    Payment.objects.filter(
        booking_id__in=ids, status__in=[PaymentStatus.PENDING, PaymentStatus.AWAITING_COLLECTION]
    ).update(status=PaymentStatus.CANCELLED)
    if not refund:
        return
    by_id = {booking.pk: booking for booking in bookings}
    paid = Payment.objects.filter(booking_id__in=ids, status=PaymentStatus.PAID).order_by("pk")
    for payment in paid:
        payment.booking = by_id[payment.booking_id]
        payment_refund_owe(payment=payment, reason=reason, now=now)


def refunds_publish(*, payment_ids: list[int]) -> int:
    """Ask a worker to make these gateway refunds; never raises (the refund sweep retries)."""
    from bookings.tasks import refund_payment

    published = 0
    for payment_id in payment_ids:
        try:
            refund_payment.apply_async(args=[payment_id], retry=False)
        except Exception as exc:  # noqa: BLE001 - a broker outage must not fail the cancellation
            logger.warning("payments: broker unavailable, refund %s left to the sweep: %s", payment_id, exc)
            break
        published += 1
    return published
