"""Why a booking request was refused, with codes clients can rely on."""

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, DomainError, NotFound


class SessionFull(Conflict):
    code = "session_full"
    default_message = _("There are not enough free seats left in this session.")


class SessionNotBookable(Conflict):
    code = "session_not_bookable"
    default_message = _("This session can no longer be booked.")


class SessionStarted(Conflict):
    code = "session_started"
    default_message = _("This session has already started.")


class SessionCancelled(Conflict):
    code = "session_cancelled"
    default_message = _("This session has been cancelled.")


class TooManyHolds(Conflict):
    code = "too_many_holds"
    default_message = _("You already hold seats in %(limit)s sessions. Confirm or cancel one first.")


class HoldExpired(Conflict):
    code = "hold_expired"
    default_message = _("The hold on these seats has expired. Please book again.")


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, *, current: str, action: str) -> None:
        from bookings.models import BookingStatus

        label = BookingStatus(current).label
        super().__init__(
            _("A booking that is %(status)s cannot be %(action)s.") % {"status": label, "action": action},
            fields={"status": [current]},
        )


class CancellationWindowClosed(Conflict):
    code = "cancellation_window_closed"
    default_message = _("Free cancellation closed %(hours)s hours before the start.")


class BookingNotFound(NotFound):
    code = "booking_not_found"
    default_message = _("No such booking.")


class SessionNotFound(NotFound):
    code = "session_not_found"
    default_message = _("No such session.")


class InvalidBooking(DomainError):
    """Input that passed the serializer but does not fit the class (tiers, limits)."""

    code = "invalid_booking"
    status_code = 400


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status_code = 422
    default_message = _("This Idempotency-Key was already used with a different request.")


class IdempotencyInFlight(Conflict):
    code = "idempotency_in_flight"
    default_message = _("A request with this Idempotency-Key is still being processed. Retry shortly.")
