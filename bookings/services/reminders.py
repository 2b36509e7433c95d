"""Reminders to guests: the day before at 09:00 WIB (caught up until noon), and 2 hours before the start.

Each is sent at most once per booking: the outbox row is the sent-marker, and a
unique constraint on (booking, kind) for reminder kinds means two sweeps racing
queue it once. Their times follow from the session's start (indexed), so the
sweep finds them with a range query. A booking confirmed after a reminder's
time does not get it late: it just had its confirmation. Nor does a session
still waiting for its go/no-go decision: "going ahead" is its guests' message.
"""

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from bookings.models import Booking, BookingStatus, MessageKind, OutboxMessage
from bookings.services.outbox import outbox_publish
from core.timezones import WIB, wib_date, wib_day_end, wib_day_start
from workshops.models import SessionDecision, SessionStatus

# The day-before reminder goes out in the morning in Singkawang, never at night.
DAY_BEFORE_AT = time(9, 0)
# Sweeps catch up until noon (a worker that was down); later it is no longer a morning reminder.
DAY_BEFORE_UNTIL = time(12, 0)
SOON_BEFORE = timedelta(hours=2)


def _remindable(kind: MessageKind) -> QuerySet[Booking]:
    """Confirmed bookings of scheduled sessions not yet reminded of `kind`.

    A session whose go/no-go is still open (a minimum above one, not yet "go") is
    left out: a guest should not read "see you tomorrow" hours before hearing it is
    cancelled. Its guests hear "going ahead" at the decision instead.
    """
    undecided = Q(session__batik_class__min_participants__gt=1) & ~Q(session__decision=SessionDecision.GO)
    return (
        Booking.objects.filter(status=BookingStatus.CONFIRMED, session__status=SessionStatus.SCHEDULED)
        .exclude(undecided)
        .exclude(messages__kind=kind)
    )


def _queue_once(booking_ids: Iterable[int], kind: MessageKind, now: datetime) -> int:
    """One message per booking; a booking another sweep reminded meanwhile is skipped by the constraint."""
    queued = []
    with transaction.atomic():
        for booking_id in booking_ids:
            try:
                with transaction.atomic():
                    queued.append(
                        OutboxMessage.objects.create(kind=kind, booking_id=booking_id, created_at=now).pk
                    )
            except IntegrityError:
                continue
        if queued:
            transaction.on_commit(lambda: outbox_publish(message_ids=queued))
    return len(queued)


def day_before_reminders_send(*, now: datetime) -> int:
    """Between 09:00 and noon WIB, remind every guest of tomorrow's (WIB) sessions who booked before 09:00."""
    local = now.astimezone(WIB)
    if not DAY_BEFORE_AT <= local.time() < DAY_BEFORE_UNTIL:
        return 0
    due_at = datetime.combine(local.date(), DAY_BEFORE_AT, tzinfo=WIB)
    tomorrow = wib_date(now) + timedelta(days=1)
    bookings = (
        _remindable(MessageKind.REMINDER_DAY_BEFORE)
        .filter(
            session__starts_at__gte=wib_day_start(tomorrow),
            session__starts_at__lt=wib_day_end(tomorrow),
            confirmed_at__lte=due_at,
        )
        # "Going ahead" in the last day already told them: no second message for the same news.
        .exclude(
            messages__kind=MessageKind.SESSION_GOING_AHEAD,
            messages__created_at__gte=now - timedelta(days=1),
        )
    )
    return _queue_once(
        bookings.order_by("pk").values_list("pk", flat=True), MessageKind.REMINDER_DAY_BEFORE, now
    )


def soon_reminders_send(*, now: datetime) -> int:
    """Remind the guests of sessions starting within 2 hours who booked before that point."""
    bookings = _remindable(MessageKind.REMINDER_SOON).filter(
        session__starts_at__gt=now,
        session__starts_at__lte=now + SOON_BEFORE,
        confirmed_at__lte=F("session__starts_at") - SOON_BEFORE,
    )
    return _queue_once(bookings.order_by("pk").values_list("pk", flat=True), MessageKind.REMINDER_SOON, now)


def reminders_send(*, now: datetime | None = None) -> int:
    """Queue every reminder due by `now`; safe to run any number of times. Returns how many were queued."""
    now = now or timezone.now()
    return day_before_reminders_send(now=now) + soon_reminders_send(now=now)
