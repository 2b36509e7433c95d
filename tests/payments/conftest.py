"""The fake Midtrans and Xendit servers, started once on a free loopback port.

Each test gets them empty, with Canting's settings pointing at them and keys that
differ from the defaults (so a test passes only if the keys really come from settings).
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from fakegateways import FakeGateways

MIDTRANS_SERVER_KEY = "SB-Mid-server-test-7Qx2"
XENDIT_SECRET_KEY = "xnd_development_test_9fK1"
XENDIT_CALLBACK_TOKEN = "test-callback-token-Zr4m"


class FakeControl:
    """The fake's test-control API, over HTTP like any client of it."""

    def __init__(self, server: FakeGateways) -> None:
        self.server = server
        self.url = server.url
        self.midtrans_url = f"{server.url}/midtrans"
        self.xendit_url = f"{server.url}/xendit"

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body or {}).encode() if method == "POST" else None
        request = urllib.request.Request(
            f"{self.url}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def configure(self, **config: Any) -> Any:
        return self.call("POST", "/_control/config", config)

    # Midtrans
    def midtrans(self, order_id: str) -> dict[str, Any]:
        return self.call("GET", f"/_control/midtrans/{order_id}")

    def midtrans_pay(self, order_id: str, **options: Any) -> dict[str, Any]:
        return self.call("POST", f"/_control/midtrans/{order_id}/pay", options)

    def midtrans_status(self, order_id: str, transaction_status: str, **options: Any) -> dict[str, Any]:
        return self.call(
            "POST",
            f"/_control/midtrans/{order_id}/status",
            {"transaction_status": transaction_status, **options},
        )

    def midtrans_notify(self, order_id: str, **options: Any) -> dict[str, Any]:
        return self.call("POST", f"/_control/midtrans/{order_id}/notify", options)

    def midtrans_amount(self, order_id: str, gross_amount: int) -> dict[str, Any]:
        return self.call("POST", f"/_control/midtrans/{order_id}/amount", {"gross_amount": gross_amount})

    # Xendit (an invoice id, or Canting's order id = the invoice's external_id)
    def invoice(self, key: str) -> dict[str, Any]:
        return self.call("GET", f"/_control/xendit/{key}")

    def xendit_pay(self, key: str, **options: Any) -> dict[str, Any]:
        return self.call("POST", f"/_control/xendit/{key}/pay", options)

    def xendit_expire(self, key: str, **options: Any) -> dict[str, Any]:
        return self.call("POST", f"/_control/xendit/{key}/expire", options)

    def xendit_notify(self, key: str, **options: Any) -> dict[str, Any]:
        return self.call("POST", f"/_control/xendit/{key}/notify", options)

    def xendit_amount(self, key: str, amount: int) -> dict[str, Any]:
        return self.call("POST", f"/_control/xendit/{key}/amount", {"amount": amount})

    # Both
    def refunds(self) -> list[dict[str, Any]]:
        return self.call("GET", "/_control/refunds")

    def deliveries(self) -> list[dict[str, Any]]:
        return self.call("GET", "/_control/deliveries")


@pytest.fixture(scope="session")
def fake_gateways_server():
    server = FakeGateways(
        port=0,
        midtrans_server_key=MIDTRANS_SERVER_KEY,
        xendit_secret_key=XENDIT_SECRET_KEY,
        xendit_callback_token=XENDIT_CALLBACK_TOKEN,
        sweep_interval=0.2,
    ).start()
    yield server
    server.stop()


@pytest.fixture
def fake_gateways(fake_gateways_server, settings) -> FakeControl:
    """Both fakes, emptied, with settings pointing at them; notifications go nowhere until configured."""
    fake_gateways_server.reset()
    fake_gateways_server.notify_base = ""
    fake_gateways_server.midtrans_notification_url = ""
    fake_gateways_server.xendit_callback_url = ""
    control = FakeControl(fake_gateways_server)
    settings.MIDTRANS_SERVER_KEY = MIDTRANS_SERVER_KEY
    settings.MIDTRANS_SNAP_URL = control.midtrans_url
    settings.MIDTRANS_API_URL = control.midtrans_url
    settings.XENDIT_SECRET_KEY = XENDIT_SECRET_KEY
    settings.XENDIT_CALLBACK_TOKEN = XENDIT_CALLBACK_TOKEN
    settings.XENDIT_API_URL = control.xendit_url
    settings.PAYMENT_GATEWAY_TIMEOUT = 5
    return control


# --- A class that takes gateway payments, and a tourist's hold in it. ---------------------------


@pytest.fixture
def gateway_session(db):
    """A session with 4 seats of a class that takes Midtrans, Xendit and cash; Rp75.000 a seat."""
    from tests.factories import ClassSessionFactory, PriceTierFactory

    session = ClassSessionFactory(
        capacity=4, batik_class__payment_methods=["midtrans", "xendit", "at_workshop"]
    )
    PriceTierFactory(batik_class=session.batik_class, label_ind="Dewasa", label_en="Adult", amount=75000)
    return session


def hold(session, *, seats: int = 2, email: str = "rina@example.id"):
    """A booking held the way a tourist holds one."""
    from bookings.services.holds import Contact, LineRequest, booking_hold

    tier = session.batik_class.price_tiers.order_by("position", "pk").first()
    return booking_hold(
        session_id=session.pk,
        lines=[LineRequest(tier_id=tier.pk, quantity=seats)],
        contact=Contact(name="Rina Wulandari", email=email, phone="0812 3456 7890"),
        user=None,
        language="id",
    )


def let_the_hold_expire(booking) -> None:
    """The hold's time passes with nobody paying: the sweep releases the seats."""
    from datetime import timedelta

    from django.utils import timezone

    from bookings.models import Booking
    from bookings.services.holds import holds_expire

    past = timezone.now() - timedelta(seconds=1)
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=past)
    holds_expire(now=timezone.now(), session_id=booking.session_id)


def messages(booking, kind) -> int:
    from bookings.models import OutboxMessage

    return OutboxMessage.objects.filter(booking=booking, kind=kind).count()
