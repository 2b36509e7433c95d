"""Sold out, known without the database: a full session's refusals answered from Redis.

When a popular class sells out, most of the requests that follow are refusals,
and each one read the session from PostgreSQL to say so. After a worker has
seen a session refuse, it writes a note in Redis: how many seats the session
had left and how many one booking may take. Later attempts that the note
already answers (more seats asked than it says are left) are refused from it.

A note only ever refuses; nothing is sold from it. It holds while:

- no seat of the session has been freed since: every release (a cancellation,
  an expiry, a repaired counter, bookings moved away) counts the session's
  release counter up after it commits, and the note carries the count read
  *before* the database was, so a release racing the note's writing voids it;
- the catalogue has not changed (its version, read the same way): a session
  cancelled, moved, given more seats or unpublished answers as before at once;
- the session's first hold has not run out (that hold gives its seats back at
  the next attempt that reaches the database) and the session has not started;
- at most NOTE_SECONDS: a release whose count Redis lost (Redis away at that
  moment) turns people away for no longer than that.

A worker asks Redis only about sessions it has itself seen refuse in the last
NOTE_SECONDS (a hint kept in the process): bookings of every other session pay
nothing for this. With Redis away, every attempt reads the database, as before.
"""

import time
from dataclasses import astuple, dataclass, fields
from datetime import datetime, timedelta

from bookings.services.hold_sql import BookableSession
from core.cache import CATALOGUE_VERSION_KEY, cache_count_up, cache_get_many, cache_set

NOTE_SECONDS = 10
# A release counter nobody moved for a day may go (its absence reads as 0, a change).
COUNTER_SECONDS = 24 * 3600
# Sessions this process saw refuse lately, with when to stop asking (time.monotonic()).
_refused_lately: dict[int, float] = {}
_HINTS_KEPT = 1000


@dataclass(frozen=True)
class Note:
    released: int
    version: int
    seats_left: int
    seats_per_booking_limit: int
    valid_until_ms: int


@dataclass(frozen=True)
class Watch:
    """What Redis says of a session, read before its database row."""

    note: Note | None
    released: int
    version: int

    def still_true(self, now: datetime) -> Note | None:
        """The note, if nothing has happened since that could have made it wrong."""
        note = self.note
        if (
            note is None
            or note.released != self.released
            or note.version != self.version
            or _ms(now) >= note.valid_until_ms
        ):
            return None
        return note


def _note_key(session_id: int) -> str:
    return f"sold-out:note:{session_id}"


def _released_key(session_id: int) -> str:
    return f"sold-out:released:{session_id}"


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def sold_out_watch(session_id: int) -> Watch | None:
    """Redis's word on a session this process saw refuse lately; None for any other."""
    until = _refused_lately.get(session_id)
    if until is None:
        return None
    if until < time.monotonic():
        _refused_lately.pop(session_id, None)
        return None
    found = cache_get_many([_note_key(session_id), _released_key(session_id), CATALOGUE_VERSION_KEY])
    stored = found.get(_note_key(session_id))
    return Watch(
        note=Note(*stored) if isinstance(stored, tuple) and len(stored) == len(fields(Note)) else None,
        released=int(found.get(_released_key(session_id)) or 0),
        version=int(found.get(CATALOGUE_VERSION_KEY) or 0),
    )


def sold_out_noted(*, session_id: int, found: BookableSession, watch: Watch | None, now: datetime) -> None:
    """The database just refused an attempt for lack of seats: remember it.

    The note needs the counts read before the database (`watch`); the first
    refusal a process sees only marks the session, so the next one reads them.
    """
    if len(_refused_lately) >= _HINTS_KEPT:
        _refused_lately.clear()
    _refused_lately[session_id] = time.monotonic() + NOTE_SECONDS
    if watch is None:
        return
    ends = [now + timedelta(seconds=NOTE_SECONDS), found.starts_at]
    if found.first_hold_expires_at is not None:
        ends.append(found.first_hold_expires_at)
    note = Note(
        released=watch.released,
        version=watch.version,
        seats_left=found.seats_left,
        seats_per_booking_limit=found.seats_per_booking_limit,
        valid_until_ms=_ms(min(ends)),
    )
    # Stored as plain numbers: a pickled class would not survive its next change.
    cache_set(_note_key(session_id), astuple(note), NOTE_SECONDS + 1)


def seats_freed(session_ids) -> None:
    """Seats of these sessions came free (after commit): their notes no longer hold."""
    cache_count_up([_released_key(pk) for pk in session_ids], timeout=COUNTER_SECONDS)


def sold_out_forget_hints() -> None:
    """Drop this process's hints (tests start from a clean slate)."""
    _refused_lately.clear()
