"""Plain HTTP clients for the payment gateways (Midtrans, Xendit).

No Django models here: a client takes its keys and addresses in the constructor,
talks JSON over HTTPS with a bounded timeout, and raises `GatewayError` (or a
subclass) whenever the gateway cannot be reached or refuses.
"""

from bookings.payments.gateways.http import GatewayNotFound, GatewayRefused, GatewayUnreachable

__all__ = ["GatewayNotFound", "GatewayRefused", "GatewayUnreachable"]
