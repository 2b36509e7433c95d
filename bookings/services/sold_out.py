"""Sold out, known without asking anyone: a full session's refusals answered in the process.

When a popular class sells out, most of the requests that follow are refusals,
and each one read the session from PostgreSQL to say so. So a process that sees
the database refuse an attempt for lack of seats keeps a note: how many seats
the session had left and how many one booking may take. Later attempts that the
note already answers (more seats asked than it says are left) are refused from
it, without a round trip to anyone.

A note only ever refuses; nothing is sold from it. It holds while:

- no seat of the session has been freed anywhere since: every release (a
  cancellation, an expiry, a repaired counter, bookings moved away) is announced
  on a Redis channel after it commits, and a listener thread in each process
  strikes the session's note out. A note is written only if no announcement at
  all arrived between reading the database and writing it (`Ticket`), so a
  release racing the note voids it;
- the catalogue has not changed (core.cache announces every change: a session
  cancelled, moved, given more seats, a class unpublished): all notes go;
- the listener is subscribed and has heard from Redis in the last
  TRUSTED_SECONDS (it pings every second): with Redis away or hung, nothing is
  announced, so nothing is refused from a note, and every attempt reads the
  database as before;
- the session's first hold has not run out (that hold gives its seats back at
  the next attempt that reaches the database) and the session has not started;
- at most NOTE_SECONDS: a release whose announcement was lost (Redis away for
  the releaser alone) turns people away for no longer than that.

Between a release committing and its announcement arriving (well under a
millisecond on one host) a note may still refuse, as a database read made a
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

NOTE_SECONDS = 10
PING_SECONDS = 1.0
TRUSTED_SECONDS = 2.5
RETRY_SECONDS = 1.0
FREED_CHANNEL = "seats-freed"
_NOTES_KEPT = 1000


@dataclass(frozen=True)
class Note:
    seats_left: int
    seats_per_booking_limit: int
    valid_until_ms: int


# What the database said before the attempt read it: whether a note may follow.
Ticket = int | None


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class _Listener:
    """A thread per process that hears of freed seats and catalogue changes, and strikes notes out."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.notes: dict[int, Note] = {}
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
        with self.lock:
            if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
                return
            self._forget()
            self._pid = os.getpid()
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._run, args=(self._stop,), name="sold-out-listener", daemon=True
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
            return  # no Redis cache: no announcements, so no notes
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
            except Exception as exc:  # noqa: BLE001 - Redis away: no notes until it is back
                logger.info("sold-out notes off: %s", exc)
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
                if message["data"] == len(channels):  # subscribed to both: notes may start
                    self.notes.clear()
                    self.sequence += 1
                    self.subscribed = True
            elif kind == "message":
                self.sequence += 1
                channel = message["channel"].decode()
                if channel == channels[0]:
                    for pk in message["data"].decode().split(","):
                        self.notes.pop(int(pk), None)
                else:
                    self.notes.clear()

    def _forget(self) -> None:
        self.subscribed = False
        self.notes.clear()
        self.sequence += 1


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


def sold_out_ticket() -> Ticket:
    """Taken before the database is read: a note may follow only if nothing was announced since."""
    return _listener.sequence if _listener.trusted() else None


def sold_out_noted(*, session_id: int, found: BookableSession, ticket: Ticket, now: datetime) -> None:
    """The database just refused an attempt for lack of seats: note it, if nothing changed since."""
    _listener.start()
    ends = [now + timedelta(seconds=NOTE_SECONDS), found.starts_at]
    if found.first_hold_expires_at is not None:
        ends.append(found.first_hold_expires_at)
    note = Note(found.seats_left, found.seats_per_booking_limit, _ms(min(ends)))
    with _listener.lock:
        if ticket is None or ticket != _listener.sequence or not _listener.trusted():
            return
        if len(_listener.notes) >= _NOTES_KEPT:
            _listener.notes.clear()
        _listener.notes[session_id] = note


def seats_freed(session_ids) -> None:
    """Seats of these sessions came free (call after commit): every process strikes its notes out."""
    if session_ids:
        cache_publish(FREED_CHANNEL, ",".join(str(pk) for pk in session_ids))


def sold_out_listening(timeout: float) -> bool:
    """Start this process's listener and wait until notes can be kept (tests, warm-up)."""
    _listener.start()
    deadline = time.monotonic() + timeout
    while not _listener.trusted():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def sold_out_forget() -> None:
    """Drop this process's notes (tests start from a clean slate)."""
    with _listener.lock:
        _listener.notes.clear()
        _listener.sequence += 1


def sold_out_stop() -> None:
    """Stop this process's listener (tests that change the cache's Redis)."""
    _listener.stop()
