"""At the workshop door: check guests in, undo a mistaken check-in, mark the no-shows.

Each change is one conditional UPDATE on the booking's state, so a code scanned
twice, or by two phones at once, has exactly one effect.
"""

from collections import Counter

from django.db import transaction
from django.utils import timezone

from bookings.errors import BookingNotCheckable, CheckInNotOpen, CheckInUndoClosed, SessionNotOver
from bookings.models import Booking, BookingStatus
from bookings.services.capacity import seats_release
from core.models import User
from core.timezones import wib_date, wib_day_end, wib_day_start
from workshops.models import ClassSession, Workshop
from workshops.services.audit import audit_record


def _reloaded(booking: Booking) -> Booking:
    return Booking.objects.select_related("session__batik_class__workshop", "checked_in_by").get(
        pk=booking.pk
    )


def booking_check_in(*, booking: Booking, actor: User) -> Booking:
    """Mark a confirmed booking attended (from the session's WIB day on).

    Checking in an attended booking again changes nothing and answers the same;
    a held, cancelled, expired or no-show booking is refused with its state.
    """
    now = timezone.now()
    session = booking.session
    if now < wib_day_start(wib_date(session.starts_at)):
        raise CheckInNotOpen()
    with transaction.atomic():
        changed = Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED).update(
            status=BookingStatus.ATTENDED, checked_in_at=now, checked_in_by=actor
        )
        if changed:
            audit_record(
                actor=actor,
                workshop=session.batik_class.workshop,
                action="booking.check_in",
                target=booking,
                before={"status": BookingStatus.CONFIRMED},
                after={"status": BookingStatus.ATTENDED, "checked_in_at": now.isoformat()},
            )
    current = _reloaded(booking)
    if current.status != BookingStatus.ATTENDED:
        raise BookingNotCheckable(current=current.status)
    return current


def booking_check_in_undo(*, booking: Booking, actor: User) -> Booking:
    """Take back a check-in, on the session's WIB day only; a confirmed booking stays as it is."""
    now = timezone.now()
    session = booking.session
    if now >= wib_day_end(wib_date(session.starts_at)):
        raise CheckInUndoClosed()
    with transaction.atomic():
        changed = Booking.objects.filter(pk=booking.pk, status=BookingStatus.ATTENDED).update(
            status=BookingStatus.CONFIRMED, checked_in_at=None, checked_in_by=None
        )
        if changed:
            audit_record(
                actor=actor,
                workshop=session.batik_class.workshop,
                action="booking.check_in_undo",
                target=booking,
                before={"status": BookingStatus.ATTENDED},
                after={"status": BookingStatus.CONFIRMED},
            )
    current = _reloaded(booking)
    if current.status != BookingStatus.CONFIRMED:
        raise BookingNotCheckable(current=current.status)
    return current


def session_no_shows_mark(*, session: ClassSession, actor: User) -> list[Booking]:
    """After the session ends, mark every booking still only confirmed as a no-show.

    Returns the bookings this call marked: a second call finds none. Their seats
    leave the counter, which only counts held, confirmed and attended bookings.
    """
    now = timezone.now()
    if now < session.ends_at:
        raise SessionNotOver()
    workshop = Workshop.objects.get(classes__sessions__pk=session.pk)
    with transaction.atomic():
        due = list(
            Booking.objects.select_for_update(skip_locked=True)
            .filter(session_id=session.pk, status=BookingStatus.CONFIRMED)
            .order_by("pk")
        )
        ids = [booking.pk for booking in due]
        Booking.objects.filter(pk__in=ids, status=BookingStatus.CONFIRMED).update(
            status=BookingStatus.NO_SHOW, no_show_at=now
        )
        if due:
            seats_release(seats_by_session=Counter({session.pk: sum(booking.seats for booking in due)}))
        for booking in due:
            audit_record(
                actor=actor,
                workshop=workshop,
                action="booking.no_show",
                target=booking,
                before={"status": BookingStatus.CONFIRMED},
                after={"status": BookingStatus.NO_SHOW},
            )
    for booking in due:
        booking.status, booking.no_show_at = BookingStatus.NO_SHOW, now
    return due
