"""A payment's life: start one for a held booking, settle it, let it fail, refund it, and the host's part.

Every function is idempotent: a gateway repeats and reorders its notifications,
hosts double-tap buttons. Locks are taken in the order every booking flow
uses (session, booking, payment), and no lock is held while a gateway is
called to start a payment.
"""

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.errors import HoldExpired, InvalidTransition
from bookings.models import Booking, BookingStatus, MessageKind
from bookings.payments.errors import (
    AmountMismatch,
    NothingToPay,
    PaymentGatewayUnavailable,
    PaymentMethodNotAccepted,
    PaymentNotChangeable,
    PaymentNotFound,
    PaymentTooLate,
)
from bookings.payments.ledger import SUPERSEDED, RefundReason, next_order_id, payment_refund_owe
from bookings.payments.models import (
    MANUAL_METHODS,
    MONEY_RECEIVED_STATUSES,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from bookings.payments.providers import provider_for
from bookings.payments.providers.base import Checkout, GatewayError
from bookings.services.capacity import seats_release, seats_take
from bookings.services.holds import _locked, booking_confirm, holds_expire
from bookings.services.notify import owners_notify
from bookings.services.outbox import outbox_add
from bookings.services.sessions import _retrying_deadlocks
from bookings.services.triggers import waitlist_advance_after_commit
from core.cache import catalogue_changed
from core.models import User
from workshops.services.audit import audit_record

logger = logging.getLogger(__name__)

# A transfer deadline closer than this is no use to anybody: choose another method.
MIN_TRANSFER_WINDOW = timedelta(hours=1)
# After this many failed gateway refunds a person has to look (the admin shows the error).
MAX_REFUND_ATTEMPTS = 10


def booking_payment_methods(booking: Booking) -> list[str]:
    """The methods the tourist may pay this booking with."""
    return booking.session.batik_class.accepted_payment_methods


def _checkout_of(payment: Payment) -> Checkout:
    return Checkout(
        redirect_url=payment.checkout_url,
        instructions=payment.instructions,
        reference=payment.provider_reference,
        expires_at=payment.expires_at,
    )


def _expiry(booking: Booking, method: str, now: datetime) -> datetime:
    starts_at = booking.session.starts_at
    if method == PaymentMethod.BANK_TRANSFER:
        deadline = min(
            now + timedelta(hours=settings.PAYMENT_BANK_TRANSFER_HOURS),
            starts_at - timedelta(hours=settings.PAYMENT_BANK_TRANSFER_CUTOFF_HOURS),
        )
        if deadline < now + MIN_TRANSFER_WINDOW:
            raise PaymentTooLate()
        return deadline
    return min(now + timedelta(minutes=settings.PAYMENT_GATEWAY_EXPIRY_MINUTES), starts_at)


def _extend_hold(booking: Booking, until: datetime | None) -> None:
    """The seats stay held while the payment can still arrive (never past the start)."""
    if until is None:
        return
    until = min(until, booking.session.starts_at)
    if until > booking.hold_expires_at:
        Booking.objects.filter(pk=booking.pk, status=BookingStatus.HELD).update(hold_expires_at=until)
        booking.hold_expires_at = until


def payment_start(*, booking: Booking, method: str) -> tuple[Payment, Checkout]:
    """Start paying a held booking by `method`, one the class accepts.

    - at the workshop: the booking is confirmed at once; the host collects at check-in;
    - bank transfer: the booking stays held until the transfer deadline, with
      instructions (the workshop's account, the amount, the code as reference);
    - a gateway: a transaction is created there and the tourist is sent to its page;
      the hold is extended to the payment's own expiry.

    Choosing the same method again while its payment is open answers with that
    payment; choosing another one supersedes it.
    """
    if method not in PaymentMethod.values:
        raise PaymentMethodNotAccepted(fields={"method": [_("Unknown payment method.")]})
    if method == PaymentMethod.AT_WORKSHOP:
        confirmed = booking_confirm(booking=booking)
        payment = confirmed.payments.exclude(status=PaymentStatus.CANCELLED).order_by("-created_at", "-id")[0]
        return payment, _checkout_of(payment)
    now = timezone.now()
    expired = False
    with transaction.atomic():
        locked = _locked(booking.pk)
        if locked.status != BookingStatus.HELD:
            raise InvalidTransition(current=locked.status, action=_("paid"))
        if method not in booking_payment_methods(locked):
            raise PaymentMethodNotAccepted(fields={"method": [method]})
        expired = locked.hold_expires_at <= now
        if not expired:
            open_payment = (
                Payment.objects.filter(booking=locked, method=method, status=PaymentStatus.PENDING)
                .filter(expires_at__gt=now)
                .order_by("-created_at", "-id")
                .first()
            )
            if open_payment is not None and (open_payment.checkout_url or open_payment.instructions):
                return open_payment, _checkout_of(open_payment)
            expires_at = _expiry(locked, method, now)
            Payment.objects.filter(booking=locked, status=PaymentStatus.PENDING).update(
                status=PaymentStatus.CANCELLED, note=SUPERSEDED
            )
            payment = Payment.objects.create(
                booking=locked,
                method=method,
                amount=locked.total,
                status=PaymentStatus.PENDING,
                order_id=next_order_id(locked),
                expires_at=expires_at,
                created_at=now,
            )
            payment.booking = locked
            _extend_hold(locked, expires_at)
            if method in MANUAL_METHODS:
                checkout = provider_for(method).start(payment=payment)
                _record_checkout(payment, checkout)
                outbox_add(
                    bookings=[locked], kind=MessageKind.PAYMENT_INSTRUCTIONS, now=now, payload=_ref(payment)
                )
                owners_notify(
                    booking=locked,
                    workshop_id=locked.session.batik_class.workshop_id,
                    kind=MessageKind.HOST_TRANSFER_AWAITING,
                    now=now,
                    payload=_ref(payment),
                )
                return payment, checkout
    if expired:
        holds_expire(now=now, session_id=locked.session_id)
        raise HoldExpired()
    # A gateway: called with no lock held. The hold already covers the proposed expiry.
    try:
        checkout = provider_for(method).start(payment=payment)
    except GatewayError as exc:
        logger.warning("payments: %s could not start %s: %s", method, payment.order_id, exc)
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.FAILED, note=str(exc)[:255]
        )
        raise PaymentGatewayUnavailable() from exc
    with transaction.atomic():
        locked = _locked(booking.pk)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        payment.booking = locked
        _record_checkout(payment, checkout)
        if locked.status == BookingStatus.HELD:
            _extend_hold(locked, checkout.expires_at)
    return payment, checkout


def _record_checkout(payment: Payment, checkout: Checkout) -> None:
    payment.checkout_url = checkout.redirect_url
    payment.instructions = checkout.instructions
    payment.provider_reference = checkout.reference or payment.provider_reference
    payment.expires_at = checkout.expires_at or payment.expires_at
    Payment.objects.filter(pk=payment.pk).update(
        checkout_url=payment.checkout_url,
        instructions=payment.instructions,
        provider_reference=payment.provider_reference,
        expires_at=payment.expires_at,
    )


def _ref(payment: Payment, **extra) -> dict:
    return {"payment": payment.pk, **extra}


def _find(order_id: str) -> tuple[int, int]:
    row = Payment.objects.filter(order_id=order_id).values_list("pk", "booking_id").first()
    if row is None:
        raise PaymentNotFound()
    return row


def _locked_payment(payment_id: int, booking_id: int) -> tuple[Payment, Booking]:
    booking = _locked(booking_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    payment.booking = booking
    return payment, booking


def payment_succeeded(*, order_id: str, amount: int, provider_reference: str = "") -> Payment:
    """The money for `order_id` arrived (a verified gateway answer, or a host who saw it).

    Idempotent and safe out of order: a payment already received is returned as it
    is. An amount other than the payment's is refused (`payment_amount_mismatch`)
    and nothing changes. A held booking is confirmed; one whose hold expired
    meanwhile takes its seats again if they remain, otherwise the money goes back
    and the tourist is told; a booking already cancelled is refunded.
    """
    payment_id, booking_id = _find(order_id)
    return _retrying_deadlocks(
        lambda: _succeed(payment_id, booking_id, amount=amount, reference=provider_reference, actor=None)
    )


def _succeed(
    payment_id: int,
    booking_id: int,
    *,
    amount: int,
    reference: str,
    actor: User | None,
    note: str = "",
    allowed: tuple[str, ...] | None = None,
) -> Payment:
    now = timezone.now()
    with transaction.atomic():
        payment, booking = _locked_payment(payment_id, booking_id)
        if payment.status in MONEY_RECEIVED_STATUSES:
            return payment
        if allowed is not None and payment.status not in allowed:
            # Checked under the lock: a host's "paid" never overrides a rejection made a moment before.
            raise PaymentNotChangeable(fields={"status": [payment.status]})
        if int(amount) != payment.amount:
            raise AmountMismatch(fields={"amount": [payment.amount]})
        Payment.objects.filter(pk=payment.pk).update(
            status=PaymentStatus.PAID,
            paid_at=now,
            provider_reference=reference or payment.provider_reference,
            marked_by=actor,
            note=note or payment.note,
        )
        payment.status, payment.paid_at = PaymentStatus.PAID, now
        others = Payment.objects.filter(booking=booking).exclude(pk=payment.pk)
        workshop_id = booking.session.batik_class.workshop_id
        if booking.status == BookingStatus.HELD or (
            booking.status == BookingStatus.EXPIRED
            and seats_take(session_id=booking.session_id, seats=booking.seats, now=now)
        ):
            # Held (even past its expiry: the seats are still counted for it), or expired
            # and its seats taken again just now: confirmed either way.
            others.filter(status__in=[PaymentStatus.PENDING, PaymentStatus.AWAITING_COLLECTION]).update(
                status=PaymentStatus.CANCELLED, note=SUPERSEDED
            )
            Booking.objects.filter(pk=booking.pk).update(
                status=BookingStatus.CONFIRMED, confirmed_at=now, hold_expires_at=None
            )
            transaction.on_commit(catalogue_changed)
            outbox_add(bookings=[booking], kind=MessageKind.BOOKING_CONFIRMED, now=now)
            owners_notify(
                booking=booking, workshop_id=workshop_id, kind=MessageKind.HOST_NEW_BOOKING, now=now
            )
        elif booking.status in (BookingStatus.CONFIRMED, BookingStatus.ATTENDED):
            if others.filter(status=PaymentStatus.PAID).exists():
                # Paid twice (two methods tried): the second payment goes back.
                payment_refund_owe(payment=payment, reason=RefundReason.DUPLICATE, now=now)
            else:
                others.filter(status=PaymentStatus.AWAITING_COLLECTION).update(
                    status=PaymentStatus.CANCELLED, note=SUPERSEDED
                )
                outbox_add(
                    bookings=[booking], kind=MessageKind.PAYMENT_RECEIVED, now=now, payload=_ref(payment)
                )
                if actor is None:
                    owners_notify(
                        booking=booking,
                        workshop_id=workshop_id,
                        kind=MessageKind.HOST_PAYMENT_RECEIVED,
                        now=now,
                        payload=_ref(payment),
                    )
        elif booking.status == BookingStatus.EXPIRED:
            payment_refund_owe(payment=payment, reason=RefundReason.SEATS_GONE, now=now)
        else:
            payment_refund_owe(payment=payment, reason=RefundReason.BOOKING_CANCELLED, now=now)
        if actor is not None:
            audit_record(
                actor=actor,
                workshop=booking.session.batik_class.workshop,
                action="payment.paid",
                target=booking,
                before={"payment": payment.order_id, "status": PaymentStatus.PENDING},
                after={"payment": payment.order_id, "status": PaymentStatus.PAID, "amount": payment.amount},
            )
    payment.refresh_from_db()
    return payment


def payment_failed(*, order_id: str, status: str) -> Payment:
    """The gateway says `order_id` will not be paid (expired, denied, cancelled).

    A pending payment becomes FAILED (or EXPIRED); if it was the booking's only open
    payment, the hold is let go, its seats released and the tourist told. Anything
    but a pending payment is left as it is, so a late or repeated failure changes nothing.
    """
    payment_id, booking_id = _find(order_id)
    final = (
        PaymentStatus.EXPIRED
        if status in ("expire", "expired", PaymentStatus.EXPIRED)
        else PaymentStatus.FAILED
    )
    return _retrying_deadlocks(lambda: _fail(payment_id, booking_id, final))


def _fail(payment_id: int, booking_id: int, final: PaymentStatus) -> Payment:
    now = timezone.now()
    with transaction.atomic():
        payment, booking = _locked_payment(payment_id, booking_id)
        if payment.status != PaymentStatus.PENDING:
            return payment
        Payment.objects.filter(pk=payment.pk).update(status=final)
        still_open = Payment.objects.filter(booking=booking, status=PaymentStatus.PENDING).exclude(
            pk=payment.pk
        )
        if booking.status == BookingStatus.HELD and not still_open.exists():
            # EXPIRED, not cancelled: a success arriving later may still take the seats again.
            Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.EXPIRED, expired_at=now)
            seats_release(seats_by_session=Counter({booking.session_id: booking.seats}))
            transaction.on_commit(catalogue_changed)
            waitlist_advance_after_commit(session_ids=[booking.session_id])
            outbox_add(bookings=[booking], kind=MessageKind.PAYMENT_FAILED, now=now, payload=_ref(payment))
    payment.refresh_from_db()
    return payment


# --- The host's part: transfers and cash, checked by a person. -------------------------------------


def _manual_payment(booking: Booking) -> Payment | None:
    return (
        Payment.objects.filter(booking=booking, method__in=MANUAL_METHODS)
        .order_by("-created_at", "-id")
        .first()
    )


def payment_mark_paid(*, booking: Booking, actor: User, note: str = "") -> Payment:
    """A host saw the money: the transfer in the bank, or the cash at the door.

    A transfer that arrives after its deadline still counts (the seats are taken
    again if they remain, otherwise it is owed back). Marking it twice changes nothing.
    A confirmed booking from before payments existed gets its at-workshop payment now.
    """
    with transaction.atomic():
        locked = _locked(booking.pk)
        payment = _manual_payment(locked)
        if payment is None and locked.status in (BookingStatus.CONFIRMED, BookingStatus.ATTENDED):
            payment = Payment.objects.create(
                booking=locked,
                method=PaymentMethod.AT_WORKSHOP,
                amount=locked.total,
                status=PaymentStatus.AWAITING_COLLECTION,
                order_id=next_order_id(locked),
                created_at=timezone.now(),
            )
    if payment is None:
        raise NothingToPay()
    markable = [PaymentStatus.PENDING, PaymentStatus.AWAITING_COLLECTION, PaymentStatus.EXPIRED]
    if payment.method == PaymentMethod.BANK_TRANSFER:
        # A transfer for a booking released meanwhile still arrived: it is settled (or owed back).
        markable.append(PaymentStatus.CANCELLED)
    return _retrying_deadlocks(
        lambda: _succeed(
            payment.pk,
            booking.pk,
            amount=payment.amount,
            reference=payment.provider_reference,
            actor=actor,
            note=note,
            allowed=tuple(markable),
        )
    )


def payment_reject(*, booking: Booking, actor: User, reason: str) -> Payment:
    """A host found no transfer (or a wrong one): the payment is rejected and the held seats released."""
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(booking.pk)
        payment = (
            Payment.objects.select_for_update()
            .filter(booking=locked, method=PaymentMethod.BANK_TRANSFER)
            .order_by("-created_at", "-id")
            .first()
        )
        if payment is None:
            raise NothingToPay()
        if payment.status == PaymentStatus.REJECTED:
            return payment
        if payment.status != PaymentStatus.PENDING:
            raise PaymentNotChangeable(fields={"status": [payment.status]})
        Payment.objects.filter(pk=payment.pk).update(
            status=PaymentStatus.REJECTED, marked_by=actor, note=reason[:255]
        )
        before = locked.status
        if locked.status == BookingStatus.HELD:
            Booking.objects.filter(pk=locked.pk).update(status=BookingStatus.CANCELLED, cancelled_at=now)
            seats_release(seats_by_session=Counter({locked.session_id: locked.seats}))
            transaction.on_commit(catalogue_changed)
            waitlist_advance_after_commit(session_ids=[locked.session_id])
        outbox_add(
            bookings=[locked],
            kind=MessageKind.PAYMENT_REJECTED,
            now=now,
            payload=_ref(payment, note=reason),
        )
        audit_record(
            actor=actor,
            workshop=locked.session.batik_class.workshop,
            action="payment.rejected",
            target=locked,
            before={"payment": payment.order_id, "status": PaymentStatus.PENDING, "booking": before},
            after={"payment": payment.order_id, "status": PaymentStatus.REJECTED, "reason": reason},
        )
    payment.refresh_from_db()
    return payment


def payment_refund_mark_done(*, booking: Booking, actor: User, note: str = "") -> Payment:
    """A host gave the cash or transfer back: the refund owed is recorded as made and the tourist told."""
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(booking.pk)
        payments = Payment.objects.select_for_update().filter(booking=locked, method__in=MANUAL_METHODS)
        payment = payments.filter(status=PaymentStatus.REFUND_PENDING).order_by("created_at", "id").first()
        if payment is None:
            refunded = payments.filter(status=PaymentStatus.REFUNDED).order_by("-refunded_at").first()
            if refunded is not None:
                return refunded
            raise NothingToPay()
        _refunded(payment, amount=payment.refund_due, reference=note[:200], now=now, actor=actor)
        audit_record(
            actor=actor,
            workshop=locked.session.batik_class.workshop,
            action="payment.refunded",
            target=locked,
            before={"payment": payment.order_id, "status": PaymentStatus.REFUND_PENDING},
            after={
                "payment": payment.order_id,
                "status": PaymentStatus.REFUNDED,
                "amount": payment.refund_due,
            },
        )
    payment.refresh_from_db()
    return payment


def _refunded(payment: Payment, *, amount: int, reference: str, now: datetime, actor: User | None) -> None:
    Payment.objects.filter(pk=payment.pk).update(
        status=PaymentStatus.REFUNDED,
        refunded_amount=payment.refunded_amount + amount,
        refunded_at=now,
        refund_reference=reference,
        refund_due=0,
        marked_by=actor or payment.marked_by,
    )
    outbox_add(
        bookings=[Booking(pk=payment.booking_id)],
        kind=MessageKind.PAYMENT_REFUNDED,
        now=now,
        payload=_ref(payment, reason=payment.refund_reason, amount=amount),
    )


# --- Gateway refunds: made by a worker after the commit that owed them. ---------------------------


def payment_refund_process(*, payment_id: int) -> Payment:
    """Make one gateway refund owed; safe to run twice (the row lock and its state decide).

    The lock is held during the gateway call so two workers never refund twice;
    the call has a bounded timeout. A gateway error leaves it owed for the sweep.
    """
    now = timezone.now()
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != PaymentStatus.REFUND_PENDING or payment.method in MANUAL_METHODS:
            return payment
        try:
            reference = provider_for(payment.method).refund(
                payment=payment, amount=payment.refund_due, reason=payment.refund_reason
            )
        except GatewayError as exc:
            logger.warning("payments: refund of %s failed: %s", payment.order_id, exc)
            Payment.objects.filter(pk=payment.pk).update(
                refund_attempts=payment.refund_attempts + 1, note=str(exc)[:255]
            )
        else:
            _refunded(payment, amount=payment.refund_due, reference=reference or "", now=now, actor=None)
    payment.refresh_from_db()
    return payment


def payment_refunds_sweep(*, now: datetime | None = None, limit: int = 100) -> int:
    """Retry every gateway refund still owed; returns how many were made."""
    due = (
        Payment.objects.filter(status=PaymentStatus.REFUND_PENDING, refund_attempts__lt=MAX_REFUND_ATTEMPTS)
        .exclude(method__in=MANUAL_METHODS)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    made = 0
    for payment_id in list(due):
        if payment_refund_process(payment_id=payment_id).status == PaymentStatus.REFUNDED:
            made += 1
    return made


def payment_finish_url(payment: Payment) -> str:
    """Where a gateway sends the tourist back: the booking page (with the guest's manage token)."""
    from bookings.notifications.emails import manage_url

    return manage_url(payment.booking)
