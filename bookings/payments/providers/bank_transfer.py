"""Bank transfer to the workshop's own account; the host checks the bank and marks it paid."""

from django.utils import translation
from django.utils.translation import gettext as _

from bookings.payments.models import Payment, PaymentMethod
from bookings.payments.providers.base import Checkout
from core.formatting import rupiah, wib_datetime


def transfer_instructions(payment: Payment) -> str:
    """What to transfer where, in the booking's language: amount, account, reference, deadline."""
    booking = payment.booking
    workshop = booking.session.batik_class.workshop
    with translation.override(booking.language):
        return _(
            "Transfer exactly %(amount)s to %(bank)s account %(number)s (%(holder)s). "
            "Write %(code)s as the transfer reference. Transfer before %(deadline)s, "
            "otherwise the seats are released."
        ) % {
            "amount": rupiah(payment.amount),
            "bank": workshop.bank_name,
            "number": workshop.bank_account_number,
            "holder": workshop.bank_account_holder,
            "code": booking.code,
            "deadline": wib_datetime(payment.expires_at),
        }


class BankTransferProvider:
    method = PaymentMethod.BANK_TRANSFER.value

    def start(self, *, payment: Payment) -> Checkout:
        return Checkout(
            instructions=transfer_instructions(payment),
            reference=payment.booking.code,
            expires_at=payment.expires_at,
        )

    def refund(self, *, payment: Payment, amount: int, reason: str) -> str:
        # The workshop transfers the money back itself and marks it refunded.
        return ""


provider = BankTransferProvider()
