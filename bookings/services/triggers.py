"""Work started after a commit: moving a session's waitlist when its seats come free.

Publishing happens after commit and never raises (the broker may be away); the
periodic waitlist sweep finds what a trigger missed.
"""

import logging
from collections.abc import Iterable

from django.db import transaction

from core.breaker import broker_breaker

logger = logging.getLogger(__name__)


def waitlist_advance_after_commit(*, session_ids: Iterable[int]) -> None:
    """Ask a worker to offer the freed seats of these sessions once the transaction commits."""
    ids = sorted(set(session_ids))
    if ids:
        transaction.on_commit(lambda: waitlist_advance_publish(session_ids=ids))


def waitlist_advance_publish(*, session_ids: list[int]) -> int:
    """Hand one advance task per session to the broker; what fails is left to the sweep."""
    from bookings.tasks import advance_waitlist

    if broker_breaker.is_open():
        return 0
    published = 0
    for session_id in session_ids:
        try:
            advance_waitlist.apply_async(args=[session_id], retry=False)
        except Exception as exc:  # noqa: BLE001 - a broker outage must not fail the cancellation
            broker_breaker.failed()
            logger.warning("waitlist: broker unavailable, session %s left to the sweep: %s", session_id, exc)
            break
        published += 1
    return published
