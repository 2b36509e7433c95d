"""A guest pays through the API by Midtrans or Xendit; the guest and the host hear of every change."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from bookings.models import Booking, MessageKind
from bookings.payments.services import payment_refund_process
from tests.bookings.conftest import client_for
from tests.factories import MembershipFactory
from tests.payments.conftest import XENDIT_CALLBACK_TOKEN, hold
from tests.payments.helpers import delivered, kinds, token_of

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def pay(booking, method: str):
    return APIClient().post(
        f"/api/v1/bookings/{booking.code}/pay/?token={token_of(booking)}", {"method": method}, format="json"
    )


def read(booking) -> dict:
    return APIClient().get(f"/api/v1/bookings/{booking.code}/?token={token_of(booking)}").json()


def gateway_says_paid(fake_gateways, method: str, order_id: str) -> int:
    """The guest pays on the gateway's page; its notification reaches Canting's endpoint."""
    if method == "midtrans":
        fake_gateways.midtrans_pay(order_id, notify=False)
        body = fake_gateways.midtrans_notify(order_id, send=False)["notification"]
        return APIClient().post("/api/v1/payments/midtrans/notification/", body, format="json").status_code
    fake_gateways.xendit_pay(order_id, notify=False)
    body = fake_gateways.xendit_notify(order_id, send=False)["callback"]
    return (
        APIClient()
        .post(
            "/api/v1/payments/xendit/callback/",
            body,
            format="json",
            headers={"x-callback-token": XENDIT_CALLBACK_TOKEN},
        )
        .status_code
    )


@pytest.fixture
def owner(gateway_session):
    return MembershipFactory(
        workshop=gateway_session.batik_class.workshop, role="owner", user__email="owner@sanggar.id"
    ).user


@pytest.mark.parametrize("method", ["midtrans", "xendit"])
def test_a_guest_pays_through_the_api_and_both_sides_are_told(fake_gateways, gateway_session, owner, method):
    booking = hold(gateway_session, seats=2)
    assert method in read(booking)["payment_methods"]

    response = pay(booking, method)

    assert response.status_code == 201, response.json()
    payment = response.json()["payment"]
    assert (payment["method"], payment["status"], payment["amount"]) == (method, "pending", 150000)
    assert payment["checkout_url"].startswith(fake_gateways.url)
    assert response.json()["booking"]["status"] == "held"
    # Paying again while the gateway's page is open gives the same page, not a second transaction.
    assert pay(booking, method).json()["payment"]["order_id"] == payment["order_id"]

    assert gateway_says_paid(fake_gateways, method, payment["order_id"]) == 200

    after = read(booking)
    assert after["status"] == "confirmed"
    assert [(p["order_id"], p["status"]) for p in after["payments"]] == [(payment["order_id"], "paid")]
    assert MessageKind.BOOKING_CONFIRMED in kinds(booking, to_owner=False)
    assert MessageKind.HOST_NEW_BOOKING in kinds(booking, to_owner=True)
    confirmation = delivered(booking, MessageKind.BOOKING_CONFIRMED)
    assert booking.code in confirmation.body and "WIB" in confirmation.body


@pytest.mark.parametrize("method", ["midtrans", "xendit"])
def test_the_guest_cancels_a_paid_booking_and_hears_the_money_went_back(
    fake_gateways, gateway_session, owner, method
):
    booking = hold(gateway_session, seats=1)
    order_id = pay(booking, method).json()["payment"]["order_id"]
    assert gateway_says_paid(fake_gateways, method, order_id) == 200

    cancelled = APIClient().post(f"/api/v1/bookings/{booking.code}/cancel/?token={token_of(booking)}")
    assert cancelled.status_code == 200, cancelled.json()
    payment = Booking.objects.get(pk=booking.pk).payments.get(order_id=order_id)
    payment_refund_process(payment_id=payment.pk)

    [refund] = fake_gateways.refunds()
    assert refund["amount"] == 75000
    [shown] = read(booking)["payments"]
    assert (shown["status"], shown["refunded_amount"]) == ("refunded", 75000)
    told = delivered(booking, MessageKind.PAYMENT_REFUNDED)
    assert "Rp75.000" in told.body


def test_a_gateway_the_class_does_not_take_is_refused(fake_gateways, gateway_session):
    batik_class = gateway_session.batik_class
    batik_class.payment_methods = ["midtrans"]
    batik_class.save(update_fields=["payment_methods"])
    booking = hold(gateway_session, seats=1)

    response = pay(booking, "xendit")

    assert response.status_code == 400 and response.json()["code"] == "payment_method_not_accepted"
    assert fake_gateways.call("GET", "/_control/deliveries") == []
    assert Booking.objects.get(pk=booking.pk).payments.count() == 0


def test_midtrans_down_is_a_503_the_guest_can_retry(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=1)
    fake_gateways.configure(outage={"mode": "error", "count": 1})

    refused = pay(booking, "midtrans")

    assert refused.status_code == 503 and refused.json()["code"] == "payment_gateway_unavailable"
    assert pay(booking, "midtrans").status_code == 201


def test_the_host_sees_a_gateway_payment_on_the_roster(fake_gateways, gateway_session, owner):
    booking = hold(gateway_session, seats=2)
    order_id = pay(booking, "xendit").json()["payment"]["order_id"]
    assert gateway_says_paid(fake_gateways, "xendit", order_id) == 200

    roster = client_for(owner).get(f"/api/v1/host/sessions/{gateway_session.pk}/roster/")

    assert roster.status_code == 200
    body = roster.json()
    [row] = [row for row in body["bookings"] if row["code"] == booking.code]
    assert row["payment"]["method"] == "xendit" and row["payment"]["status"] == "paid"
    assert row["payment"]["to_collect"] == 0
    assert (body["totals"]["to_collect"], body["totals"]["paid"]) == (0, 150000)
