"""Personal data under Indonesia's UU PDP (2022): erasure on request, and after a retention period.

Deleting an account removes the person, not the bookings: a booking stays in its
session's roster and in the coordinators' monthly figures, with the guest's name,
e-mail and phone erased and `personal_data_erased_at` set. The same erasure runs
for every guest a configurable time after their session (PERSONAL_DATA_RETENTION_DAYS).
Each erasure is a conditional UPDATE on that marker, so running it twice changes
nothing the second time.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from bookings.errors import ConfirmationIncorrect, LastOwnerOfWorkshop, PasswordIncorrect
from bookings.models import (
    ACTIVE_WAITLIST_STATUSES,
    Booking,
    BookingStatus,
    HolderLock,
    IdempotencyRecord,
    OutboxMessage,
    WaitlistEntry,
    WaitlistStatus,
)
from bookings.services.holds import booking_cancel
from bookings.services.waitlist import waitlist_leave
from core.models import User
from workshops.models import Invitation, MembershipRole, WorkshopMembership

logger = logging.getLogger(__name__)

# What an erased contact looks like: empty fields and the marker (hosts read "Deleted guest").
ERASED_CONTACT = {"contact_name": "", "contact_email": "", "contact_phone": ""}
RETENTION_BATCH = 500


@dataclass(frozen=True)
class AccountDeletion:
    """What deleting an account did, for the confirmation the person reads."""

    bookings_cancelled: int
    bookings_anonymised: int
    waitlist_entries_anonymised: int


def _check_identity(user: User, *, password: str, confirm: str) -> None:
    """The person at the keyboard is the account's owner: the password again, or (no password) the e-mail."""
    if user.has_usable_password():
        if not password or not user.check_password(password):
            raise PasswordIncorrect(fields={"password": [str(PasswordIncorrect.default_message)]})
        return
    if confirm.strip().lower() != user.email.strip().lower():
        raise ConfirmationIncorrect(fields={"confirm": [str(ConfirmationIncorrect.default_message)]})


def _refuse_if_last_owner(user: User) -> None:
    """A workshop must keep an owner: its bookings, money and messages need someone to answer for them.

    The owner rows of the caller's workshops are locked, so two owners deleting their
    accounts at the same moment cannot leave a workshop with none.
    """
    owned = list(
        WorkshopMembership.objects.filter(user=user, role=MembershipRole.OWNER).values_list(
            "workshop_id", flat=True
        )
    )
    if not owned:
        return
    list(
        WorkshopMembership.objects.select_for_update()
        .filter(workshop_id__in=owned, role=MembershipRole.OWNER)
        .order_by("pk")
        .values_list("pk")
    )
    alone = (
        WorkshopMembership.objects.filter(workshop_id__in=owned, role=MembershipRole.OWNER)
        .values("workshop_id", "workshop__slug")
        .annotate(owners=Count("pk"))
        .filter(owners=1)
        .order_by("workshop__slug")
    )
    slugs = [row["workshop__slug"] for row in alone]
    if slugs:
        raise LastOwnerOfWorkshop(fields={"workshops": slugs})


def _active_bookings(user: User, now: datetime) -> QuerySet[Booking]:
    """Bookings that still hold seats someone else could use: every hold, and confirmed ones not yet begun."""
    return Booking.objects.filter(user=user).filter(
        Q(status=BookingStatus.HELD) | Q(status=BookingStatus.CONFIRMED, session__starts_at__gt=now)
    )


def _erase_bookings(bookings: QuerySet[Booking], now: datetime, **extra) -> list[int]:
    """Erase the contact of bookings not yet erased; returns the ids this call erased."""
    ids = list(
        bookings.filter(personal_data_erased_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    if not ids:
        return []
    Booking.objects.filter(pk__in=ids, personal_data_erased_at__isnull=True).update(
        **ERASED_CONTACT, personal_data_erased_at=now, **extra
    )
    # Nothing can reach a guest whose address is gone: drop what was waiting to be sent.
    OutboxMessage.objects.filter(
        booking_id__in=ids, recipient_email__isnull=True, sent_at__isnull=True
    ).delete()
    return ids


def _erase_waitlist_entries(entries: QuerySet[WaitlistEntry], now: datetime, **extra) -> int:
    """Erase waitlist contacts; an entry still waiting is closed first (nobody could be told of seats)."""
    return entries.filter(personal_data_erased_at__isnull=True).update(
        **ERASED_CONTACT,
        personal_data_erased_at=now,
        status=Case(
            When(status__in=ACTIVE_WAITLIST_STATUSES, then=Value(WaitlistStatus.EXPIRED)),
            default="status",
        ),
        closed_at=Coalesce("closed_at", Value(now)),
        **extra,
    )


def account_delete(*, user: User, password: str = "", confirm: str = "") -> AccountDeletion:
    """Delete a tourist's account at their request (UU PDP's right to erasure).

    The password must be typed again; an account without one (signed up through
    another provider) confirms with its e-mail address. The last owner of a
    workshop is refused (`last_owner_of_workshop`): the workshop needs an owner first.

    Bookings that still hold seats are cancelled through `booking_cancel`, so the
    seats return to the session (and its waitlist) and the owners are told; a
    confirmed booking is cancelled even inside the free-cancellation window, since
    nobody is left to come. Every booking and waitlist entry is then anonymised and
    kept, so rosters and reports still count it. Finally the user row is deleted,
    with their e-mail addresses and memberships.
    """
    _check_identity(user, password=password, confirm=confirm)
    return account_erase(user=user)


def account_erase(*, user: User) -> AccountDeletion:
    """Erase an account as `account_delete` does, once the person's identity is settled.

    Operators call it through `manage.py erase_account` for a request that came by
    letter or e-mail; the account's owner goes through `account_delete`.
    """
    now = timezone.now()
    user_id, email = user.pk, user.email.strip().lower()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
        _refuse_if_last_owner(user)
        # Waitlists first: leaving declines an open offer, whose held booking gives its seats back.
        for entry in WaitlistEntry.objects.filter(user=user, status__in=ACTIVE_WAITLIST_STATUSES).order_by(
            "pk"
        ):
            waitlist_leave(entry=entry)
        cancelled = 0
        for booking in _active_bookings(user, now).order_by("pk"):
            booking_cancel(booking=booking, account_deleted=True)
            cancelled += 1
        erased = _erase_bookings(Booking.objects.filter(user=user), now, user=None)
        entries = _erase_waitlist_entries(WaitlistEntry.objects.filter(user=user), now, user=None)
        IdempotencyRecord.objects.filter(scope__in=[f"user:{user_id}", f"email:{email}"]).delete()
        HolderLock.objects.filter(key__in=[f"user:{user_id}", f"email:{email}"]).delete()
        Invitation.objects.filter(email__iexact=email).delete()
        # Messages to them as a workshop member: unsent ones are dropped, sent ones forget the address.
        to_them = OutboxMessage.objects.filter(recipient_email__iexact=email)
        to_them.filter(sent_at__isnull=True).delete()
        to_them.update(recipient_email="")
        user.delete()
    logger.info(
        "account deleted: user %s, %s bookings cancelled, %s anonymised", user_id, cancelled, len(erased)
    )
    return AccountDeletion(
        bookings_cancelled=cancelled, bookings_anonymised=len(erased), waitlist_entries_anonymised=entries
    )


def personal_data_erase_batch(*, now: datetime, retention_days: int, batch: int = RETENTION_BATCH) -> int:
    """Erase one batch of guests' contacts whose session ended more than `retention_days` ago.

    Returns how many bookings and waitlist entries this call erased (0: nothing left).
    Rows another sweep is erasing are skipped (SKIP LOCKED), and the UPDATE is
    conditional on the marker, so concurrent or repeated runs erase each row once.
    """
    cutoff = now - timedelta(days=retention_days)
    with transaction.atomic():
        booking_ids = list(
            Booking.objects.filter(personal_data_erased_at__isnull=True, session__ends_at__lt=cutoff)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        erased = len(_erase_bookings(Booking.objects.filter(pk__in=booking_ids), now))
        entry_ids = list(
            WaitlistEntry.objects.filter(personal_data_erased_at__isnull=True, session__ends_at__lt=cutoff)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        erased += _erase_waitlist_entries(WaitlistEntry.objects.filter(pk__in=entry_ids), now)
    return erased


def personal_data_retention_sweep(*, now: datetime | None = None, retention_days: int | None = None) -> int:
    """Erase every guest contact past the retention period, in batches; safe to run any number of times."""
    now = now or timezone.now()
    days = settings.PERSONAL_DATA_RETENTION_DAYS if retention_days is None else retention_days
    total = 0
    while erased := personal_data_erase_batch(now=now, retention_days=days):
        total += erased
    # A guest's hold lock row carries their e-mail; it is only needed while they hold seats.
    HolderLock.objects.filter(key__startswith="email:", touched_at__lt=now - timedelta(days=days)).delete()
    if total:
        logger.info("retention: erased the contacts of %s bookings and waitlist entries", total)
    return total
