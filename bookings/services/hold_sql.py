"""The statements of a hold, written out in SQL once.

A hold is Canting's busiest write. Profiling it (`python -m bench.profile_paths`)
showed that most of its time went to the ORM compiling the same few queries on
every request, not to PostgreSQL answering them. So the hot path's statements
are built here once, at import, from the models' own table and column names,
and every value travels as a parameter. They are plain SQL that both PostgreSQL
and SQLite (3.35 or newer, for RETURNING) run.

What the statements return becomes ordinary model instances (`Model.from_db`,
as `.only()` would give): a field that was not read is loaded on first use,
never silently wrong.
"""

from datetime import UTC, datetime
from functools import cache, cached_property

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.dateparse import parse_datetime
from modeltranslation.utils import build_localized_fieldname

from bookings.models import Booking, BookingStatus, HolderLock
from tourism.models import Village
from workshops.models import BatikClass, ClassSession, PriceTier, Workshop


def _translated(name: str) -> list[str]:
    return [name] + [build_localized_fieldname(name, lang) for lang in settings.MODELTRANSLATION_LANGUAGES]


# What a hold and its answer need of each model, as attribute names (field.attname).
_SESSION_FIELDS = ["id", "batik_class_id", "starts_at", "ends_at", "capacity", "seats_taken", "status"]
_CLASS_FIELDS = [
    "id",
    "workshop_id",
    "slug",
    *_translated("title"),
    "cancellation_hours",
    "max_participants",
    "max_seats_per_booking",
    "payment_methods",
]
_WORKSHOP_FIELDS = [
    "id",
    "name",
    "address",
    "hold_minutes",
    "payment_methods",
    "bank_name",
    "bank_account_number",
    "bank_account_holder",
]
_TIER_FIELDS = ["id", "batik_class_id", *_translated("label"), "amount", "position"]


def _ordered(model: type[models.Model], attnames: list[str]) -> list[models.Field]:
    """The fields in the model's own order, which `Model.from_db` expects its values in."""
    wanted = set(attnames)
    return [field for field in model._meta.concrete_fields if field.attname in wanted]


_READ_PLAN = [
    ("s", ClassSession, _ordered(ClassSession, _SESSION_FIELDS)),
    ("c", BatikClass, _ordered(BatikClass, _CLASS_FIELDS)),
    ("w", Workshop, _ordered(Workshop, _WORKSHOP_FIELDS)),
    ("t", PriceTier, _ordered(PriceTier, _TIER_FIELDS)),
]


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(alias: str, model: type[models.Model], attname: str) -> str:
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    return f"{alias}.{connection.ops.quote_name(field.column)}"


def _select_list() -> str:
    return ", ".join(
        f"{alias}.{connection.ops.quote_name(field.column)}"
        for alias, _model, fields in _READ_PLAN
        for field in fields
    )


# The session, its class, workshop and price tiers, and when its first hold runs out
# (an expired hold still sits on its seats until released): one row per tier (a class
# has one to a few), in one round trip.
_READ_SQL = f"""
SELECT {_select_list()},
       (SELECT MIN({_column("b", Booking, "hold_expires_at")}) FROM {_table(Booking)} b
         WHERE {_column("b", Booking, "session_id")} = {_column("s", ClassSession, "id")}
           AND {_column("b", Booking, "status")} = %s)
FROM {_table(ClassSession)} s
JOIN {_table(BatikClass)} c
  ON {_column("c", BatikClass, "id")} = {_column("s", ClassSession, "batik_class_id")}
JOIN {_table(Workshop)} w
  ON {_column("w", Workshop, "id")} = {_column("c", BatikClass, "workshop_id")}
JOIN {_table(Village)} v
  ON {_column("v", Village, "id")} = {_column("w", Workshop, "village_id")}
LEFT JOIN {_table(PriceTier)} t
  ON {_column("t", PriceTier, "batik_class_id")} = {_column("c", BatikClass, "id")}
WHERE {_column("s", ClassSession, "id")} = %s
  AND {_column("c", BatikClass, "is_published")} = %s
  AND {_column("w", Workshop, "is_published")} = %s
  AND {_column("v", Village, "is_published")} = %s
ORDER BY {_column("t", PriceTier, "position")}, {_column("t", PriceTier, "id")}
"""

_LOCK_HOLDER_SQL = f"""
INSERT INTO {_table(HolderLock)} ("key", touched_at) VALUES (%s, %s)
ON CONFLICT ("key") DO UPDATE SET touched_at = excluded.touched_at
"""

# The person's held bookings (their own index), then which are still running; with the
# time test among the others PostgreSQL may walk every running hold instead.
_ACTIVE_HOLDS_SQL = f"""
WITH mine AS MATERIALIZED (
    SELECT hold_expires_at FROM {_table(Booking)} WHERE status = %s AND {{holder}}
) SELECT COUNT(*) FROM mine WHERE hold_expires_at > %s
"""
_BY_USER = _ACTIVE_HOLDS_SQL.format(holder="user_id = %s")
_BY_EMAIL = _ACTIVE_HOLDS_SQL.format(holder="user_id IS NULL AND contact_email = %s")


def _aware(value):
    # SQLite hands back naive UTC datetimes; PostgreSQL aware ones.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _converters(db: BaseDatabaseWrapper, model: type[models.Model], fields: list[models.Field]) -> list:
    """Per field, what the ORM's compiler would apply to a raw value (JSON, SQLite's dates and booleans)."""
    key = (db.vendor, model, tuple(f.attname for f in fields))
    if key not in _CONVERTERS:
        found = []
        for field in fields:
            column = field.get_col(model._meta.db_table)
            found.append((column, db.ops.get_db_converters(column) + column.get_db_converters(db)))
        _CONVERTERS[key] = found
    return _CONVERTERS[key]


_CONVERTERS: dict = {}


def _instance(model: type[models.Model], fields: list[models.Field], values: tuple) -> models.Model:
    db = _db()
    converted = []
    for value, (column, converters) in zip(values, _converters(db, model, fields), strict=True):
        for convert in converters:
            value = convert(value, column, db)
        converted.append(value)
    return model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in fields], converted)


def _db() -> BaseDatabaseWrapper:
    # The hot path looks the connection up once per statement: every `connection.x`
    # goes through a context-local lookup of its own.
    return connections[DEFAULT_DB_ALIAS]


def db_time(moment: datetime, db: BaseDatabaseWrapper | None = None):
    return (db or _db()).ops.adapt_datetimefield_value(moment)


def _split(row: tuple) -> dict[str, tuple]:
    parts, start = {}, 0
    for alias, _model, fields in _READ_PLAN:
        parts[alias] = row[start : start + len(fields)]
        start += len(fields)
    return parts


def _position(alias: str, attname: str) -> int:
    start = 0
    for plan_alias, _model, fields in _READ_PLAN:
        if plan_alias == alias:
            return start + [f.attname for f in fields].index(attname)
        start += len(fields)
    raise KeyError(attname)


class _Limits:
    """Just the class values its seat limit needs, to ask the model's own rule."""

    def __init__(self, max_seats_per_booking: int | None, max_participants: int) -> None:
        self.max_seats_per_booking = max_seats_per_booking
        self.max_participants = max_participants


class BookableSession:
    """A session as a hold reads it: what decides a refusal first, model instances on demand.

    Most requests for a full class are refused on `status`, `starts_at` and
    `seats_left` alone, so the session, its class, workshop and tiers become
    model instances only when the hold goes ahead.
    """

    _STATUS = _position("s", "status")
    _STARTS_AT = _position("s", "starts_at")
    _CAPACITY = _position("s", "capacity")
    _SEATS_TAKEN = _position("s", "seats_taken")
    _MAX_SEATS = _position("c", "max_seats_per_booking")
    _MAX_PARTICIPANTS = _position("c", "max_participants")

    def __init__(self, rows: list[tuple], now: datetime) -> None:
        self.rows = rows
        first = rows[0]
        self.status: str = first[self._STATUS]
        self.starts_at: datetime = _aware(first[self._STARTS_AT])
        self.seats_left: int = first[self._CAPACITY] - first[self._SEATS_TAKEN]
        self.seats_per_booking_limit: int = BatikClass.seats_per_booking_limit.fget(
            _Limits(first[self._MAX_SEATS], first[self._MAX_PARTICIPANTS])
        )
        earliest = first[-1]
        if isinstance(earliest, str):  # SQLite gives MIN() of a datetime column back as text
            earliest = parse_datetime(earliest)
        self.first_hold_expires_at: datetime | None = _aware(earliest) if earliest else None
        self.has_overdue_holds = earliest is not None and self.first_hold_expires_at <= now

    @cached_property
    def session(self) -> ClassSession:
        """The session, with its class and the class's workshop."""
        parts = _split(self.rows[0])
        session = _instance(ClassSession, _READ_PLAN[0][2], parts["s"])
        session.batik_class = _instance(BatikClass, _READ_PLAN[1][2], parts["c"])
        session.batik_class.workshop = _instance(Workshop, _READ_PLAN[2][2], parts["w"])
        return session

    @cached_property
    def tiers(self) -> list[PriceTier]:
        """The class's price tiers by position."""
        batik_class = self.session.batik_class
        tiers = []
        for row in self.rows:
            values = _split(row)["t"]
            if values[0] is not None:
                tier = _instance(PriceTier, _READ_PLAN[3][2], values)
                tier.batik_class = batik_class
                tiers.append(tier)
        return tiers


_NEVER_AUTOMATICALLY = 2**31 - 1


def fetch_prepared(sql: str, params: list) -> list[tuple]:
    """Run one hot-path statement and return its rows.

    On PostgreSQL as a prepared statement, with the values bound on the server:
    planning the session read's joins took PostgreSQL several times longer than
    running it, and a prepared statement is planned once per connection.
    Django's cursor still opens the connection and checks its health.
    """
    db = _db()
    with db.cursor() as cursor:
        if db.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchall()
        connection = db.connection
        if connection.prepare_threshold is None:
            # Django turns psycopg's statement preparing off; its own (client-side)
            # cursors never prepare, so this only lets `prepare=True` below work.
            connection.prepare_threshold = _NEVER_AUTOMATICALLY
        with db.wrap_database_errors, psycopg.Cursor(connection) as bound:
            bound.execute(sql, params, prepare=True)
            return bound.fetchall()


def bookable_session_read(*, session_id: int, now: datetime) -> BookableSession | None:
    """The session of a published class, workshop and village, or None."""
    rows = fetch_prepared(_READ_SQL, [BookingStatus.HELD.value, session_id, True, True, True])
    return BookableSession(rows, now) if rows else None


def holder_lock(*, key: str, now: datetime) -> None:
    """Create or row-lock the holder's row: one person's concurrent holds queue here."""
    db = _db()
    with db.cursor() as cursor:
        cursor.execute(_LOCK_HOLDER_SQL, [key, db_time(now, db)])


def active_holds_count(*, user_id: int | None, email: str, now: datetime) -> int:
    sql, holder = (_BY_USER, user_id) if user_id is not None else (_BY_EMAIL, email)
    db = _db()
    with db.cursor() as cursor:
        cursor.execute(sql, [BookingStatus.HELD.value, holder, db_time(now, db)])
        return cursor.fetchone()[0]


@cache
def _insert_plan(model: type[models.Model], rows: int) -> tuple[str, list[models.Field], list[models.Field]]:
    """The INSERT for `rows` new rows of `model`, its fields, and those that set themselves (auto_now)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {_table(model)} ({columns}) VALUES {', '.join([row] * rows)}"
        f" RETURNING {connection.ops.quote_name(model._meta.pk.column)}"
    )
    self_setting = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    return sql, fields, self_setting


def rows_insert(objects: list[models.Model]) -> None:
    """INSERT … RETURNING id for new instances of one model, setting their primary keys.

    What `bulk_create` does for these plain rows, without compiling it each time.
    """
    db = _db()
    sql, fields, self_setting = _insert_plan(type(objects[0]), len(objects))
    for obj in objects:
        for field in self_setting:
            field.pre_save(obj, add=True)
    params = [f.get_db_prep_save(getattr(obj, f.attname), db) for obj in objects for f in fields]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [pk for (pk,) in cursor.fetchall()]
    # PostgreSQL and SQLite return the rows of a multi-row INSERT in the order given.
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS
