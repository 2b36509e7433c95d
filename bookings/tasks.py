"""Celery tasks of the bookings app: each loads by id, calls one service, and is safe to run twice."""

from celery import shared_task
from django.utils import timezone

from bookings.services.capacity import capacity_audit
from bookings.services.digests import digests_send
from bookings.services.go_no_go import sessions_decide
from bookings.services.holds import holds_sweep
from bookings.services.idempotency import idempotency_records_purge
from bookings.services.outbox import outbox_deliver, outbox_sweep
from bookings.services.privacy import personal_data_retention_sweep
from bookings.services.reminders import reminders_send
from bookings.services.waitlist import waitlist_advance, waitlist_sweep


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


@shared_task(acks_late=True, ignore_result=True)
def advance_waitlist(session_id: int) -> int:
    """Offer a session's freed seats to its waitlist (published after the commit that freed them)."""
    return len(waitlist_advance(session_id=session_id, now=timezone.now()))


@shared_task(ignore_result=True)
def sweep_waitlists() -> int:
    return waitlist_sweep(now=timezone.now())


@shared_task(ignore_result=True)
def decide_sessions() -> int:
    """Go/no-go: decide the sessions whose cutoff (start − go_no_go_hours) has passed."""
    return sessions_decide(now=timezone.now())


@shared_task(ignore_result=True)
def send_reminders() -> int:
    """The day-before (09:00 WIB) and 2-hours-before reminders that are due."""
    return reminders_send(now=timezone.now())


@shared_task(ignore_result=True)
def send_daily_digests() -> int:
    """Each workshop's 7-day digest to its owners, from 07:00 WIB, once a day."""
    return digests_send(now=timezone.now())


@shared_task(ignore_result=True)
def erase_expired_personal_data() -> int:
    """UU PDP: erase guests' contacts PERSONAL_DATA_RETENTION_DAYS after their session (in batches)."""
    return personal_data_retention_sweep(now=timezone.now())


@shared_task(acks_late=True, ignore_result=True)
def refund_payment(payment_id: int) -> str:
    """Make a gateway refund owed (published after the commit that owed it)."""
    from bookings.payments.services import payment_refund_process

    return payment_refund_process(payment_id=payment_id).status


@shared_task(ignore_result=True)
def sweep_refunds() -> int:
    """Gateway refunds still owed (the broker was away, the gateway refused): try again."""
    from bookings.payments.services import payment_refunds_sweep

    return payment_refunds_sweep(now=timezone.now())
