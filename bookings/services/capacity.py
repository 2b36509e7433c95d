"""The session seat counter: taken and released only by conditional UPDATEs."""

import logging
from collections import Counter
from datetime import datetime
from functools import partial

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from bookings.models import SEAT_HOLDING_STATUSES, Booking, CapacityRepair
from bookings.services.session_memory import seats_freed
from workshops.models import ClassSession, SessionStatus

logger = logging.getLogger(__name__)


# Every hold runs this: written out once rather than compiled per request (see hold_sql).
_TAKE_SQL = f"""
UPDATE {connection.ops.quote_name(ClassSession._meta.db_table)} SET seats_taken = seats_taken + %s
WHERE id = %s AND status = %s AND starts_at > %s AND capacity >= seats_taken + %s
"""


def seats_take(*, session_id: int, seats: int, now: datetime) -> bool:
    """Take `seats` in one statement, or nothing: the row is checked and changed at once.

    The database CHECK (seats_taken <= capacity) backs this up; two requests for
    the last seat are serialised by the row lock the UPDATE takes.
    """
    db = connections[DEFAULT_DB_ALIAS]
    moment = db.ops.adapt_datetimefield_value(now)
    with db.cursor() as cursor:
        cursor.execute(_TAKE_SQL, [seats, session_id, SessionStatus.SCHEDULED.value, moment, seats])
        return cursor.rowcount == 1


def seats_release(*, seats_by_session: Counter) -> None:
    """Give seats back, sessions locked in primary-key order so two releasers never deadlock."""
    if not seats_by_session:
        return
    session_ids = sorted(seats_by_session)
    transaction.on_commit(partial(seats_freed, session_ids))
    if len(session_ids) == 1:
        ClassSession.objects.filter(pk=session_ids[0]).update(
            seats_taken=F("seats_taken") - seats_by_session[session_ids[0]]
        )
        return
    list(ClassSession.objects.filter(pk__in=session_ids).order_by("pk").select_for_update().values_list("pk"))
    delta = Case(
        *(When(pk=pk, then=Value(seats_by_session[pk])) for pk in session_ids),
        default=Value(0),
        output_field=IntegerField(),
    )
    ClassSession.objects.filter(pk__in=session_ids).update(seats_taken=F("seats_taken") - delta)


def _active_seats():
    return Coalesce(
        Sum("bookings__seats", filter=Q(bookings__status__in=SEAT_HOLDING_STATUSES)),
        Value(0),
    )


def capacity_audit(*, now: datetime) -> list[CapacityRepair]:
    """Recount every future session's counter from its bookings and repair any difference.

    Each repair is logged, stored for coordinators (CapacityRepair) and returned.
    The recount and the fix happen under the session's row lock, so a booking
    cannot slip in between them.
    """
    repairs = []
    future = ClassSession.objects.filter(ends_at__gt=now).order_by("pk")
    mismatched = future.annotate(counted=_active_seats()).exclude(seats_taken=F("counted"))
    for session_id in mismatched.values_list("pk", flat=True):
        with transaction.atomic():
            session = ClassSession.objects.select_for_update().get(pk=session_id)
            counted = Booking.objects.filter(
                session_id=session_id, status__in=SEAT_HOLDING_STATUSES
            ).aggregate(n=Coalesce(Sum("seats"), 0))["n"]
            if counted == session.seats_taken:
                continue
            # Never write an impossible counter; a person has to look at that one.
            repairable = counted <= session.capacity
            if repairable:
                ClassSession.objects.filter(pk=session_id).update(seats_taken=counted)
                transaction.on_commit(partial(seats_freed, [session_id]))
            repair = CapacityRepair.objects.create(
                session=session,
                counter_before=session.seats_taken,
                counted=counted,
                repaired=repairable,
                found_at=now,
            )
            log = logger.warning if repairable else logger.error
            log(
                "capacity audit: session %s counter %s, bookings hold %s, repaired=%s",
                session_id,
                session.seats_taken,
                counted,
                repairable,
            )
            repairs.append(repair)
    return repairs
