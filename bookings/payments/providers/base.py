"""The interface every payment method implements (one provider per method)."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bookings.payments.models import Payment


@dataclass(frozen=True)
class Checkout:
    redirect_url: str = ""  # gateway page (Snap redirect_url / Xendit invoice_url)
    instructions: str = ""  # bank transfer instructions shown to the tourist
    reference: str = ""  # provider reference (Snap token / Xendit invoice id)
    expires_at: datetime | None = None


class PaymentProvider(Protocol):
    method: str

    def start(self, *, payment: "Payment") -> Checkout:
        """Begin collecting `payment` (its row exists, status pending); may call the gateway.

        `payment.expires_at` holds the proposed expiry; the provider may answer with its own.
        """
        ...

    def refund(self, *, payment: "Payment", amount: int, reason: str) -> str:
        """Give `amount` back; returns the refund reference. Manual methods return "" (a person refunds)."""
        ...


class GatewayError(Exception):
    """The gateway could not be reached, or refused the request."""
