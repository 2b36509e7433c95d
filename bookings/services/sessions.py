"""A host cancels or moves a whole session: its bookings follow and every guest is told, once.

These flows span both apps, so they live here and call the workshops services
for the session itself (status, times, its audit entry). The session row is
locked first: a tourist's seat-taking UPDATE waits for it and then finds the
session cancelled or moved, so no booking slips in between.
"""

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TypeVar

from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from bookings.errors import (
    SessionNotCancellable,
    SessionNotFound,
    SessionNotReschedulable,
    TargetSessionFull,
    TargetSessionInvalid,
)
from bookings.models import Booking, BookingStatus, MessageKind
from bookings.payments.ledger import RefundReason, payments_settle_cancelled
from bookings.services.capacity import seats_take
from bookings.services.outbox import outbox_add
from bookings.services.session_memory import seats_freed
from bookings.services.triggers import waitlist_advance_after_commit
from core.cache import catalogue_changed
from core.models import User
from workshops.models import BatikClass, ClassSession, SessionStatus, Workshop
from workshops.services.audit import audit_record
from workshops.services.sessions import session_cancel, session_move
from workshops.services.sessions import session_update as workshops_session_update

T = TypeVar("T")
# A host's change reaches the bookings that still count: unconfirmed holds are told too.
ACTIVE_STATUSES = (BookingStatus.HELD, BookingStatus.CONFIRMED)


def _retrying_deadlocks(action: Callable[[], T], attempts: int = 3) -> T:
    """Run `action` (one transaction) again if PostgreSQL chose it as a deadlock's victim.

    The hold sweep locks expired holds before their session; a host's action
    locks the session before its bookings. Rare, but the host should not see a 503 for it.
    """
    for attempt in range(attempts):
        try:
            return action()
        except OperationalError as exc:
            if "deadlock" not in str(exc) or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _lock_session(session_id: int) -> ClassSession:
    return ClassSession.objects.select_for_update().get(pk=session_id)


def _changeable(session: ClassSession, now: datetime) -> bool:
    return session.status == SessionStatus.SCHEDULED and session.starts_at > now


def _active_bookings(session_id: int) -> list[Booking]:
    return list(
        Booking.objects.select_for_update()
        .filter(session_id=session_id, status__in=ACTIVE_STATUSES)
        .order_by("pk")
    )


def _old_times(session: ClassSession) -> dict[str, str]:
    return {"old_starts_at": session.starts_at.isoformat(), "old_ends_at": session.ends_at.isoformat()}


def _workshop(session_id: int) -> Workshop:
    return Workshop.objects.get(classes__sessions__pk=session_id)


def session_cancel_with_bookings(*, session: ClassSession, reason: str, actor: User | None) -> ClassSession:
    """Cancel a session and every held or confirmed booking in it, and tell each guest why.

    The class's free-cancellation window does not apply: the workshop cancelled,
    so nobody pays, and whatever was paid is refunded. One transaction: the
    session's status, the bookings, the seat counter back to 0, one e-mail per
    booking in the outbox, audit entries. A second call finds the session
    cancelled and is refused (`session_not_cancellable`), so nobody is told twice.
    """
    session_id = _retrying_deadlocks(lambda: _cancel(session.pk, reason=reason, actor=actor))
    return ClassSession.objects.select_related("batik_class__workshop").get(pk=session_id)


def _cancel(session_id: int, *, reason: str, actor: User | None) -> int:
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_session(session_id)
        if not _changeable(locked, now):
            raise SessionNotCancellable()
        workshop = _workshop(locked.pk)
        bookings = _active_bookings(locked.pk)
        session_cancel(session=locked, reason=reason, actor=actor)
        Booking.objects.filter(pk__in=[booking.pk for booking in bookings]).update(
            status=BookingStatus.CANCELLED, cancelled_at=now
        )
        # The workshop cancelled: every paid booking is refunded, whatever the window says.
        payments_settle_cancelled(
            bookings=bookings, refund=True, reason=RefundReason.SESSION_CANCELLED, now=now
        )
        # Every seat-holding booking was just cancelled: the counter is exactly 0.
        ClassSession.objects.filter(pk=locked.pk, status=SessionStatus.CANCELLED).update(seats_taken=0)
        for booking in bookings:
            audit_record(
                actor=actor,
                workshop=workshop,
                action="booking.cancel_with_session",
                target=booking,
                before={"status": booking.status},
                after={"status": BookingStatus.CANCELLED, "reason": reason},
            )
        outbox_add(bookings=bookings, kind=MessageKind.SESSION_CANCELLED, now=now)
        transaction.on_commit(catalogue_changed)
        # Its waitlist closes: the advance finds the session cancelled.
        waitlist_advance_after_commit(session_ids=[locked.pk])
    return locked.pk


def session_reschedule_with_bookings(
    *, session: ClassSession, starts_at: datetime, actor: User
) -> ClassSession:
    """Move a session to a new start; its bookings move with it and each guest is told.

    Every guest of a moved session may cancel for free until it starts
    (`free_cancel_until_start`). Moving it to the time it already has changes
    nothing and tells nobody, so a repeated request sends no second e-mail.
    """
    session_id = _retrying_deadlocks(lambda: _reschedule(session.pk, starts_at=starts_at, actor=actor))
    return ClassSession.objects.select_related("batik_class__workshop").get(pk=session_id)


def _reschedule(session_id: int, *, starts_at: datetime, actor: User) -> int:
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_session(session_id)
        if not _changeable(locked, now):
            raise SessionNotReschedulable()
        if locked.starts_at == starts_at:
            return locked.pk
        workshop = _workshop(locked.pk)
        old_times = _old_times(locked)
        session_move(session=locked, starts_at=starts_at, actor=actor)
        bookings = _active_bookings(locked.pk)
        _grant_free_cancel(
            bookings, workshop=workshop, actor=actor, after={"starts_at": starts_at.isoformat()}
        )
        outbox_add(bookings=bookings, kind=MessageKind.SESSION_RESCHEDULED, now=now, payload=old_times)
        transaction.on_commit(catalogue_changed)
    return locked.pk


def session_bookings_move(*, session: ClassSession, target_session_id: int, actor: User) -> ClassSession:
    """Move every held or confirmed booking of `session` into another session of the same class.

    All or nothing: the target's seats are taken with one conditional UPDATE; if
    they do not all fit, `target_session_full` and nothing changes. Both sessions
    are locked in primary-key order so two moves never deadlock. Returns the target.
    """
    target_id = _retrying_deadlocks(
        lambda: _move(session.pk, target_session_id=target_session_id, actor=actor)
    )
    return ClassSession.objects.select_related("batik_class__workshop").get(pk=target_id)


def _workshop_id(session: ClassSession) -> int:
    return BatikClass.objects.values_list("workshop_id", flat=True).get(pk=session.batik_class_id)


def _move(session_id: int, *, target_session_id: int, actor: User) -> int:
    now = timezone.now()
    with transaction.atomic():
        ids = sorted({session_id, target_session_id})
        locked = {
            row.pk: row for row in ClassSession.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        }
        source, target = locked[session_id], locked.get(target_session_id)
        # Another workshop's session is "not found", as everywhere else: the answer must
        # not tell a host which ids exist in workshops they do not belong to.
        if target is None or _workshop_id(target) != _workshop_id(source):
            raise SessionNotFound()
        if not _changeable(source, now):
            raise SessionNotReschedulable()
        if (
            target.pk == source.pk
            or target.batik_class_id != source.batik_class_id
            or not _changeable(target, now)
        ):
            raise TargetSessionInvalid()
        bookings = _active_bookings(source.pk)
        seats = sum(booking.seats for booking in bookings)
        if seats and not seats_take(session_id=target.pk, seats=seats, now=now):
            raise TargetSessionFull(
                fields={"seats_needed": [seats], "seats_left": [target.capacity - target.seats_taken]}
            )
        Booking.objects.filter(pk__in=[booking.pk for booking in bookings]).update(session_id=target.pk)
        ClassSession.objects.filter(pk=source.pk, seats_taken__gte=seats).update(
            seats_taken=F("seats_taken") - seats
        )
        transaction.on_commit(partial(seats_freed, [source.pk]))
        waitlist_advance_after_commit(session_ids=[source.pk])
        _grant_free_cancel(
            bookings,
            workshop=_workshop(source.pk),
            actor=actor,
            after={"session": target.pk, "starts_at": target.starts_at.isoformat()},
            before={"session": source.pk, "starts_at": source.starts_at.isoformat()},
        )
        outbox_add(
            bookings=bookings, kind=MessageKind.SESSION_RESCHEDULED, now=now, payload=_old_times(source)
        )
        transaction.on_commit(catalogue_changed)
    return target.pk


def _grant_free_cancel(
    bookings: list[Booking], *, workshop: Workshop, actor: User, after: dict, before: dict | None = None
) -> None:
    Booking.objects.filter(pk__in=[booking.pk for booking in bookings]).update(free_cancel_until_start=True)
    for booking in bookings:
        audit_record(
            actor=actor,
            workshop=workshop,
            action="booking.reschedule",
            target=booking,
            before=before,
            after={**after, "free_cancel_until_start": True},
        )


def session_update_with_waitlist(*, session: ClassSession, actor: User | None, **changes) -> ClassSession:
    """A host's edit of a session; seats a higher capacity frees go to the waitlist at once.

    The edit itself is workshops' session_update; this flow spans both apps, so it
    lives here, in the higher one.
    """
    with transaction.atomic():
        capacity_before = session.capacity
        updated = workshops_session_update(session=session, actor=actor, **changes)
        if updated.capacity > capacity_before:
            waitlist_advance_after_commit(session_ids=[updated.pk])
    return updated
