"""The Midtrans and Xendit HTTP clients against the local fakes: auth, formats, errors, timeouts."""

from __future__ import annotations

import hashlib
import socket
import time

import pytest

from bookings.payments.gateways import GatewayNotFound, GatewayRefused, GatewayUnreachable
from bookings.payments.gateways.midtrans import (
    MidtransClient,
    notification_signature,
    parse_gross_amount,
    signature_is_valid,
)
from bookings.payments.gateways.xendit import XenditClient, callback_token_is_valid
from bookings.payments.providers.base import GatewayError
from tests.payments.conftest import MIDTRANS_SERVER_KEY, XENDIT_CALLBACK_TOKEN, XENDIT_SECRET_KEY


@pytest.fixture
def midtrans(fake_gateways) -> MidtransClient:
    return MidtransClient(
        server_key=MIDTRANS_SERVER_KEY,
        snap_url=fake_gateways.midtrans_url,
        api_url=fake_gateways.midtrans_url,
        timeout=5,
    )


@pytest.fixture
def xendit(fake_gateways) -> XenditClient:
    return XenditClient(secret_key=XENDIT_SECRET_KEY, api_url=fake_gateways.xendit_url, timeout=5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Midtrans -------------------------------------------------------------------------------


def test_snap_transaction_opens_a_payment_page_and_the_core_api_reports_it_pending(midtrans, fake_gateways):
    snap = midtrans.create_transaction(
        order_id="CTG-AB12-1",
        gross_amount=150000,
        expiry_minutes=15,
        customer={"first_name": "Rina", "email": "rina@example.id"},
        items=[{"id": "tulis", "price": 75000, "quantity": 2, "name": "Batik tulis"}],
        finish_url="http://127.0.0.1:8000/bookings/CTG-AB12/",
    )

    assert snap.token and snap.redirect_url.endswith(snap.token)
    status = midtrans.status("CTG-AB12-1")
    assert (status.transaction_status, status.status_code, status.gross_amount) == (
        "pending",
        "201",
        "150000.00",
    )
    assert status.amount == 150000 and not status.is_paid and not status.is_failed
    recorded = fake_gateways.midtrans("CTG-AB12-1")
    assert recorded["customer_details"]["email"] == "rina@example.id"
    assert recorded["finish_url"] == "http://127.0.0.1:8000/bookings/CTG-AB12/"


def test_midtrans_refuses_a_wrong_server_key(fake_gateways):
    client = MidtransClient(
        server_key="SB-Mid-server-wrong",
        snap_url=fake_gateways.midtrans_url,
        api_url=fake_gateways.midtrans_url,
        timeout=5,
    )
    with pytest.raises(GatewayRefused) as refused:
        client.create_transaction(order_id="CTG-X-1", gross_amount=1000, expiry_minutes=15)
    assert refused.value.status == 401
    with pytest.raises(GatewayRefused) as refused:
        client.status("CTG-X-1")
    assert refused.value.status == 401


def test_midtrans_refuses_an_order_id_used_before_and_items_that_do_not_add_up(midtrans):
    midtrans.create_transaction(order_id="CTG-DUP-1", gross_amount=50000, expiry_minutes=15)
    with pytest.raises(GatewayRefused, match="already been taken"):
        midtrans.create_transaction(order_id="CTG-DUP-1", gross_amount=50000, expiry_minutes=15)
    with pytest.raises(GatewayRefused, match="sum of item_details"):
        midtrans.create_transaction(
            order_id="CTG-SUM-1",
            gross_amount=50000,
            expiry_minutes=15,
            items=[{"id": "a", "price": 40000, "quantity": 1, "name": "Batik cap"}],
        )


def test_midtrans_status_of_an_unknown_order_is_not_found(midtrans):
    with pytest.raises(GatewayNotFound):
        midtrans.status("CTG-NONE-1")


def test_settled_then_refunded_once_per_refund_key(midtrans, fake_gateways):
    midtrans.create_transaction(order_id="CTG-RF-1", gross_amount=100000, expiry_minutes=15)
    fake_gateways.midtrans_pay("CTG-RF-1", notify=False)
    assert midtrans.status("CTG-RF-1").is_paid

    first = midtrans.refund(
        order_id="CTG-RF-1", amount=40000, reason="cancelled", refund_key="CTG-RF-1-r40000"
    )
    again = midtrans.refund(
        order_id="CTG-RF-1", amount=40000, reason="cancelled", refund_key="CTG-RF-1-r40000"
    )

    assert first.refund_amount == 40000 and first.transaction_status == "partial_refund"
    assert again.refund_chargeback_id == first.refund_chargeback_id
    assert [refund["amount"] for refund in fake_gateways.refunds()] == [40000]
    with pytest.raises(GatewayRefused, match="more than the refundable"):
        midtrans.refund(order_id="CTG-RF-1", amount=70000, reason="cancelled", refund_key="CTG-RF-1-r110000")
    rest = midtrans.refund(
        order_id="CTG-RF-1", amount=60000, reason="cancelled", refund_key="CTG-RF-1-r100000"
    )
    assert rest.transaction_status == "refund"
    assert midtrans.status("CTG-RF-1").transaction_status == "refund"


def test_midtrans_refuses_to_refund_what_was_not_paid(midtrans):
    midtrans.create_transaction(order_id="CTG-NP-1", gross_amount=100000, expiry_minutes=15)
    with pytest.raises(GatewayRefused, match="cannot modify"):
        midtrans.refund(order_id="CTG-NP-1", amount=100000, reason="x", refund_key="k")
    with pytest.raises(GatewayNotFound):
        midtrans.refund(order_id="CTG-NOPE-1", amount=100000, reason="x", refund_key="k")


def test_signature_is_sha512_of_the_raw_strings_and_the_server_key():
    body = {"order_id": "CTG-AB12-1", "status_code": "200", "gross_amount": "150000.00"}
    expected = hashlib.sha512(b"CTG-AB12-1200150000.00" + MIDTRANS_SERVER_KEY.encode()).hexdigest()
    assert notification_signature(**body, server_key=MIDTRANS_SERVER_KEY) == expected
    assert signature_is_valid({**body, "signature_key": expected}, server_key=MIDTRANS_SERVER_KEY)
    assert signature_is_valid({**body, "signature_key": expected.upper()}, server_key=MIDTRANS_SERVER_KEY)


@pytest.mark.parametrize(
    "change",
    [
        {"gross_amount": "15000.00"},  # amount edited in transit
        {"gross_amount": "150000"},  # the same amount, but not the string that was signed
        {"gross_amount": 150000.0},  # a number where Midtrans sends a string
        {"status_code": "201"},
        {"order_id": "CTG-OTHER-1"},
        {"signature_key": ""},
        {"signature_key": None},
    ],
)
def test_signature_fails_for_any_changed_or_missing_field(change):
    body = {"order_id": "CTG-AB12-1", "status_code": "200", "gross_amount": "150000.00"}
    signed = {**body, "signature_key": notification_signature(**body, server_key=MIDTRANS_SERVER_KEY)}
    assert not signature_is_valid({**signed, **change}, server_key=MIDTRANS_SERVER_KEY)


def test_signature_fails_with_another_key_or_no_key():
    body = {"order_id": "CTG-AB12-1", "status_code": "200", "gross_amount": "150000.00"}
    signed = {**body, "signature_key": notification_signature(**body, server_key="attacker-guess")}
    assert not signature_is_valid(signed, server_key=MIDTRANS_SERVER_KEY)
    assert not signature_is_valid(signed, server_key="")
    assert not signature_is_valid(["not", "a", "dict"], server_key=MIDTRANS_SERVER_KEY)


@pytest.mark.parametrize(("text", "amount"), [("150000.00", 150000), ("75000", 75000), ("0.00", 0)])
def test_gross_amount_is_read_as_whole_rupiah(text, amount):
    assert parse_gross_amount(text) == amount


@pytest.mark.parametrize("text", ["150000.50", "-5.00", "NaN", "abc", ""])
def test_gross_amount_that_is_not_whole_rupiah_is_refused(text):
    with pytest.raises(ValueError):
        parse_gross_amount(text)


# --- Xendit ---------------------------------------------------------------------------------


def test_xendit_invoice_is_created_and_read_back(xendit, fake_gateways):
    invoice = xendit.create_invoice(
        external_id="CTG-XY34-1",
        amount=90000,
        invoice_duration=900,
        description="Batik ecoprint, Sanggar Tidayu",
        payer_email="rina@example.id",
        success_redirect_url="http://127.0.0.1:8000/bookings/CTG-XY34/",
    )

    assert invoice.status == "PENDING" and invoice.amount == 90000 and invoice.invoice_url
    assert 890 <= invoice.expiry_date.timestamp() - time.time() <= 900
    fetched = xendit.get_invoice(invoice.id)
    assert (fetched.external_id, fetched.status, fetched.paid_amount) == ("CTG-XY34-1", "PENDING", None)
    fake_gateways.xendit_pay(invoice.id, notify=False)
    paid = xendit.get_invoice(invoice.id)
    assert paid.is_paid and paid.paid_amount == 90000


def test_xendit_refuses_a_wrong_secret_key_and_knows_no_stranger_invoice(xendit, fake_gateways):
    wrong = XenditClient(secret_key="xnd_development_wrong", api_url=fake_gateways.xendit_url, timeout=5)
    with pytest.raises(GatewayRefused) as refused:
        wrong.create_invoice(external_id="CTG-W-1", amount=1000, invoice_duration=60, description="x")
    assert refused.value.status == 401
    with pytest.raises(GatewayNotFound):
        xendit.get_invoice("000000000000000000000000")


def test_xendit_refund_once_per_reference_and_only_of_a_paid_invoice(xendit, fake_gateways):
    invoice = xendit.create_invoice(
        external_id="CTG-XR-1", amount=60000, invoice_duration=900, description="x"
    )
    with pytest.raises(GatewayRefused, match="INELIGIBLE"):
        xendit.create_refund(
            invoice_id=invoice.id, amount=60000, reason="CANCELLATION", reference_id="CTG-XR-1-r"
        )
    fake_gateways.xendit_pay(invoice.id, notify=False)

    first = xendit.create_refund(
        invoice_id=invoice.id, amount=60000, reason="CANCELLATION", reference_id="CTG-XR-1-r"
    )
    again = xendit.create_refund(
        invoice_id=invoice.id, amount=60000, reason="CANCELLATION", reference_id="CTG-XR-1-r"
    )

    assert first.status == "SUCCEEDED" and first.id == again.id
    assert [(r["invoice_id"], r["amount"]) for r in fake_gateways.refunds()] == [(invoice.id, 60000)]
    with pytest.raises(ValueError):
        xendit.create_refund(invoice_id=invoice.id, amount=1, reason="because", reference_id="CTG-XR-1-r2")


def test_callback_token_comparison():
    assert callback_token_is_valid(XENDIT_CALLBACK_TOKEN, expected=XENDIT_CALLBACK_TOKEN)
    assert not callback_token_is_valid(XENDIT_CALLBACK_TOKEN + "x", expected=XENDIT_CALLBACK_TOKEN)
    assert not callback_token_is_valid("", expected=XENDIT_CALLBACK_TOKEN)
    assert not callback_token_is_valid(None, expected=XENDIT_CALLBACK_TOKEN)
    assert not callback_token_is_valid("", expected="")


# --- When the gateway is down, slow or talks nonsense ------------------------------------------


def test_a_closed_port_is_unreachable_not_a_hang():
    client = MidtransClient(
        server_key="k",
        snap_url=f"http://127.0.0.1:{free_port()}",
        api_url=f"http://127.0.0.1:{free_port()}",
        timeout=2,
    )
    started = time.monotonic()
    with pytest.raises(GatewayUnreachable):
        client.status("CTG-1")
    assert time.monotonic() - started < 2


def test_a_slow_gateway_is_given_up_on_after_the_timeout(fake_gateways):
    fake_gateways.configure(outage={"mode": "slow", "delay": 3, "count": 1})
    client = XenditClient(secret_key=XENDIT_SECRET_KEY, api_url=fake_gateways.xendit_url, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(GatewayUnreachable):
        client.get_invoice("000000000000000000000000")
    assert time.monotonic() - started < 1.5


def test_a_gateway_outage_and_a_page_that_is_not_json_are_gateway_errors(midtrans, fake_gateways):
    fake_gateways.configure(outage={"mode": "error", "count": 1})
    with pytest.raises(GatewayRefused) as refused:
        midtrans.create_transaction(order_id="CTG-OUT-1", gross_amount=1000, expiry_minutes=15)
    assert refused.value.status == 503
    fake_gateways.configure(outage={"mode": "garbage", "count": 1})
    with pytest.raises(GatewayRefused, match="not JSON"):
        midtrans.status("CTG-OUT-1")
    # Every failure is a GatewayError, which the services turn into payment_gateway_unavailable.
    assert issubclass(GatewayRefused, GatewayError) and issubclass(GatewayUnreachable, GatewayError)
    # The outage is over: the gateway works again.
    midtrans.create_transaction(order_id="CTG-OUT-1", gross_amount=1000, expiry_minutes=15)


def test_only_http_addresses_are_called():
    client = XenditClient(secret_key="k", api_url="file:///etc", timeout=1)
    with pytest.raises(GatewayUnreachable):
        client.get_invoice("passwd")
