"""The provider of each payment method: provider_for(method) -> PaymentProvider.

Gateway providers live in their own modules (midtrans.py, xendit.py) and are
imported on first use; each module exposes `provider` (an instance) or a class
`<Name>Provider` that takes no arguments.
"""

import importlib
from functools import cache

from bookings.payments.models import PaymentMethod
from bookings.payments.providers.base import Checkout, GatewayError, PaymentProvider

__all__ = ["Checkout", "GatewayError", "PaymentProvider", "provider_for"]

MODULES = {
    PaymentMethod.AT_WORKSHOP: ("bookings.payments.providers.at_workshop", "AtWorkshopProvider"),
    PaymentMethod.BANK_TRANSFER: ("bookings.payments.providers.bank_transfer", "BankTransferProvider"),
    PaymentMethod.MIDTRANS: ("bookings.payments.providers.midtrans", "MidtransProvider"),
    PaymentMethod.XENDIT: ("bookings.payments.providers.xendit", "XenditProvider"),
}


@cache
def provider_for(method: str) -> PaymentProvider:
    module_name, class_name = MODULES[PaymentMethod(method)]
    module = importlib.import_module(module_name)
    instance = getattr(module, "provider", None)
    if instance is None:
        instance = getattr(module, class_name)()
    return instance
