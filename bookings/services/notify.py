"""E-mails to a workshop's owners about its bookings, and an owner's choice to receive them."""

from datetime import datetime

from django.conf import settings
from django.db import transaction

from bookings.models import Booking, MessageKind, OutboxMessage
from bookings.services.outbox import outbox_queue
from core.models import User
from workshops.models import MembershipRole, Workshop, WorkshopMembership
from workshops.permissions import workshop_for_member
from workshops.services.audit import audit_record


def owners_notify(
    *, booking: Booking, workshop_id: int, kind: MessageKind, now: datetime, payload: dict | None = None
) -> list[OutboxMessage]:
    """Queue `kind` for every owner of the workshop who wants booking e-mails.

    Call inside the transaction that changes the booking, like any outbox row:
    one row per owner, each in that owner's own language.
    """
    owners = (
        WorkshopMembership.objects.filter(
            workshop_id=workshop_id, role=MembershipRole.OWNER, notify_bookings=True
        )
        .exclude(user__email="")
        .values_list("user__email", "user__preferred_language")
    )
    return outbox_queue(
        messages=[
            OutboxMessage(
                kind=kind,
                booking=booking,
                recipient_email=email,
                language=language or settings.LANGUAGE_CODE,
                payload=payload,
                created_at=now,
            )
            for email, language in owners
        ]
    )


def membership_notifications_set(
    *, user: User, workshop_slug: str, notify_bookings: bool
) -> WorkshopMembership:
    """Turn the caller's own booking e-mails for one of their workshops on or off.

    A workshop the caller is not a member of is not found, as everywhere in the host API.
    """
    workshop: Workshop = workshop_for_member(user, workshop_slug)
    with transaction.atomic():
        membership = WorkshopMembership.objects.select_for_update().get(user=user, workshop=workshop)
        if membership.notify_bookings != notify_bookings:
            WorkshopMembership.objects.filter(pk=membership.pk).update(notify_bookings=notify_bookings)
            audit_record(
                actor=user,
                workshop=workshop,
                action="membership.notifications",
                target=membership,
                before={"notify_bookings": membership.notify_bookings},
                after={"notify_bookings": notify_bookings},
            )
            membership.notify_bookings = notify_bookings
    membership.workshop = workshop
    return membership
