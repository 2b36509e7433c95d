"""Reads of bookings, always on behalf of someone: nobody sees another person's booking."""

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from bookings.codes import manage_token_matches, normalise_code, waitlist_token_matches
from bookings.errors import BookingNotFound, SessionNotFound, WaitlistEntryNotFound
from bookings.models import Booking, BookingStatus, WaitlistEntry, WaitlistStatus
from core.models import User
from workshops.models import ClassSession, WorkshopMembership
from workshops.permissions import is_coordinator, member_workshops


def _with_details(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.select_related("session__batik_class__workshop__village").prefetch_related(
        "lines", "payments"
    )


def bookings_of_user(*, user: User) -> QuerySet[Booking]:
    return _with_details(Booking.objects.filter(user=user)).order_by("-held_at", "-id")


def booking_for_caller(*, code: str, user: User | None, token: str = "") -> Booking:
    """The booking if the caller owns it or presents its manage token; otherwise not found.

    "Not found" rather than "forbidden": a stranger learns nothing about which codes exist.
    """
    booking = _with_details(Booking.objects.filter(code=normalise_code(code))).first()
    if booking is None:
        raise BookingNotFound()
    if user is not None and user.is_authenticated and booking.user_id == user.pk:
        return booking
    if token and manage_token_matches(booking.code, booking.manage_nonce, token):
        return booking
    raise BookingNotFound()


def session_for_host(*, user: User, session_id: int, coordinators_read: bool = False) -> ClassSession:
    """A session of one of the caller's workshops; another workshop's session is not found.

    `coordinators_read` lets programme coordinators see any session (rosters), never change one.
    """
    sessions = ClassSession.objects.select_related("batik_class__workshop__village")
    if not (coordinators_read and is_coordinator(user)):
        sessions = sessions.filter(batik_class__workshop__in=member_workshops(user))
    session = sessions.filter(pk=session_id).first()
    if session is None:
        raise SessionNotFound()
    return session


def booking_for_host(*, user: User, code: str) -> Booking:
    """A booking, by its code as typed or scanned, in one of the caller's workshops; else not found."""
    booking = (
        Booking.objects.select_related("session__batik_class__workshop")
        .prefetch_related("lines", "payments")
        .filter(code=normalise_code(code), session__batik_class__workshop__in=member_workshops(user))
        .first()
    )
    if booking is None:
        raise BookingNotFound()
    return booking


def session_roster(*, session: ClassSession) -> list[Booking]:
    """Everyone who booked the session (expired holds left out, unless the workshop owes them money back),
    in three queries whatever the size."""
    from bookings.payments.models import Payment, PaymentStatus

    refund_owed = Payment.objects.filter(booking=OuterRef("pk"), status=PaymentStatus.REFUND_PENDING)
    return list(
        Booking.objects.filter(session=session)
        .exclude(Q(status=BookingStatus.EXPIRED) & ~Exists(refund_owed))
        .select_related("checked_in_by")
        .prefetch_related("lines", "payments")
        .order_by("contact_name", "id")
    )


def memberships_of(*, user: User) -> QuerySet[WorkshopMembership]:
    return WorkshopMembership.objects.filter(user=user).select_related("workshop").order_by("workshop__name")


def waitlist_entry_for_caller(*, entry_id: int, user: User | None, token: str = "") -> WaitlistEntry:
    """A waitlist entry of the caller (signed in, or presenting its token); otherwise not found."""
    entry = (
        WaitlistEntry.objects.select_related("session__batik_class__workshop", "booking")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise WaitlistEntryNotFound()
    if user is not None and user.is_authenticated and entry.user_id == user.pk:
        return entry
    if token and waitlist_token_matches(entry.pk, entry.manage_nonce, token):
        return entry
    raise WaitlistEntryNotFound()


def waitlist_position(*, entry: WaitlistEntry) -> int | None:
    """1 for the head of the queue; None once the entry no longer waits."""
    if entry.status != WaitlistStatus.WAITING:
        return None
    ahead = WaitlistEntry.objects.filter(session_id=entry.session_id, status=WaitlistStatus.WAITING).filter(
        Q(joined_at__lt=entry.joined_at) | Q(joined_at=entry.joined_at, pk__lt=entry.pk)
    )
    return ahead.count() + 1


def waitlist_seats_waiting(*, session_ids: list[int]) -> dict[int, int]:
    """Seats wanted by waiting parties, per session (the owners' digest)."""
    rows = (
        WaitlistEntry.objects.filter(session_id__in=session_ids, status=WaitlistStatus.WAITING)
        .values("session_id")
        .annotate(seats=Sum("seats"))
    )
    return {row["session_id"]: row["seats"] for row in rows}


def confirmed_seats_expression():
    """Seats of confirmed (or attended) bookings: what counts toward a class's minimum."""
    from django.db.models import Value
    from django.db.models.functions import Coalesce

    return Coalesce(
        Sum(
            "bookings__seats",
            filter=Q(bookings__status__in=[BookingStatus.CONFIRMED, BookingStatus.ATTENDED]),
        ),
        Value(0),
    )


def workshop_upcoming_sessions(*, workshop_id: int, since, until) -> list[ClassSession]:
    """A workshop's scheduled sessions starting in [since, until), each with `confirmed` seats
    and `waiting` (seats wanted on its waitlist), in start order: the owners' daily digest."""
    from workshops.models import SessionStatus

    sessions = list(
        ClassSession.objects.filter(
            batik_class__workshop_id=workshop_id,
            status=SessionStatus.SCHEDULED,
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .select_related("batik_class")
        .annotate(confirmed=confirmed_seats_expression())
        .order_by("starts_at", "pk")
    )
    waiting = waitlist_seats_waiting(session_ids=[session.pk for session in sessions])
    for session in sessions:
        session.waiting = waiting.get(session.pk, 0)
    return sessions
