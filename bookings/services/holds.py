"""A booking's life: hold seats, confirm, cancel, and expire holds that were not confirmed."""

import contextlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from bookings.codes import new_booking_code, new_manage_nonce
from bookings.errors import (
    CancellationWindowClosed,
    HoldExpired,
    InvalidBooking,
    InvalidTransition,
    SessionCancelled,
    SessionFull,
    SessionNotBookable,
    SessionNotFound,
    SessionStarted,
)
from bookings.models import Booking, BookingLine, BookingStatus, MessageKind
from bookings.payments.errors import PaymentMethodNotAccepted
from bookings.payments.ledger import (
    RefundReason,
    payment_at_workshop_record,
    payments_end_pending,
    payments_settle_cancelled,
)
from bookings.payments.models import PaymentMethod, PaymentStatus
from bookings.services.capacity import seats_release
from bookings.services.hold_sql import BookableSession, bookable_session_read
from bookings.services.hold_write import hold_write
from bookings.services.notify import owners_notify
from bookings.services.outbox import outbox_add
from bookings.services.session_memory import (
    memory_ticket,
    session_rows_read,
    session_rows_recalled,
    sold_out_note,
    sold_out_noted,
)
from bookings.services.triggers import waitlist_advance_after_commit
from core.models import User
from workshops.models import ClassSession, SessionStatus

DEFAULT_LABEL_FIELD = build_localized_fieldname("label", settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
# Nobody may hoard a class: confirm or cancel one hold before taking a fourth.
MAX_ACTIVE_HOLDS = 3


@dataclass(frozen=True)
class LineRequest:
    """Seats of one price tier; no tier means the class's first tier (the `seats` shorthand)."""

    tier_id: int | None
    quantity: int


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str = ""


def _bookable_session(session_id: int, now: datetime) -> BookableSession:
    found = bookable_session_read(session_id=session_id, now=now)
    if found is None:
        raise SessionNotFound()
    return _still_bookable(found, now)


def _still_bookable(found: BookableSession, now: datetime) -> BookableSession:
    if found.status == SessionStatus.CANCELLED:
        raise SessionCancelled()
    if found.status != SessionStatus.SCHEDULED:
        raise SessionNotBookable()
    if found.starts_at <= now:
        raise SessionStarted()
    return found


def _requested_seats(lines: list[LineRequest], limit: int) -> int:
    if not lines:
        raise InvalidBooking(
            _("Choose at least one seat."), fields={"lines": [_("Choose at least one seat.")]}
        )
    for line in lines:
        if line.quantity < 1:
            raise InvalidBooking(
                _("Each quantity must be at least 1."), fields={"lines": [_("Quantity must be at least 1.")]}
            )
    seats = sum(line.quantity for line in lines)
    if seats > limit:
        message = _("At most %(limit)s seats can be booked at once for this class.") % {"limit": limit}
        raise InvalidBooking(message, fields={"lines": [message]})
    return seats


def _priced_lines(found: BookableSession, lines: list[LineRequest]) -> list[BookingLine]:
    """Booking lines at today's prices; every tier must belong to the session's class."""
    ordered = found.tiers  # by position, then id
    tiers = {tier.pk: tier for tier in ordered}
    quantities: Counter = Counter()
    for line in lines:
        if line.tier_id is None and ordered:
            line = LineRequest(tier_id=ordered[0].pk, quantity=line.quantity)
        if line.tier_id not in tiers:
            raise InvalidBooking(
                _("This price is not offered for this class."), fields={"lines": [_("Unknown price tier.")]}
            )
        quantities[line.tier_id] += line.quantity
    return [
        BookingLine(
            tier=tiers[tier_id], label=_label(tiers[tier_id]), quantity=qty, unit_price=tiers[tier_id].amount
        )
        for tier_id, qty in quantities.items()
    ]


def _label(tier) -> str:
    # The snapshot is in the site's default language, whatever language the request
    # came in, so rosters and reports read the same for every booking.
    return getattr(tier, DEFAULT_LABEL_FIELD) or tier.label


def _holder_key(user: User | None, email: str) -> str:
    return f"user:{user.pk}" if user is not None else f"email:{email}"


def booking_hold(
    *,
    session_id: int,
    lines: list[LineRequest],
    contact: Contact | None,
    user: User | None,
    language: str,
) -> Booking:
    """Hold seats for a tourist: the seats are theirs until the hold expires.

    The seat counter moves in the same transaction that writes the booking. A
    full session first gives back its holds that already expired, so a hold
    nobody confirmed never makes a class look sold out. A session that sold out
    a moment ago is refused from this process's note, and a session read a moment
    ago is not read again (bookings/services/session_memory.py).
    """
    now = timezone.now()
    note = sold_out_note(session_id, now)
    if note is not None and note.seats_left < _requested_seats(lines, note.seats_per_booking_limit):
        raise SessionFull()
    ticket = memory_ticket()
    rows = session_rows_recalled(session_id)
    if rows is not None:
        # Read a moment ago: the hold function checks what may have moved since.
        found = _still_bookable(BookableSession(rows, now), now)
        seats = _requested_seats(lines, found.seats_per_booking_limit)
        with contextlib.suppress(SessionFull):  # then read it afresh, below
            return _hold(found, lines, seats, contact, user, language, now, release_expired=False)
    found = _bookable_session(session_id, now)
    session_rows_read(session_id, found.rows, ticket)
    seats = _requested_seats(lines, found.seats_per_booking_limit)
    if found.seats_left < seats and not found.has_overdue_holds:
        # Refusing on this read is safe: it can only turn someone away, never sell a
        # seat, and a seat freed a moment later would have been missed by an
        # earlier request too. Taking seats always goes through the atomic UPDATE.
        sold_out_noted(session_id=session_id, found=found, ticket=ticket, now=now)
        raise SessionFull()
    return _hold(found, lines, seats, contact, user, language, now, release_expired=True)


def _hold(
    found: BookableSession,
    lines: list[LineRequest],
    seats: int,
    contact: Contact | None,
    user: User | None,
    language: str,
    now: datetime,
    *,
    release_expired: bool,
) -> Booking:
    session = found.session
    booking_lines = _priced_lines(found, lines)
    contact = contact or Contact(name=user.display_name, email=user.email, phone=user.phone)
    email = contact.email.strip().lower()
    hold_minutes = session.batik_class.workshop.hold_minutes

    def attempt() -> Booking:
        booking = Booking(
            code=new_booking_code(),
            session=session,
            user=user,
            contact_name=contact.name.strip(),
            contact_email=email,
            contact_phone=contact.phone,
            language=language,
            seats=seats,
            total=sum(line.quantity * line.unit_price for line in booking_lines),
            status=BookingStatus.HELD,
            held_at=now,
            hold_expires_at=now + timedelta(minutes=hold_minutes),
            manage_nonce=new_manage_nonce(),
        )
        hold_write(
            booking=booking,
            lines=booking_lines,
            holder_key=_holder_key(user, email),
            user_id=user.pk if user else None,
            email=email,
            now=now,
            max_holds=MAX_ACTIVE_HOLDS,
        )
        # The caller shows the booking at once: give it what it needs without another query.
        booking._prefetched_objects_cache = {"lines": booking_lines, "payments": []}
        return booking

    for retry in range(3):
        try:
            return attempt()
        except SessionFull:
            # Expired holds may be sitting on the seats: release them, then try once more.
            if not release_expired or retry > 0 or not holds_expire(now=now, session_id=session.pk):
                raise
        except IntegrityError as exc:
            # A booking code collision (about 1 in 600 million): draw a new code.
            if "code" not in str(exc) or retry == 2:
                raise
    raise SessionFull()


def _locked(booking_id: int) -> Booking:
    """The booking, row-locked after its session's row.

    Session first, then booking: the order a host's action on a whole session
    (cancel, reschedule) takes, so a guest confirming or cancelling at that moment
    waits instead of deadlocking. A booking moved meanwhile is locked again.
    """
    while True:
        session_id = Booking.objects.filter(pk=booking_id).values_list("session_id", flat=True).get()
        ClassSession.objects.select_for_update().filter(pk=session_id).values_list("pk").get()
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("session__batik_class")
            .get(pk=booking_id)
        )
        if booking.session_id == session_id:
            return booking


def booking_confirm(*, booking: Booking, notify: bool = True, check_method: bool = True) -> Booking:
    """Confirm a held booking to be paid at the workshop (the host collects the money at check-in).

    The booking gets an at-workshop payment awaiting collection. A class that does
    not accept paying at the workshop is refused (`payment_method_not_accepted`)
    unless `check_method=False` (a waitlist offer the tourist accepts, a booking a
    host took by phone). `notify=False` records a confirmation the person already
    has (the demo's invented guests) without sending the e-mail.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(booking.pk)
        if locked.status != BookingStatus.HELD:
            raise InvalidTransition(current=locked.status, action=_("confirmed"))
        if (
            check_method
            and PaymentMethod.AT_WORKSHOP not in locked.session.batik_class.accepted_payment_methods
        ):
            raise PaymentMethodNotAccepted()
        expired = locked.hold_expires_at <= now
        if not expired:
            Booking.objects.filter(pk=locked.pk).update(
                status=BookingStatus.CONFIRMED, confirmed_at=now, hold_expires_at=None
            )
            payment_at_workshop_record(booking=locked, now=now)
            if notify:
                outbox_add(bookings=[locked], kind=MessageKind.BOOKING_CONFIRMED, now=now)
                owners_notify(
                    booking=locked,
                    workshop_id=locked.session.batik_class.workshop_id,
                    kind=MessageKind.HOST_NEW_BOOKING,
                    now=now,
                )
    if expired:
        holds_expire(now=now, session_id=locked.session_id)
        raise HoldExpired()
    locked.refresh_from_db()
    return locked


def booking_free_cancel_deadline(booking: Booking) -> datetime:
    """Until when a guest may cancel for free: the class's window, or the start of a moved session."""
    if booking.free_cancel_until_start:
        return booking.session.starts_at
    return booking.session.starts_at - timedelta(hours=booking.session.batik_class.cancellation_hours)


def booking_cancel(*, booking: Booking, by_host: bool = False, account_deleted: bool = False) -> Booking:
    """Cancel a held or confirmed booking and give its seats back.

    A tourist may cancel a confirmed booking for free until the class's
    cancellation window closes (until the start, if the host moved the session);
    a held booking can always be let go. The workshop's owners hear of a
    confirmed booking the tourist cancelled. What was paid goes back (through the
    gateway, or by the workshop for cash and transfers); nothing is left to collect.

    `account_deleted`: the guest deleted their account. The window does not apply
    (nobody is left to come), the owners are told, and no e-mail goes to the guest,
    whose address is erased in the same transaction.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(booking.pk)
        if locked.status not in (BookingStatus.HELD, BookingStatus.CONFIRMED):
            raise InvalidTransition(current=locked.status, action=_("cancelled"))
        hours = locked.session.batik_class.cancellation_hours
        deadline = booking_free_cancel_deadline(locked)
        if locked.status == BookingStatus.CONFIRMED and not (by_host or account_deleted) and now > deadline:
            if locked.free_cancel_until_start:
                raise SessionStarted()
            raise CancellationWindowClosed(CancellationWindowClosed.default_message % {"hours": hours})
        Booking.objects.filter(pk=locked.pk).update(status=BookingStatus.CANCELLED, cancelled_at=now)
        # Cancelling is only allowed inside the free window (or by the host): paid money goes back.
        payments_settle_cancelled(
            bookings=[locked], refund=True, reason=RefundReason.BOOKING_CANCELLED, now=now
        )
        seats_release(seats_by_session=Counter({locked.session_id: locked.seats}))
        waitlist_advance_after_commit(session_ids=[locked.session_id])
        if not account_deleted:
            outbox_add(bookings=[locked], kind=MessageKind.BOOKING_CANCELLED, now=now)
        if locked.status == BookingStatus.CONFIRMED and not by_host:
            owners_notify(
                booking=locked,
                workshop_id=locked.session.batik_class.workshop_id,
                kind=MessageKind.HOST_BOOKING_CANCELLED,
                now=now,
            )
    locked.refresh_from_db()
    return locked


def holds_expire(*, now: datetime, session_id: int | None = None, batch: int = 500) -> int:
    """Expire holds whose time has passed and give their seats back; returns how many.

    Rows another transaction is already expiring are skipped (SKIP LOCKED), so
    two sweeps, or a sweep and a booking's inline release, never count a hold twice.
    """
    with transaction.atomic():
        due = Booking.objects.filter(status=BookingStatus.HELD, hold_expires_at__lte=now)
        if session_id is not None:
            due = due.filter(session_id=session_id)
        rows = list(
            due.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", "session_id", "seats")[:batch]
        )
        if not rows:
            return 0
        ids = [pk for pk, _session, _seats in rows]
        Booking.objects.filter(pk__in=ids).update(status=BookingStatus.EXPIRED, expired_at=now)
        # A bank transfer's deadline is its hold's expiry: the payment expires with it.
        payments_end_pending(booking_ids=ids, status=PaymentStatus.EXPIRED)
        seats: Counter = Counter()
        for _pk, held_session, held_seats in rows:
            seats[held_session] += held_seats
        seats_release(seats_by_session=seats)
        waitlist_advance_after_commit(session_ids=seats.keys())
        outbox_add(bookings=[Booking(pk=pk) for pk in ids], kind=MessageKind.HOLD_EXPIRED, now=now)
    return len(rows)


def holds_sweep(*, now: datetime | None = None) -> int:
    """Expire every overdue hold, in batches; safe to run any number of times."""
    now = now or timezone.now()
    total = 0
    while expired := holds_expire(now=now):
        total += expired
    return total
