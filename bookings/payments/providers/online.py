"""What the two gateway providers share: how long the gateway keeps a payment open, refund keys."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from bookings.payments.models import Payment


def gateway_expiry(payment: Payment, now: datetime) -> tuple[int, datetime]:
    """Whole minutes the gateway keeps the payment open, and when that ends.

    Rounded down (give or take the few seconds since the expiry was proposed), so
    the gateway gives up no later than the hold kept for it; at least one minute,
    the shortest a gateway accepts.
    """
    proposed = payment.expires_at or now + timedelta(minutes=settings.PAYMENT_GATEWAY_EXPIRY_MINUTES)
    minutes = max(1, int(((proposed - now).total_seconds() + 5) // 60))
    return minutes, now + timedelta(minutes=minutes)


def refund_key(payment: Payment, amount: int) -> str:
    # The running total makes a retry of the same refund the same key (never a second refund),
    # while a later, further refund gets a new one.
    return f"{payment.order_id}-refund-{payment.refunded_amount + amount}"
