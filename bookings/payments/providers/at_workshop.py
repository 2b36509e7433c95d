"""Pay at the workshop: nothing to start online; the host collects the money at check-in."""

from bookings.payments.models import Payment, PaymentMethod
from bookings.payments.providers.base import Checkout


class AtWorkshopProvider:
    method = PaymentMethod.AT_WORKSHOP.value

    def start(self, *, payment: Payment) -> Checkout:
        return Checkout()

    def refund(self, *, payment: Payment, amount: int, reason: str) -> str:
        # Cash goes back by hand: the host marks it refunded.
        return ""


provider = AtWorkshopProvider()
