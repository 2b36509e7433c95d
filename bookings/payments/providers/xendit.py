"""Xendit invoices: one invoice per payment, the tourist pays on Xendit's page (QRIS, VA, e-wallets)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation

from bookings.payments.gateways.xendit import XenditClient
from bookings.payments.ledger import RefundReason
from bookings.payments.models import Payment, PaymentMethod
from bookings.payments.providers.base import Checkout
from bookings.payments.providers.online import gateway_expiry, refund_key
from core.formatting import wib_datetime

# Xendit takes a fixed set of refund reasons.
REFUND_REASONS = {
    RefundReason.DUPLICATE: "DUPLICATE",
    RefundReason.BOOKING_CANCELLED: "REQUESTED_BY_CUSTOMER",
    RefundReason.SESSION_CANCELLED: "CANCELLATION",
    RefundReason.SEATS_GONE: "CANCELLATION",
}


def xendit_client() -> XenditClient:
    return XenditClient(
        secret_key=settings.XENDIT_SECRET_KEY,
        api_url=settings.XENDIT_API_URL,
        timeout=settings.PAYMENT_GATEWAY_TIMEOUT,
    )


class XenditProvider:
    method = PaymentMethod.XENDIT.value

    def start(self, *, payment: Payment) -> Checkout:
        from bookings.payments.services import payment_finish_url

        now = timezone.now()
        minutes, expires_at = gateway_expiry(payment, now)
        booking = payment.booking
        session = booking.session
        with translation.override(booking.language):
            description = f"{session.batik_class.title}, {wib_datetime(session.starts_at)} · {booking.code}"
        finish = payment_finish_url(payment)
        invoice = xendit_client().create_invoice(
            external_id=payment.order_id,
            amount=payment.amount,
            invoice_duration=minutes * 60,
            description=description,
            payer_email=booking.contact_email,
            success_redirect_url=finish,
            failure_redirect_url=finish,
        )
        return Checkout(redirect_url=invoice.invoice_url, reference=invoice.id, expires_at=expires_at)

    def refund(self, *, payment: Payment, amount: int, reason: str) -> str:
        refund = xendit_client().create_refund(
            invoice_id=payment.provider_reference,
            amount=amount,
            reason=REFUND_REASONS.get(reason, "OTHERS"),
            reference_id=refund_key(payment, amount),
        )
        return refund.id


provider = XenditProvider()
