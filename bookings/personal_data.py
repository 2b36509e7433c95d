"""Everything Canting holds about one signed-in person, as one JSON document (UU PDP's right of access).

A read only: the account, its e-mail addresses (and social logins, when that allauth
app is installed), the bookings and waitlist entries linked to the account, the
messages sent about them, request keys still kept, and workshop memberships.
Times carry the WIB offset (+07:00), like every time Canting shows.
"""

from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from bookings.models import Booking, IdempotencyRecord, OutboxMessage, WaitlistEntry
from core.models import User
from core.timezones import WIB
from workshops.models import WorkshopMembership

EXPORT_FORMAT = "canting-personal-data/1"


def _time(value: datetime | None) -> str | None:
    return value.astimezone(WIB).isoformat() if value else None


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
        "date_joined": _time(user.date_joined),
        "last_login": _time(user.last_login),
        "has_password": user.has_usable_password(),
    }


def _email_addresses(user: User) -> list[dict[str, Any]]:
    from allauth.account.models import EmailAddress

    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("pk")
    ]


def _social_accounts(user: User) -> list[dict[str, Any]]:
    if not apps.is_installed("allauth.socialaccount"):
        return []
    from allauth.socialaccount.models import SocialAccount

    return [
        {
            "provider": account.provider,
            "uid": account.uid,
            "date_joined": _time(account.date_joined),
            "last_login": _time(account.last_login),
        }
        for account in SocialAccount.objects.filter(user=user).order_by("pk")
    ]


def _session(session) -> dict[str, Any]:
    batik_class = session.batik_class
    return {
        "id": session.pk,
        "class": batik_class.title,
        "workshop": batik_class.workshop.name,
        "village": batik_class.workshop.village.name,
        "starts_at": _time(session.starts_at),
        "ends_at": _time(session.ends_at),
    }


def _contact(row: Booking | WaitlistEntry) -> dict[str, Any]:
    return {"name": row.contact_name, "email": row.contact_email, "phone": row.contact_phone}


def _bookings(bookings: list[Booking]) -> list[dict[str, Any]]:
    return [
        {
            "code": booking.code,
            "status": booking.status,
            "session": _session(booking.session),
            "contact": _contact(booking),
            "language": booking.language,
            "seats": booking.seats,
            "total": booking.total,
            "lines": [
                {"label": line.label, "quantity": line.quantity, "unit_price": line.unit_price}
                for line in booking.lines.all()
            ],
            "held_at": _time(booking.held_at),
            "hold_expires_at": _time(booking.hold_expires_at),
            "confirmed_at": _time(booking.confirmed_at),
            "cancelled_at": _time(booking.cancelled_at),
            "expired_at": _time(booking.expired_at),
            "checked_in_at": _time(booking.checked_in_at),
            "no_show_at": _time(booking.no_show_at),
            "personal_data_erased_at": _time(booking.personal_data_erased_at),
        }
        for booking in bookings
    ]


def _waitlist_entries(user: User) -> list[dict[str, Any]]:
    entries = WaitlistEntry.objects.filter(user=user).select_related(
        "session__batik_class__workshop__village", "booking"
    )
    return [
        {
            "id": entry.pk,
            "status": entry.status,
            "session": _session(entry.session),
            "contact": _contact(entry),
            "language": entry.language,
            "seats": entry.seats,
            "joined_at": _time(entry.joined_at),
            "offered_at": _time(entry.offered_at),
            "offer_expires_at": _time(entry.offer_expires_at),
            "closed_at": _time(entry.closed_at),
            "offered_booking": entry.booking.code if entry.booking else None,
        }
        for entry in entries.order_by("joined_at", "pk")
    ]


def _messages(user: User, booking_ids: list[int]) -> list[dict[str, Any]]:
    """Messages to the person: about their bookings (to the guest), or to them as a workshop member."""
    messages = (
        OutboxMessage.objects.filter(
            Q(booking_id__in=booking_ids, recipient_email__isnull=True)
            | Q(recipient_email__iexact=user.email)
        )
        .select_related("booking")
        .order_by("created_at", "pk")
    )
    return [
        {
            "kind": message.kind,
            "booking": message.booking.code if message.booking else None,
            "to": "workshop_member" if message.recipient_email else "guest",
            "created_at": _time(message.created_at),
            "sent_at": _time(message.sent_at),
        }
        for message in messages
    ]


def _request_keys(user: User) -> list[dict[str, Any]]:
    """Idempotency keys kept for the person's requests (for a day): when, and what became of them."""
    scopes = [f"user:{user.pk}", f"email:{user.email.strip().lower()}"]
    return [
        {
            "key": record.key,
            "state": record.state,
            "response_status": record.response_status,
            "created_at": _time(record.created_at),
        }
        for record in IdempotencyRecord.objects.filter(scope__in=scopes).order_by("created_at", "pk")
    ]


def _memberships(user: User) -> list[dict[str, Any]]:
    memberships = WorkshopMembership.objects.filter(user=user).select_related("workshop")
    return [
        {
            "workshop": membership.workshop.name,
            "workshop_slug": membership.workshop.slug,
            "role": membership.role,
            "notify_bookings": membership.notify_bookings,
            "since": _time(membership.created_at),
        }
        for membership in memberships.order_by("workshop__name", "pk")
    ]


def personal_data_export(*, user: User) -> dict[str, Any]:
    """The person's data as one JSON-ready dict, only theirs: every row is found through their account."""
    bookings = list(
        Booking.objects.filter(user=user)
        .select_related("session__batik_class__workshop__village")
        .prefetch_related("lines")
        .order_by("held_at", "pk")
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _time(timezone.now()),
        "account": _account(user),
        "email_addresses": _email_addresses(user),
        "social_accounts": _social_accounts(user),
        "bookings": _bookings(bookings),
        "waitlist_entries": _waitlist_entries(user),
        "messages": _messages(user, [booking.pk for booking in bookings]),
        "request_keys": _request_keys(user),
        "workshop_memberships": _memberships(user),
    }
