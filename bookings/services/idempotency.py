"""Idempotency-Key: the first answer to a request is the answer to all its repeats.

A key is claimed in a short transaction of its own, so a twin request arriving
while the first is still working sees the claim and gets a 409 instead of
doing the work again. The answer is stored in the same transaction as the
work itself, so a committed booking always has its stored answer.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.errors import IdempotencyInFlight, IdempotencyKeyReused
from bookings.models import IdempotencyRecord, IdempotencyState
from core.errors import DomainError

# Keys are kept at least this long (the daily cleanup removes older ones).
KEY_TTL = timedelta(hours=24)
# A claim this old belongs to a request that died; a repeat may take it over.
STALE_CLAIM = timedelta(minutes=2)


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    replayed: bool = False


def request_fingerprint(*, method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def _claim(*, scope: str, key: str, fingerprint: str) -> IdempotencyRecord | Answer:
    now = timezone.now()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                state=IdempotencyState.IN_FLIGHT,
                created_at=now,
            )
    except IntegrityError:
        pass
    existing = IdempotencyRecord.objects.get(scope=scope, key=key)
    if existing.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if existing.state == IdempotencyState.DONE:
        return Answer(existing.response_status, existing.response_body, replayed=True)
    # In flight. If the first request died long ago, this repeat takes its place.
    taken_over = IdempotencyRecord.objects.filter(
        pk=existing.pk, state=IdempotencyState.IN_FLIGHT, created_at__lte=now - STALE_CLAIM
    ).update(created_at=now)
    if not taken_over:
        raise IdempotencyInFlight()
    return existing


def _store(record: IdempotencyRecord, answer: Answer) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyState.DONE, response_status=answer.status, response_body=answer.body
    )


def idempotent_call(
    *,
    scope: str,
    key: str,
    fingerprint: str,
    action: Callable[[], Answer],
    error_answer: Callable[[DomainError], Answer],
) -> Answer:
    """Run `action` once per (scope, key); repeats get the stored answer.

    A refusal (a DomainError, such as a full session) is an answer too and is
    replayed as such. An unexpected failure releases the key so the client can retry.
    """
    claimed = _claim(scope=scope, key=key, fingerprint=fingerprint)
    if isinstance(claimed, Answer):
        return claimed
    try:
        with transaction.atomic():
            answer = action()
            _store(claimed, answer)
            return answer
    except DomainError as refusal:
        answer = error_answer(refusal)
        _store(claimed, answer)
        return answer
    except BaseException:
        IdempotencyRecord.objects.filter(pk=claimed.pk, state=IdempotencyState.IN_FLIGHT).delete()
        raise


def idempotency_records_purge(*, now=None) -> int:
    """Forget keys older than KEY_TTL."""
    now = now or timezone.now()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=now - KEY_TTL).delete()
    return deleted
