"""Writing a hold: take the seats, lock the holder, check the hold limit, insert the booking.

The same five statements run one of two ways:

- On PostgreSQL, as one call of the database function `canting_booking_hold`:
  one round trip and one statement's worth of work in Python, which profiling
  showed to be most of a booking's cost. Each statement inside a PL/pgSQL
  function takes its own snapshot (READ COMMITTED), so the hold count made after
  the holder's row lock sees every hold committed before it, exactly as the
  statements one by one would. A failure anywhere undoes the whole call.
- Elsewhere (SQLite, for `make run` without a server), one by one in a transaction.

The function is generated from the models and installed after every `migrate`
(`install_hold_function`, connected in BookingsConfig.ready), so it always
inserts the columns the models have. Tests run both ways on PostgreSQL.
"""

import json
from contextlib import nullcontext
from datetime import datetime
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from bookings.errors import SessionFull, TooManyHolds
from bookings.models import Booking, BookingLine, BookingStatus, HolderLock
from bookings.services.capacity import seats_take
from bookings.services.hold_sql import active_holds_count, fetch_prepared, holder_lock, rows_insert
from workshops.models import ClassSession, SessionStatus

FUNCTION = "canting_booking_hold"
# SQLSTATEs of our own (class "CT"), raised by the function.
_SESSION_FULL = "CT001"
_TOO_MANY_HOLDS = "CT002"


def _columns(model, *, skip_pk: bool = True) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if not (skip_pk and f.primary_key)]


def hold_function_sql(db: BaseDatabaseWrapper) -> str:
    q = db.ops.quote_name
    session, booking, line, holder = (
        q(m._meta.db_table) for m in (ClassSession, Booking, BookingLine, HolderLock)
    )
    booking_columns = ", ".join(q(c) for c in _columns(Booking))
    line_columns = [c for c in _columns(BookingLine) if c != BookingLine._meta.get_field("booking").column]
    line_insert = ", ".join(q(c) for c in [BookingLine._meta.get_field("booking").column, *line_columns])
    line_values = ", ".join(["v_id", *(q(c) for c in line_columns)])
    held = BookingStatus.HELD.value
    return f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(
    p_session bigint, p_seats integer, p_now timestamptz, p_holder text, p_user bigint, p_email text,
    p_max_holds integer, p_booking jsonb, p_lines jsonb
) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
    v_holds integer;
    v_id bigint;
BEGIN
    UPDATE {session} SET seats_taken = seats_taken + p_seats
     WHERE id = p_session AND status = '{SessionStatus.SCHEDULED.value}' AND starts_at > p_now
       AND capacity >= seats_taken + p_seats;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'session full' USING ERRCODE = '{_SESSION_FULL}';
    END IF;
    INSERT INTO {holder} ("key", touched_at) VALUES (p_holder, p_now)
        ON CONFLICT ("key") DO UPDATE SET touched_at = excluded.touched_at;
    -- The person's held bookings first (their own index), then which are still running:
    -- with the time test inside, PostgreSQL may instead walk every running hold.
    IF p_user IS NOT NULL THEN
        WITH mine AS MATERIALIZED (
            SELECT hold_expires_at FROM {booking} WHERE user_id = p_user AND status = '{held}'
        ) SELECT count(*) INTO v_holds FROM mine WHERE hold_expires_at > p_now;
    ELSE
        WITH mine AS MATERIALIZED (
            SELECT hold_expires_at FROM {booking}
             WHERE contact_email = p_email AND status = '{held}' AND user_id IS NULL
        ) SELECT count(*) INTO v_holds FROM mine WHERE hold_expires_at > p_now;
    END IF;
    IF v_holds >= p_max_holds THEN
        RAISE EXCEPTION 'too many holds' USING ERRCODE = '{_TOO_MANY_HOLDS}';
    END IF;
    INSERT INTO {booking} ({booking_columns})
        SELECT {booking_columns} FROM jsonb_populate_record(NULL::{booking}, p_booking)
        RETURNING id INTO v_id;
    INSERT INTO {line} ({line_insert})
        SELECT {line_values} FROM jsonb_populate_recordset(NULL::{line}, p_lines);
    RETURN v_id;
END
$fn$;
"""


def install_hold_function(using: str = DEFAULT_DB_ALIAS, **_kwargs) -> None:
    """(Re)create the function from the models as they are now; run after every migrate."""
    db = connections[using]
    if db.vendor != "postgresql":
        return
    with db.cursor() as cursor:
        cursor.execute(hold_function_sql(db))


def _uses_function(db: BaseDatabaseWrapper) -> bool:
    return db.vendor == "postgresql" and settings.CANTING_HOLD_IN_DATABASE


@cache
def _json_columns(model, skip: tuple[str, ...]) -> list[tuple[str, str]]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.column not in skip]
    # Text, numbers, booleans and datetimes only: jsonb_populate_record reads each into its column.
    if unfit := [f.name for f in fields if f.get_internal_type() not in _PLAIN_TYPES]:
        raise ImproperlyConfigured(f"hold_write cannot carry {model.__name__}.{unfit} through JSON as is")
    return [(f.column, f.attname) for f in fields]


_PLAIN_TYPES = {
    "CharField",
    "EmailField",
    "TextField",
    "BooleanField",
    "DateTimeField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "BigIntegerField",
    "SmallIntegerField",
}


def _row(obj, skip: tuple[str, ...] = ()) -> dict:
    row = {}
    for column, attname in _json_columns(type(obj), skip):
        value = getattr(obj, attname)
        row[column] = value.isoformat() if isinstance(value, datetime) else value
    return row


def hold_write(
    *,
    booking: Booking,
    lines: list[BookingLine],
    holder_key: str,
    user_id: int | None,
    email: str,
    now: datetime,
    max_holds: int,
) -> None:
    """Take the booking's seats and write it with its lines, or change nothing.

    Raises SessionFull (not enough seats, or the session stopped being bookable),
    TooManyHolds, or IntegrityError (a booking code already in use).
    """
    db = connections[DEFAULT_DB_ALIAS]
    if not _uses_function(db):
        _write_statement_by_statement(booking, lines, holder_key, user_id, email, now, max_holds)
        return
    line_skip = (BookingLine._meta.get_field("booking").column,)
    params = [
        booking.session_id,
        booking.seats,
        now,
        holder_key,
        user_id,
        email,
        max_holds,
        json.dumps(_row(booking)),
        json.dumps([_row(line, line_skip) for line in lines]),
    ]
    sql = f"SELECT {FUNCTION}(%s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb)"
    try:
        # Inside a caller's transaction, a savepoint keeps a refusal from spoiling it.
        with transaction.atomic() if db.in_atomic_block else nullcontext():
            ((booking_id,),) = fetch_prepared(sql, params)
    except DatabaseError as exc:
        state = getattr(exc.__cause__, "sqlstate", None)
        if state == _SESSION_FULL:
            raise SessionFull() from None
        if state == _TOO_MANY_HOLDS:
            raise TooManyHolds(TooManyHolds.default_message % {"limit": max_holds}) from None
        raise
    booking.pk = booking_id
    booking._state.adding = False
    booking._state.db = DEFAULT_DB_ALIAS
    for line in lines:
        line.booking = booking


def _write_statement_by_statement(booking, lines, holder_key, user_id, email, now, max_holds) -> None:
    with transaction.atomic():
        if not seats_take(session_id=booking.session_id, seats=booking.seats, now=now):
            raise SessionFull()
        holder_lock(key=holder_key, now=now)
        if active_holds_count(user_id=user_id, email=email, now=now) >= max_holds:
            raise TooManyHolds(TooManyHolds.default_message % {"limit": max_holds})
        rows_insert([booking])
        for line in lines:
            line.booking = booking
        rows_insert(lines)
