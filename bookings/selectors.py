"""Reads of bookings, always on behalf of someone: nobody sees another person's booking."""

from django.db.models import QuerySet

from bookings.codes import manage_token_matches, normalise_code
from bookings.errors import BookingNotFound, SessionNotFound
from bookings.models import Booking, BookingStatus
from core.models import User
from workshops.models import ClassSession, WorkshopMembership
from workshops.permissions import is_coordinator, member_workshops


def _with_details(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.select_related("session__batik_class__workshop__village").prefetch_related("lines")


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
        .filter(code=normalise_code(code), session__batik_class__workshop__in=member_workshops(user))
        .first()
    )
    if booking is None:
        raise BookingNotFound()
    return booking


def session_roster(*, session: ClassSession) -> list[Booking]:
    """Everyone who booked the session (expired holds left out), in two queries whatever the size."""
    return list(
        Booking.objects.filter(session=session)
        .exclude(status=BookingStatus.EXPIRED)
        .select_related("checked_in_by")
        .prefetch_related("lines")
        .order_by("contact_name", "id")
    )


def memberships_of(*, user: User) -> QuerySet[WorkshopMembership]:
    return WorkshopMembership.objects.filter(user=user).select_related("workshop").order_by("workshop__name")
