"""How a booking's payment reads for people (e-mails, pages): one sentence in the active language."""

from django.utils.translation import gettext as _

from bookings.models import Booking
from bookings.payments.ledger import SUPERSEDED, RefundReason
from bookings.payments.models import MANUAL_METHODS, Payment, PaymentMethod, PaymentStatus
from core.formatting import rupiah, wib_datetime

MONEY_STATUSES = (PaymentStatus.PAID, PaymentStatus.REFUND_PENDING, PaymentStatus.REFUNDED)


def current_payment(booking: Booking) -> Payment | None:
    """The payment that speaks for the booking: one that moved money, else the latest attempt."""
    payments = sorted(booking.payments.all(), key=lambda payment: (payment.created_at, payment.pk))
    for payment in reversed(payments):
        if payment.status in MONEY_STATUSES:
            return payment
    for payment in reversed(payments):
        if not (payment.status == PaymentStatus.CANCELLED and payment.note == SUPERSEDED):
            return payment
    return None


def method_label(method: str) -> str:
    return str(PaymentMethod(method).label)


def refund_reason_text(reason: str) -> str:
    return {
        RefundReason.BOOKING_CANCELLED: _("You cancelled the booking within the free cancellation window."),
        RefundReason.SESSION_CANCELLED: _("The workshop cancelled the session."),
        RefundReason.SEATS_GONE: _(
            "Your payment arrived after your hold had expired, and the seats had been taken by then."
        ),
        RefundReason.DUPLICATE: _("The booking was already paid, so the second payment goes back."),
    }.get(reason, "")


def payment_text(payment: Payment | None) -> str:
    """One sentence: what the tourist pays, paid, or gets back."""
    if payment is None:
        return _("Payment: pay at the workshop.")
    amount = rupiah(payment.amount)
    method = method_label(payment.method)
    status = payment.status
    if status == PaymentStatus.AWAITING_COLLECTION:
        return _("Payment: pay at the workshop.")
    if status == PaymentStatus.PENDING and payment.method == PaymentMethod.BANK_TRANSFER:
        return _("Payment: waiting for your bank transfer of %(amount)s before %(deadline)s.") % {
            "amount": amount,
            "deadline": wib_datetime(payment.expires_at),
        }
    if status == PaymentStatus.PENDING:
        return _("Payment: waiting for your payment of %(amount)s (%(method)s).") % {
            "amount": amount,
            "method": method,
        }
    if status == PaymentStatus.PAID:
        return _("Paid: %(amount)s (%(method)s).") % {"amount": amount, "method": method}
    if status == PaymentStatus.REFUND_PENDING and payment.method in MANUAL_METHODS:
        return _("The workshop will refund %(amount)s to you and let you know when it is done.") % {
            "amount": rupiah(payment.refund_due)
        }
    if status == PaymentStatus.REFUND_PENDING:
        return _("%(amount)s is being refunded (%(method)s).") % {
            "amount": rupiah(payment.refund_due),
            "method": method,
        }
    if status == PaymentStatus.REFUNDED:
        return _("%(amount)s was refunded on %(date)s.") % {
            "amount": rupiah(payment.refunded_amount),
            "date": wib_datetime(payment.refunded_at),
        }
    if status == PaymentStatus.CANCELLED and payment.method == PaymentMethod.AT_WORKSHOP:
        return _("Nothing was charged: you had chosen to pay at the workshop.")
    return _("Nothing was charged.")


def payment_context(booking: Booking) -> dict:
    """What templates show about the booking's payment."""
    payment = current_payment(booking)
    context = {
        "payment": payment,
        "payment_text": payment_text(payment),
        "payment_method": method_label(payment.method) if payment else "",
        "to_collect": "",
    }
    if payment is not None and payment.status == PaymentStatus.AWAITING_COLLECTION:
        context["to_collect"] = rupiah(payment.amount)
    if payment is not None and payment.status == PaymentStatus.PENDING:
        context["payment_deadline"] = wib_datetime(payment.expires_at) if payment.expires_at else ""
    return context
