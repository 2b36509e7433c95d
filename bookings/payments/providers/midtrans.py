"""Midtrans Snap: a transaction per payment, the tourist pays on Midtrans's page (QRIS, VA, e-wallets)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation

from bookings.payments.gateways.midtrans import MidtransClient
from bookings.payments.models import Payment, PaymentMethod
from bookings.payments.providers.base import Checkout
from bookings.payments.providers.online import gateway_expiry, refund_key


def midtrans_client() -> MidtransClient:
    """A client from the current settings (read at each call, so tests and deployments can change them)."""
    return MidtransClient(
        server_key=settings.MIDTRANS_SERVER_KEY,
        snap_url=settings.MIDTRANS_SNAP_URL,
        api_url=settings.MIDTRANS_API_URL,
        timeout=settings.PAYMENT_GATEWAY_TIMEOUT,
    )


class MidtransProvider:
    method = PaymentMethod.MIDTRANS.value

    def start(self, *, payment: Payment) -> Checkout:
        from bookings.payments.services import payment_finish_url

        now = timezone.now()
        minutes, expires_at = gateway_expiry(payment, now)
        booking = payment.booking
        snap = midtrans_client().create_transaction(
            order_id=payment.order_id,
            gross_amount=payment.amount,
            expiry_minutes=minutes,
            customer={
                "first_name": booking.contact_name[:255],
                "email": booking.contact_email,
                "phone": booking.contact_phone,
            },
            items=self._items(payment),
            finish_url=payment_finish_url(payment),
        )
        return Checkout(redirect_url=snap.redirect_url, reference=snap.token, expires_at=expires_at)

    def refund(self, *, payment: Payment, amount: int, reason: str) -> str:
        refund = midtrans_client().refund(
            order_id=payment.order_id, amount=amount, reason=reason, refund_key=refund_key(payment, amount)
        )
        return refund.refund_key

    def _items(self, payment: Payment) -> list[dict]:
        """One line per price tier; Midtrans refuses items that do not add up to the amount."""
        booking = payment.booking
        with translation.override(booking.language):
            title = booking.session.batik_class.title
            items = [
                {
                    "id": f"tier-{line.tier_id}",
                    "price": line.unit_price,
                    "quantity": line.quantity,
                    "name": f"{title} · {line.label}"[:50],
                }
                for line in booking.lines.all().order_by("pk")
            ]
        if sum(item["price"] * item["quantity"] for item in items) != payment.amount:
            return [{"id": booking.code, "price": payment.amount, "quantity": 1, "name": title[:50]}]
        return items


provider = MidtransProvider()
