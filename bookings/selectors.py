"""Reads of bookings, always on behalf of someone: nobody sees another person's booking."""

from django.db.models import QuerySet

from bookings.codes import manage_token_matches, normalise_code
from bookings.errors import BookingNotFound
from bookings.models import Booking
from core.models import User


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
