"""Waitlists with party sizes: join, leave, accept an offer, and offer freed seats in joining order.

An offer is a held Booking reserved for one waiting party: its seats are taken
with the same conditional UPDATE as any hold (`seats_take`), so a seat is never
offered twice and, while offered, nobody else can take it. The offer window is
the hold's expiry; the hold sweep expires an offer nobody accepted, which frees
the seats and moves the queue on.

Policy for a party that does not fit (documented in docs/booking-timeline.md):
the queue is walked from its head on every advance. A party larger than the
seats free right now keeps its place, and smaller parties behind it that fit
are offered those seats (an empty seat at a class helps nobody, and the class
may start before enough seats free up together). Because each advance starts
again from the head, the large party is offered first as soon as an advance
finds enough seats free for it.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.codes import new_booking_code, new_manage_nonce
from bookings.errors import (
    AlreadyOnWaitlist,
    HoldExpired,
    InvalidBooking,
    OfferExpired,
    OfferNotActive,
    SeatsAvailable,
    WaitlistEntryClosed,
)
from bookings.models import (
    Booking,
    BookingLine,
    BookingStatus,
    MessageKind,
    WaitlistEntry,
    WaitlistStatus,
)
from bookings.services.capacity import seats_take
from bookings.services.holds import Contact, _bookable_session, booking_cancel, booking_confirm, holds_expire
from bookings.services.outbox import outbox_add
from bookings.services.triggers import waitlist_advance_after_commit
from core.models import User
from workshops.models import ClassSession, PriceTier, SessionStatus

# How long a waiting party has to accept seats offered to them.
OFFER_WINDOW = timedelta(minutes=30)
# Closer to the start the window shrinks to half the time left; below this, no offers are made.
MIN_OFFER_WINDOW = timedelta(minutes=5)
# Entries looked at per advance; a queue longer than this moves on the next advance.
QUEUE_BATCH = 500

_BOOKING_TO_ENTRY = {
    BookingStatus.CONFIRMED: WaitlistStatus.ACCEPTED,
    BookingStatus.ATTENDED: WaitlistStatus.ACCEPTED,
    BookingStatus.NO_SHOW: WaitlistStatus.ACCEPTED,
    BookingStatus.EXPIRED: WaitlistStatus.EXPIRED,
    BookingStatus.CANCELLED: WaitlistStatus.LEFT,
}


def offer_window(*, starts_at: datetime, now: datetime) -> timedelta | None:
    """The time a party gets to accept an offer.

    30 minutes; when the class is close, half the time left, so it never runs
    past the start. None when too little time is left to accept and still come.
    """
    window = min(OFFER_WINDOW, (starts_at - now) / 2)
    return window if window >= MIN_OFFER_WINDOW else None


def waitlist_join(
    *, session_id: int, seats: int, contact: Contact | None, user: User | None, language: str
) -> WaitlistEntry:
    """Put a party on a session's waitlist, at the back of the queue.

    Only when the session has fewer free seats than the party wants
    (`seats_available` otherwise: book them). One active entry per person and session.
    """
    now = timezone.now()
    session = _bookable_session(session_id, now).session
    limit = min(session.batik_class.seats_per_booking_limit, session.capacity)
    if not 1 <= seats <= limit:
        message = _("At most %(limit)s seats can be booked at once for this class.") % {"limit": limit}
        raise InvalidBooking(message, fields={"seats": [message]})
    # Not a seat move, only a guard against waiting needlessly: if seats free up
    # just after this read, the advance triggered below offers them at once.
    if session.capacity - session.seats_taken >= seats:
        raise SeatsAvailable()
    contact = contact or Contact(name=user.display_name, email=user.email, phone=user.phone)
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(
                session=session,
                user=user,
                contact_name=contact.name.strip(),
                contact_email=contact.email.strip().lower(),
                contact_phone=contact.phone,
                language=language,
                seats=seats,
                status=WaitlistStatus.WAITING,
                joined_at=now,
                manage_nonce=new_manage_nonce(),
            )
            waitlist_advance_after_commit(session_ids=[session.pk])
    except IntegrityError as exc:
        # The partial unique index (one active entry per person and session) names its table or itself.
        if "waitlist" in str(exc):
            raise AlreadyOnWaitlist() from None
        raise
    entry.session = session
    return entry


def _lock_session(session_id: int) -> ClassSession:
    return ClassSession.objects.select_for_update().get(pk=session_id)


def _locked_entry(entry_id: int) -> WaitlistEntry:
    """The entry, row-locked after its session: the order of every flow here (session, entry, booking)."""
    session_id = WaitlistEntry.objects.filter(pk=entry_id).values_list("session_id", flat=True).get()
    _lock_session(session_id)
    return WaitlistEntry.objects.select_for_update(of=("self",)).select_related("booking").get(pk=entry_id)


def waitlist_leave(*, entry: WaitlistEntry) -> WaitlistEntry:
    """Leave the waitlist; an open offer is declined and its seats go to the next party."""
    now = timezone.now()
    with transaction.atomic():
        locked = _locked_entry(entry.pk)
        if locked.status not in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED):
            raise WaitlistEntryClosed()
        if locked.status == WaitlistStatus.OFFERED and locked.booking.status == BookingStatus.HELD:
            # Gives the seats back and triggers the next offer after commit.
            booking_cancel(booking=locked.booking, by_host=True)
        WaitlistEntry.objects.filter(pk=locked.pk).update(status=WaitlistStatus.LEFT, closed_at=now)
    locked.refresh_from_db()
    return locked


def waitlist_accept(*, entry: WaitlistEntry) -> WaitlistEntry:
    """Accept an offer: its held booking is confirmed (the usual confirmation e-mail follows).

    Accepting twice answers with the accepted entry; an offer past its window is
    `offer_expired` and its seats move on to the next party.
    """
    now = timezone.now()
    expired = False
    with transaction.atomic():
        locked = _locked_entry(entry.pk)
        if locked.status == WaitlistStatus.ACCEPTED:
            return locked
        if locked.status != WaitlistStatus.OFFERED:
            raise OfferNotActive()
        try:
            # Seats offered from the waitlist: paid at the workshop whatever the class's methods.
            booking_confirm(booking=locked.booking, check_method=False)
        except HoldExpired:
            expired = True
            WaitlistEntry.objects.filter(pk=locked.pk).update(status=WaitlistStatus.EXPIRED, closed_at=now)
        else:
            WaitlistEntry.objects.filter(pk=locked.pk).update(status=WaitlistStatus.ACCEPTED, closed_at=now)
    if expired:
        raise OfferExpired()
    locked.refresh_from_db()
    return locked


def _settle_offers(session_id: int, now: datetime) -> None:
    """Close offers whose booking moved on: confirmed → accepted, expired → expired, cancelled → left."""
    offered = (
        WaitlistEntry.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(session_id=session_id, status=WaitlistStatus.OFFERED)
        .exclude(booking__status=BookingStatus.HELD)
        .values_list("pk", "booking__status")
    )
    for entry_id, booking_status in offered:
        WaitlistEntry.objects.filter(pk=entry_id, status=WaitlistStatus.OFFERED).update(
            status=_BOOKING_TO_ENTRY[booking_status], closed_at=now
        )


def _close_waiting(session_id: int, now: datetime) -> None:
    WaitlistEntry.objects.filter(session_id=session_id, status=WaitlistStatus.WAITING).update(
        status=WaitlistStatus.EXPIRED, closed_at=now
    )


def _offer(entry: WaitlistEntry, session: ClassSession, tier: PriceTier, expires_at: datetime, now: datetime):
    booking = Booking.objects.create(
        code=new_booking_code(),
        session=session,
        user_id=entry.user_id,
        contact_name=entry.contact_name,
        contact_email=entry.contact_email,
        contact_phone=entry.contact_phone,
        language=entry.language,
        seats=entry.seats,
        total=entry.seats * tier.amount,
        status=BookingStatus.HELD,
        held_at=now,
        hold_expires_at=expires_at,
        manage_nonce=new_manage_nonce(),
    )
    BookingLine.objects.create(
        booking=booking, tier=tier, label=tier.label, quantity=entry.seats, unit_price=tier.amount
    )
    WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistStatus.WAITING).update(
        status=WaitlistStatus.OFFERED, offered_at=now, offer_expires_at=expires_at, booking=booking
    )
    entry.status, entry.booking, entry.offered_at, entry.offer_expires_at = (
        WaitlistStatus.OFFERED,
        booking,
        now,
        expires_at,
    )
    return entry


def waitlist_advance(*, session_id: int, now: datetime | None = None) -> list[WaitlistEntry]:
    """Offer a session's free seats to its waiting parties, in joining order; returns the offers made.

    Safe to run any number of times and concurrently: advances of one session
    wait for each other on the session's row lock, entries being changed by their
    owner (leave, accept) are skipped (SKIP LOCKED), and each offer takes its
    seats with one conditional UPDATE, so no seat is offered twice.
    """
    now = now or timezone.now()
    # An offer past its window gives its seats back first, even if the hold sweep has not run yet.
    holds_expire(now=now, session_id=session_id)
    with transaction.atomic():
        # One advance per session at a time: the queue moves strictly in order, and
        # an advance that waited here sees the seats the one before it left.
        session = _lock_session(session_id)
        _settle_offers(session_id, now)
        if session.status != SessionStatus.SCHEDULED or session.starts_at <= now:
            _close_waiting(session_id, now)
            return []
        free = session.capacity - session.seats_taken
        window = offer_window(starts_at=session.starts_at, now=now)
        tier = (
            PriceTier.objects.filter(batik_class_id=session.batik_class_id).order_by("position", "pk").first()
        )
        if free <= 0 or window is None or tier is None:
            return []
        waiting = list(
            WaitlistEntry.objects.select_for_update(skip_locked=True)
            .filter(session_id=session_id, status=WaitlistStatus.WAITING)
            .order_by("joined_at", "pk")[:QUEUE_BATCH]
        )
        offers = []
        for entry in waiting:
            if entry.seats > free:
                continue  # keeps its place: see the policy at the top of this module
            if not seats_take(session_id=session_id, seats=entry.seats, now=now):
                break  # cannot happen under the session lock; the CHECK constraint would catch it anyway
            free -= entry.seats
            offers.append(_offer(entry, session, tier, now + window, now))
            if free <= 0:
                break
        if offers:
            outbox_add(
                bookings=[entry.booking for entry in offers], kind=MessageKind.WAITLIST_OFFERED, now=now
            )
    return offers


def _sessions_needing_advance(now: datetime, limit: int) -> list[int]:
    open_offers = WaitlistEntry.objects.filter(status=WaitlistStatus.OFFERED)
    due: set[int] = set()
    # Offers past their window (indexed), and offers accepted or declined through the booking itself.
    due.update(open_offers.filter(offer_expires_at__lte=now).values_list("session_id", flat=True)[:limit])
    due.update(
        open_offers.exclude(booking__status=BookingStatus.HELD).values_list("session_id", flat=True)[:limit]
    )
    # Waiting parties with seats free (a capacity raised, a trigger the broker lost) or a session closed.
    waiting = WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING).filter(
        Q(session__capacity__gt=F("session__seats_taken"))
        | ~Q(session__status=SessionStatus.SCHEDULED)
        | Q(session__starts_at__lte=now)
    )
    due.update(waiting.values_list("session_id", flat=True).distinct()[:limit])
    return sorted(due)


def waitlist_sweep(*, now: datetime | None = None, limit: int = 200) -> int:
    """Advance every session whose waitlist a trigger missed; returns how many sessions were looked at."""
    now = now or timezone.now()
    sessions = _sessions_needing_advance(now, limit)
    for session_id in sessions:
        waitlist_advance(session_id=session_id, now=now)
    return len(sessions)
