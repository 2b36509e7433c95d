"""A host's writes on single sessions: create, edit time or capacity, move and cancel.

Seats belong to the bookings app; here the counter is only read inside
conditional UPDATEs, so a booking arriving at the same moment can never end up
above capacity (the database CHECK backs it).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from core.timezones import wib_date
from workshops.errors import (
    CapacityBelowBooked,
    ClosedDayConflict,
    SessionHasBookings,
    SessionInPast,
    SessionNotScheduled,
)
from workshops.models import BatikClass, ClassSession, ClosedDay, SessionStatus, Workshop
from workshops.services._common import catalogue_changed_on_commit
from workshops.services.audit import audit_record, snapshot

SESSION_FIELDS = ["starts_at", "ends_at", "capacity", "status", "language", "note", "cancel_reason"]


def closed_days_on(*, workshop: Workshop, day) -> QuerySet[ClosedDay]:
    return ClosedDay.objects.filter(workshop=workshop, date_from__lte=day, date_to__gte=day)


def _ensure_open_day(*, workshop: Workshop, starts_at: datetime) -> None:
    # Read, not locked: a closed day added at the same instant only means a
    # session the host sees in the closed-day report, never lost data.
    day = wib_date(starts_at)
    closed = closed_days_on(workshop=workshop, day=day).first()
    if closed is not None:
        message = _("The workshop is closed on %(day)s (%(reason)s).") % {
            "day": day.isoformat(),
            "reason": closed.reason or _("closed day"),
        }
        raise ClosedDayConflict(message, fields={"starts_at": [message]})


def _ensure_future(starts_at: datetime) -> None:
    if starts_at <= timezone.now():
        raise SessionInPast(fields={"starts_at": [_("A session must start in the future.")]})


def session_create(
    *,
    batik_class: BatikClass,
    starts_at: datetime,
    capacity: int | None = None,
    language: str = "id",
    note: str = "",
    actor: User | None,
) -> ClassSession:
    """One dated session of `batik_class`; it ends after the class's duration."""
    _ensure_future(starts_at)
    with transaction.atomic():
        _ensure_open_day(workshop=batik_class.workshop, starts_at=starts_at)
        session = ClassSession.objects.create(
            batik_class=batik_class,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=batik_class.duration_minutes),
            capacity=capacity or batik_class.max_participants,
            language=language,
            note=note,
        )
        audit_record(
            actor=actor,
            workshop=batik_class.workshop,
            action="session.created",
            target=session,
            after=snapshot(session, SESSION_FIELDS),
        )
        catalogue_changed_on_commit()
    return session


def _scheduled(session: ClassSession) -> QuerySet[ClassSession]:
    return ClassSession.objects.filter(pk=session.pk, status=SessionStatus.SCHEDULED)


def _refused_update(session: ClassSession, error: Exception) -> Exception:
    """Why a conditional UPDATE matched nothing: the session is no longer scheduled, or `error`."""
    status = ClassSession.objects.filter(pk=session.pk).values_list("status", flat=True).first()
    return SessionNotScheduled() if status != SessionStatus.SCHEDULED else error


def _set_capacity(session: ClassSession, capacity: int) -> None:
    # One statement: the seats counter is compared and the capacity set at once.
    changed = (
        _scheduled(session)
        .filter(seats_taken__lte=capacity)
        .update(capacity=capacity, updated_at=timezone.now())
    )
    if not changed:
        taken = ClassSession.objects.filter(pk=session.pk).values_list("seats_taken", flat=True).first()
        message = _("%(taken)s seats are already booked; the capacity cannot go below that.") % {
            "taken": taken
        }
        raise _refused_update(session, CapacityBelowBooked(message, fields={"capacity": [message]}))


def _set_times(session: ClassSession, starts_at: datetime, *, only_without_bookings: bool) -> None:
    _ensure_future(starts_at)
    _ensure_open_day(workshop=session.batik_class.workshop, starts_at=starts_at)
    length = session.ends_at - session.starts_at
    rows = _scheduled(session)
    if only_without_bookings:
        # Guests must hear about a new time: moving a booked session is the reschedule action.
        rows = rows.filter(seats_taken=0, bookings__isnull=True)
    changed = rows.update(starts_at=starts_at, ends_at=starts_at + length, updated_at=timezone.now())
    if not changed:
        raise _refused_update(session, SessionHasBookings())


def session_update(
    *,
    session: ClassSession,
    actor: User | None,
    starts_at: datetime | None = None,
    capacity: int | None = None,
    language: str | None = None,
    note: str | None = None,
) -> ClassSession:
    """Edit a scheduled session's time, capacity, language or note.

    Capacity never drops below the seats taken (409 `capacity_below_booked`);
    a session with bookings is moved with the reschedule action, not here.
    """
    with transaction.atomic():
        before = snapshot(session, SESSION_FIELDS)
        if capacity is not None and capacity != session.capacity:
            _set_capacity(session, capacity)
        if starts_at is not None and starts_at != session.starts_at:
            _set_times(session, starts_at, only_without_bookings=True)
        texts = {
            name: value
            for name, value in (("language", language), ("note", note))
            if value is not None and value != getattr(session, name)
        }
        if texts and not _scheduled(session).update(**texts, updated_at=timezone.now()):
            raise SessionNotScheduled()
        session.refresh_from_db()
        after = snapshot(session, SESSION_FIELDS)
        if after != before:
            audit_record(
                actor=actor,
                workshop=session.batik_class.workshop,
                action="session.updated",
                target=session,
                before=before,
                after=after,
            )
            catalogue_changed_on_commit()
    return session


def session_move(*, session: ClassSession, starts_at: datetime, actor: User | None) -> ClassSession:
    """Give a scheduled session a new start (its length kept), refusing closed days.

    For the bookings app's reschedule, inside its transaction: it moves the
    bookings and tells every guest; this only changes the session's times.
    """
    with transaction.atomic():
        before = snapshot(session, SESSION_FIELDS)
        _set_times(session, starts_at, only_without_bookings=False)
        session.refresh_from_db()
        audit_record(
            actor=actor,
            workshop=session.batik_class.workshop,
            action="session.moved",
            target=session,
            before=before,
            after=snapshot(session, SESSION_FIELDS),
        )
        catalogue_changed_on_commit()
    return session


def session_cancel(*, session: ClassSession, reason: str, actor: User | None) -> ClassSession:
    """Mark a scheduled session cancelled with `reason`; 409 `session_not_scheduled` otherwise.

    For the bookings app, which cancels the bookings and notifies the guests in
    the same transaction; this only flips the session.
    """
    with transaction.atomic():
        before = snapshot(session, SESSION_FIELDS)
        now = timezone.now()
        changed = _scheduled(session).update(
            status=SessionStatus.CANCELLED, cancel_reason=reason, cancelled_at=now, updated_at=now
        )
        if not changed:
            raise SessionNotScheduled()
        session.refresh_from_db()
        audit_record(
            actor=actor,
            workshop=session.batik_class.workshop,
            action="session.cancelled",
            target=session,
            before=before,
            after=snapshot(session, SESSION_FIELDS),
        )
        catalogue_changed_on_commit()
    return session
