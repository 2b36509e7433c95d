"""What a process remembers of sessions between bookings, struck out through Redis.

Two memories, both kept in the process (no round trip to anyone), both trusted
only while a listener thread hears Redis's announcements:

**The session as the catalogue has it** (`session_rows_recalled`): the session,
its class, workshop and price tiers as the hold's read returns them. A booking
of a session read a moment ago goes straight to the hold function, whose own
UPDATE checks what may have moved since (scheduled, not started, seats left);
its class, prices and publication come from here. Every catalogue change (core.cache
announces them: a session cancelled or moved, a class edited or unpublished, a
price changed) forgets every session.

**Sold out** (`sold_out_note`): when a popular class sells out, most of the
requests that follow are refusals. A process that sees the database refuse an
attempt for lack of seats keeps a note: how many seats were left and how many
one booking may take. Later attempts the note already answers (more seats asked
than it says are left) are refused from it. A note only ever refuses; nothing
is sold from it. Every release of seats (a cancellation, an expiry, a repaired
counter, bookings moved away) is announced after it commits and strikes the
session's note out; so does any catalogue change.

Both hold only while:

- nothing was announced between reading the database and remembering
  (`Ticket`), so a change racing the read voids what it read;
- the listener is subscribed and has heard from Redis in the last
  TRUSTED_SECONDS (it pings every second): with Redis away or hung nothing is
  announced, so nothing is remembered or recalled, and every booking reads the
  database as before;
- at most MEMORY_SECONDS: a change whose announcement was lost (Redis away for
  the one who changed it) or made outside the services (the admin) shows within
  that. A note also ends when the session's first hold runs out (that hold gives
  its seats back at the next attempt that reaches the database) or it starts.

Between a change committing and its announcement arriving (well under a
millisecond on one host) the memory may still answer, as a database read made a
moment earlier would have.
"""

import contextlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from bookings.services.hold_sql import BookableSession
from core.cache import CATALOGUE_CHANNEL, cache_publish, redis_channel, redis_pubsub

logger = logging.getLogger(__name__)

MEMORY_SECONDS = 10
PING_SECONDS = 1.0
TRUSTED_SECONDS = 2.5
RETRY_SECONDS = 1.0
FREED_CHANNEL = "seats-freed"
_KEPT = 1000  # sessions remembered at most, per memory


@dataclass(frozen=True)
class Note:
    seats_left: int
    seats_per_booking_limit: int
    valid_until_ms: int


@dataclass(frozen=True)
class _Remembered:
    rows: list[tuple]
    valid_until: float  # time.monotonic()


# Taken before the database is read: the read may be remembered only if nothing was announced since.
Ticket = int | None


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class _Listener:
    """A thread per process that hears of freed seats and catalogue changes, and strikes notes out."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.notes: dict[int, Note] = {}
        self.sessions: dict[int, _Remembered] = {}
        self.sequence = 0  # moves on every announcement, (re)subscription and loss of Redis
        self.subscribed = False
        self.heard_at = 0.0
        self._pid = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # --- the booking's side (any thread) ---

    def trusted(self) -> bool:
        return self.subscribed and time.monotonic() - self.heard_at < TRUSTED_SECONDS

    def start(self) -> None:
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        if redis_channel(FREED_CHANNEL) is None:
            return  # no Redis cache (SQLite for `make run`): nothing is announced, nothing remembered
        with self.lock:
            if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
                return
            self._forget()
            self._pid = os.getpid()
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._run, args=(self._stop,), name="session-memory-listener", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None:
            thread.join(timeout=5)
        with self.lock:
            self._forget()

    # --- the listener thread ---

    def _run(self, stop: threading.Event) -> None:
        channels = [redis_channel(FREED_CHANNEL), redis_channel(CATALOGUE_CHANNEL)]
        if None in channels:
            return  # the cache changed under a test
        while not stop.is_set():
            pubsub = None
            try:
                pubsub = redis_pubsub()
                pubsub.subscribe(*channels)
                pinged = 0.0
                while not stop.is_set():
                    if time.monotonic() - pinged >= PING_SECONDS:
                        pubsub.ping()
                        pinged = time.monotonic()
                    message = pubsub.get_message(timeout=PING_SECONDS / 2)
                    if message is not None:
                        self._heard(message, channels)
                    elif self.subscribed and time.monotonic() - self.heard_at > TRUSTED_SECONDS:
                        # A hung Redis: what was announced meanwhile is lost, so forget
                        # everything and subscribe afresh once it answers again.
                        raise ConnectionError("Redis stopped answering")
            except Exception as exc:  # noqa: BLE001 - Redis away: no notes until it is back
                logger.info("session memory off (Redis unheard): %s", exc)
            finally:
                with self.lock:
                    self._forget()
                if pubsub is not None:
                    # Closing a connection that already failed may fail too.
                    with contextlib.suppress(Exception):
                        pubsub.close()
            stop.wait(RETRY_SECONDS)

    def _heard(self, message: dict, channels: list[str]) -> None:
        kind = message["type"]
        with self.lock:
            self.heard_at = time.monotonic()
            if kind == "subscribe":
                if message["data"] == len(channels):  # subscribed to both: memories may start
                    self._forget()
                    self.subscribed = True
            elif kind == "message":
                self.sequence += 1
                channel = message["channel"].decode()
                if channel == channels[0]:
                    for pk in message["data"].decode().split(","):
                        self.notes.pop(int(pk), None)
                else:
                    self.notes.clear()
                    self.sessions.clear()

    def _forget(self) -> None:
        self.subscribed = False
        self.notes.clear()
        self.sessions.clear()
        self.sequence += 1

    def keep(self, memory: dict, key: int, value, ticket: Ticket) -> None:
        self.start()
        with self.lock:
            if ticket is None or ticket != self.sequence or not self.trusted():
                return
            if len(memory) >= _KEPT:
                memory.clear()
            memory[key] = value


_listener = _Listener()


def sold_out_note(session_id: int, now: datetime) -> Note | None:
    """This process's note on a session, if it still holds."""
    note = _listener.notes.get(session_id)
    if note is None:
        return None
    if not _listener.trusted() or _ms(now) >= note.valid_until_ms:
        _listener.notes.pop(session_id, None)
        return None
    return note


def memory_ticket() -> Ticket:
    """Taken before reading the database: what is read may be kept if nothing is announced meanwhile."""
    return _listener.sequence if _listener.trusted() else None


def sold_out_noted(*, session_id: int, found: BookableSession, ticket: Ticket, now: datetime) -> None:
    """The database just refused an attempt for lack of seats: note it, if nothing changed since."""
    ends = [now + timedelta(seconds=MEMORY_SECONDS), found.starts_at]
    if found.first_hold_expires_at is not None:
        ends.append(found.first_hold_expires_at)
    note = Note(found.seats_left, found.seats_per_booking_limit, _ms(min(ends)))
    _listener.keep(_listener.notes, session_id, note, ticket)


def session_rows_recalled(session_id: int) -> list[tuple] | None:
    """The hold's read of this session, as remembered (its seat figures may have moved since)."""
    remembered = _listener.sessions.get(session_id)
    if remembered is None:
        return None
    if not _listener.trusted() or time.monotonic() >= remembered.valid_until:
        _listener.sessions.pop(session_id, None)
        return None
    return remembered.rows


def session_rows_read(session_id: int, rows: list[tuple], ticket: Ticket) -> None:
    """Remember the hold's read of a session, if nothing was announced since `ticket`."""
    remembered = _Remembered(rows, time.monotonic() + MEMORY_SECONDS)
    _listener.keep(_listener.sessions, session_id, remembered, ticket)


def seats_freed(session_ids) -> None:
    """Seats of these sessions came free (call after commit): every process strikes its notes out."""
    if session_ids:
        cache_publish(FREED_CHANNEL, ",".join(str(pk) for pk in session_ids))


def memory_listening(timeout: float) -> bool:
    """Start this process's listener and wait until it may remember (tests, warm-up)."""
    _listener.start()
    deadline = time.monotonic() + timeout
    while not _listener.trusted():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def memory_forget() -> None:
    """Drop what this process remembers (tests start from a clean slate)."""
    with _listener.lock:
        _listener.notes.clear()
        _listener.sessions.clear()
        _listener.sequence += 1


def memory_stop() -> None:
    """Stop this process's listener (tests that change the cache's Redis)."""
    _listener.stop()
