"""Celery tasks of the bookings app: each loads by id, calls one service, and is safe to run twice."""

from celery import shared_task
from django.utils import timezone

from bookings.services.capacity import capacity_audit
from bookings.services.holds import holds_sweep
from bookings.services.idempotency import idempotency_records_purge
from bookings.services.outbox import outbox_deliver, outbox_sweep


@shared_task(acks_late=True, ignore_result=True)
def deliver_message(message_id: int) -> None:
    outbox_deliver(message_id=message_id)


@shared_task(ignore_result=True)
def sweep_expired_holds() -> int:
    return holds_sweep(now=timezone.now())


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    return outbox_sweep(now=timezone.now())


@shared_task(ignore_result=True)
def audit_capacity() -> int:
    return len(capacity_audit(now=timezone.now()))


@shared_task(ignore_result=True)
def purge_idempotency_keys() -> int:
    return idempotency_records_purge()
