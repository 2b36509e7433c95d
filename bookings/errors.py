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


class SessionNotCancellable(Conflict):
    code = "session_not_cancellable"
    default_message = _("Only a scheduled session that has not started can be cancelled.")


class SessionNotReschedulable(Conflict):
    code = "session_not_reschedulable"
    default_message = _("Only a scheduled session that has not started can be rescheduled.")


class TargetSessionFull(Conflict):
    code = "target_session_full"
    default_message = _("The other session does not have room for every booking of this one.")


class TargetSessionInvalid(Conflict):
    code = "target_session_invalid"
    default_message = _("Bookings can only move to another scheduled, future session of the same class.")


class BookingNotCheckable(Conflict):
    code = "booking_not_checkable"

    def __init__(self, *, current: str) -> None:
        from bookings.models import BookingStatus

        super().__init__(
            _("This booking is %(status)s and cannot be checked in.")
            % {"status": BookingStatus(current).label},
            fields={"status": [current]},
        )


class CheckInNotOpen(Conflict):
    code = "check_in_not_open"
    default_message = _("Check-in opens on the day of the session (WIB).")


class CheckInUndoClosed(Conflict):
    code = "check_in_undo_closed"
    default_message = _("A check-in can only be undone on the day of the session (WIB).")


class SessionNotOver(Conflict):
    code = "session_not_over"
    default_message = _("No-shows can only be marked after the session has ended.")


class SeatsAvailable(Conflict):
    code = "seats_available"
    default_message = _("This session still has enough free seats: book them instead of waiting.")


class AlreadyOnWaitlist(Conflict):
    code = "already_on_waitlist"
    default_message = _("You are already on the waitlist of this session.")


class WaitlistEntryNotFound(NotFound):
    code = "waitlist_entry_not_found"
    default_message = _("No such waitlist entry.")


class WaitlistEntryClosed(Conflict):
    code = "waitlist_entry_closed"
    default_message = _("This waitlist entry is no longer active.")


class OfferNotActive(Conflict):
    code = "offer_not_active"
    default_message = _("There is no open offer of seats for this waitlist entry.")


class OfferExpired(Conflict):
    code = "offer_expired"
    default_message = _("The offer of these seats has expired; they went to the next person waiting.")


class PasswordIncorrect(DomainError):
    code = "password_incorrect"
    status_code = 400
    default_message = _("The password is not correct.")


class ConfirmationIncorrect(DomainError):
    code = "confirmation_incorrect"
    status_code = 400
    default_message = _("Type the e-mail address of your account to confirm.")


class LastOwnerOfWorkshop(Conflict):
    code = "last_owner_of_workshop"
    default_message = _(
        "You are the only owner of a workshop. Make another member its owner before deleting your account."
    )


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    status_code = 429
    default_message = _("Too many attempts. Please wait a minute and try again.")
