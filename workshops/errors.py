"""Why a host's request was refused, with codes clients can rely on."""

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, DomainError, NotFound


class OwnerRequired(DomainError):
    status_code = 403
    code = "owner_required"
    default_message = _("Only an owner of this workshop can do this.")


class InvalidHostInput(DomainError):
    code = "invalid"
    default_message = _("Some fields are not valid.")


class ClassLimitsInvalid(InvalidHostInput):
    """Participant limits that do not fit together: minimum ≤ maximum, 1 ≤ seats per booking ≤ maximum."""

    code = "class_limits"


class CapacityBelowBooked(Conflict):
    code = "capacity_below_booked"
    default_message = _("The capacity cannot be lower than the seats already booked.")


class ClosedDayConflict(Conflict):
    code = "closed_day"
    default_message = _("The workshop is closed on that day.")


class SessionNotScheduled(Conflict):
    code = "session_not_scheduled"
    default_message = _("Only a scheduled session can be changed.")


class SessionHasBookings(Conflict):
    code = "session_has_bookings"
    default_message = _("This session has bookings: reschedule it so that every guest is told.")


class SessionInPast(DomainError):
    code = "session_in_past"
    default_message = _("A session must start in the future.")


class LastOwner(Conflict):
    code = "last_owner"
    default_message = _("A workshop needs at least one owner. Make someone else an owner first.")


class TierInUse(Conflict):
    code = "tier_in_use"
    default_message = _(
        "This price is used by bookings and cannot be deleted. Rename it or change its price instead."
    )


class InvitationNotFound(NotFound):
    code = "invitation_not_found"
    default_message = _("This invitation does not exist.")


class InvitationUsed(Conflict):
    code = "invitation_used"
    default_message = _("This invitation has already been accepted.")


class InvitationExpired(Conflict):
    code = "invitation_expired"
    default_message = _("This invitation has expired. Ask the workshop owner for a new one.")


class InvitationWrongAccount(DomainError):
    status_code = 403
    code = "invitation_wrong_account"
    default_message = _("This invitation was sent to another e-mail address. Sign in with that address.")


class AlreadyMember(Conflict):
    code = "already_member"
    default_message = _("This person is already a member of the workshop.")
