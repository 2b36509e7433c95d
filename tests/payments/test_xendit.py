"""Paying by Xendit invoice through the local fake: start, callbacks, refunds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from bookings.models import Booking, BookingStatus, MessageKind
from bookings.payments.errors import PaymentGatewayUnavailable
from bookings.payments.models import Payment, PaymentNotification, PaymentStatus
from bookings.payments.services import payment_refund_process, payment_start
from bookings.services.holds import booking_cancel
from bookings.services.sessions import session_cancel_with_bookings
from tests.payments.conftest import XENDIT_CALLBACK_TOKEN, hold, let_the_hold_expire, messages

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

CALLBACK_URL = "/api/v1/payments/xendit/callback/"


def start(booking) -> Payment:
    payment, _checkout = payment_start(booking=booking, method="xendit")
    return payment


def post(body, token: str | None = XENDIT_CALLBACK_TOKEN):
    headers = {} if token is None else {"x-callback-token": token}
    return APIClient().post(CALLBACK_URL, body, format="json", headers=headers)


def paid_callback(fake_gateways, payment: Payment, **options) -> dict:
    """The tourist pays the invoice; the callback Xendit would send (not sent yet)."""
    fake_gateways.xendit_pay(payment.order_id, notify=False, **options)
    return fake_gateways.xendit_notify(payment.order_id, send=False)["callback"]


def state(payment: Payment) -> tuple[str, str, int]:
    payment.refresh_from_db()
    booking = Booking.objects.select_related("session").get(pk=payment.booking_id)
    return payment.status, booking.status, booking.session.seats_taken


def test_start_creates_an_invoice_for_the_payment_that_expires_with_the_hold(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=2)

    payment, checkout = payment_start(booking=booking, method="xendit")

    invoice = fake_gateways.invoice(payment.order_id)
    assert (invoice["external_id"], invoice["amount"], invoice["status"]) == (
        payment.order_id,
        150000,
        "PENDING",
    )
    assert invoice["currency"] == "IDR" and invoice["payer_email"] == "rina@example.id"
    assert booking.code in invoice["description"] and "WIB" in invoice["description"]
    assert f"/bookings/{booking.code}/" in invoice["success_redirect_url"]
    assert (checkout.redirect_url, checkout.reference) == (invoice["invoice_url"], invoice["id"])
    payment.refresh_from_db()
    assert payment.provider_reference == invoice["id"]
    assert timedelta(minutes=14) <= payment.expires_at - timezone.now() <= timedelta(minutes=15)
    booking.refresh_from_db()
    assert booking.hold_expires_at >= payment.expires_at


def test_start_when_xendit_refuses_tells_the_tourist_to_try_again(fake_gateways, gateway_session, settings):
    booking = hold(gateway_session, seats=1)
    settings.XENDIT_SECRET_KEY = "xnd_development_revoked"

    with pytest.raises(PaymentGatewayUnavailable):
        payment_start(booking=booking, method="xendit")

    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.HELD
    assert Payment.objects.get(booking=booking).status == PaymentStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_tourist_pays_the_invoice_and_the_callback_confirms_the_booking(
    fake_gateways, gateway_session, live_server
):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    fake_gateways.configure(notify_base=live_server.url)

    answer = fake_gateways.xendit_pay(payment.order_id)

    assert answer["delivery"]["status"] == 200, answer["delivery"]
    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 2)
    assert messages(booking, MessageKind.BOOKING_CONFIRMED) == 1
    kept = PaymentNotification.objects.get(order_id=payment.order_id)
    assert kept.verified and kept.payment_id == payment.pk and kept.outcome == "PAID: paid"


@pytest.mark.parametrize("token", [None, "", "not-the-callback-token", XENDIT_CALLBACK_TOKEN + " "])
def test_a_callback_without_our_token_is_refused_and_changes_nothing(fake_gateways, gateway_session, token):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    body = paid_callback(fake_gateways, payment)

    response = post(body, token=token)

    assert response.status_code == 403 and response.json()["code"] == "invalid_callback_token"
    assert state(payment) == (PaymentStatus.PENDING, BookingStatus.HELD, 2)
    kept = PaymentNotification.objects.get()
    assert not kept.verified and kept.outcome == "invalid_callback_token"


def test_the_fakes_wrong_token_callback_is_refused(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=1)
    payment = start(booking)
    fake_gateways.xendit_pay(payment.order_id, notify=False)
    forged = fake_gateways.xendit_notify(payment.order_id, send=False, tamper="token")

    response = post(forged["callback"], token=forged["headers"]["x-callback-token"])

    assert response.status_code == 403
    assert state(payment)[0] == PaymentStatus.PENDING


def test_the_same_callback_five_times_confirms_once(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    body = paid_callback(fake_gateways, payment)

    assert [post(body).status_code for _ in range(5)] == [200] * 5

    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 2)
    assert messages(booking, MessageKind.BOOKING_CONFIRMED) == 1
    assert PaymentNotification.objects.filter(verified=True).count() == 5


def test_a_stale_pending_or_expired_callback_after_payment_changes_nothing(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    paid = paid_callback(fake_gateways, payment)

    # An "expired" arriving first is checked with Xendit, which says paid.
    assert post({**paid, "status": "EXPIRED"}).status_code == 200
    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 2)
    assert post({**paid, "status": "PENDING"}).status_code == 200
    assert post(paid).status_code == 200
    assert post({**paid, "status": "EXPIRED"}).status_code == 200

    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 2)
    assert messages(booking, MessageKind.PAYMENT_FAILED) == 0


def test_a_callback_claiming_paid_for_an_unpaid_invoice_changes_nothing(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=1)
    payment = start(booking)
    claim = {**fake_gateways.xendit_notify(payment.order_id, send=False)["callback"], "status": "PAID"}

    assert post(claim).status_code == 200

    assert state(payment) == (PaymentStatus.PENDING, BookingStatus.HELD, 1)
    assert PaymentNotification.objects.get().outcome == "PENDING: no change"


def test_an_amount_changed_in_the_callback_body_is_ignored_for_the_invoices_own(
    fake_gateways, gateway_session
):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    fake_gateways.xendit_pay(payment.order_id, notify=False)
    tampered = fake_gateways.xendit_notify(payment.order_id, send=False, tamper="amount")["callback"]
    assert tampered["paid_amount"] == 15000

    assert post(tampered).status_code == 200

    # The invoice as Xendit holds it says 150.000 paid: that is what counts.
    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 2)


def test_an_invoice_paid_for_another_amount_is_not_accepted(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    fake_gateways.xendit_amount(payment.order_id, 15000)
    body = paid_callback(fake_gateways, payment)

    assert post(body).status_code == 200

    assert state(payment) == (PaymentStatus.PENDING, BookingStatus.HELD, 2)
    assert PaymentNotification.objects.get().outcome == "PAID: amount_mismatch 15000"


def test_callbacks_for_invoices_we_do_not_have_get_the_same_answer(fake_gateways, gateway_session):
    from bookings.payments.providers.xendit import xendit_client

    booking = hold(gateway_session, seats=1)
    ours = paid_callback(fake_gateways, start(booking))
    stranger = xendit_client().create_invoice(
        external_id="CTG-ZZZZ-9", amount=75000, invoice_duration=900, description="x"
    )
    theirs = paid_callback(fake_gateways, Payment(order_id=stranger.id))
    nobody = {**theirs, "id": "000000000000000000000000", "external_id": "CTG-NONE-1"}
    # A second invoice carrying our order id, but not the one the payment was started with.
    other = xendit_client().create_invoice(
        external_id=ours["external_id"], amount=75000, invoice_duration=900, description="x"
    )
    mixed = paid_callback(fake_gateways, Payment(order_id=other.id))

    answers = [post(body) for body in (ours, theirs, nobody, mixed)]

    assert [(a.status_code, a.json()) for a in answers] == [(200, {"status": "ok"})] * 4
    outcomes = list(PaymentNotification.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == ["PAID: paid", "unknown_order", "unknown_order", "unknown_order"]


def test_an_expired_invoice_lets_the_seats_go_once(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    expired = fake_gateways.xendit_expire(payment.order_id, notify=False)["callback"]

    assert [post(expired).status_code for _ in range(3)] == [200] * 3

    assert state(payment) == (PaymentStatus.EXPIRED, BookingStatus.EXPIRED, 0)
    assert messages(booking, MessageKind.PAYMENT_FAILED) == 1


def test_paid_after_the_hold_expired_with_seats_left_takes_them_again(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    let_the_hold_expire(booking)

    assert post(paid_callback(fake_gateways, payment)).status_code == 200

    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 2)
    assert fake_gateways.refunds() == []


def test_paid_after_the_hold_expired_with_no_seats_left_is_refunded_through_xendit(
    fake_gateways, gateway_session
):
    booking = hold(gateway_session, seats=3)
    payment = start(booking)
    let_the_hold_expire(booking)
    hold(gateway_session, seats=2, email="budi@example.id")

    assert post(paid_callback(fake_gateways, payment)).status_code == 200
    assert state(payment) == (PaymentStatus.REFUND_PENDING, BookingStatus.EXPIRED, 2)

    refunded = payment_refund_process(payment_id=payment.pk)
    payment_refund_process(payment_id=payment.pk)

    assert refunded.status == PaymentStatus.REFUNDED and refunded.refunded_amount == 225000
    [refund] = fake_gateways.refunds()
    assert (refund["invoice_id"], refund["amount"], refund["reason"]) == (
        payment.provider_reference,
        225000,
        "CANCELLATION",
    )
    assert refunded.refund_reference == refund["id"]
    assert messages(booking, MessageKind.PAYMENT_REFUNDED) == 1


def _paid(fake_gateways, booking, **options) -> Payment:
    payment = start(booking)
    assert post(paid_callback(fake_gateways, payment, **options)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    return payment


def test_cancelling_within_the_free_window_refunds_through_xendit(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=2)
    payment = _paid(fake_gateways, booking)

    booking_cancel(booking=Booking.objects.get(pk=booking.pk))
    refunded = payment_refund_process(payment_id=payment.pk)

    assert refunded.status == PaymentStatus.REFUNDED
    assert [(r["invoice_id"], r["amount"], r["reason"]) for r in fake_gateways.refunds()] == [
        (payment.provider_reference, 150000, "REQUESTED_BY_CUSTOMER")
    ]


def test_the_host_cancelling_the_session_refunds_through_xendit(fake_gateways, gateway_session):
    from tests.factories import MembershipFactory

    owner = MembershipFactory(workshop=gateway_session.batik_class.workshop, role="owner").user
    payment = _paid(fake_gateways, hold(gateway_session, seats=1))

    session_cancel_with_bookings(session=gateway_session, reason="Listrik padam", actor=owner)
    refunded = payment_refund_process(payment_id=payment.pk)

    assert refunded.status == PaymentStatus.REFUNDED
    assert [(r["amount"], r["reason"]) for r in fake_gateways.refunds()] == [(75000, "CANCELLATION")]


def test_a_refund_xendit_refuses_stays_owed_and_is_made_once_it_can(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=1)
    payment = _paid(fake_gateways, booking)
    booking_cancel(booking=Booking.objects.get(pk=booking.pk))
    fake_gateways.configure(outage={"mode": "error", "count": 1})

    owed = payment_refund_process(payment_id=payment.pk)
    assert owed.status == PaymentStatus.REFUND_PENDING and owed.refund_attempts == 1
    assert fake_gateways.refunds() == []

    assert payment_refund_process(payment_id=payment.pk).status == PaymentStatus.REFUNDED
    assert len(fake_gateways.refunds()) == 1


def test_xendit_unreachable_on_the_refetch_answers_503(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=1)
    payment = start(booking)
    body = paid_callback(fake_gateways, payment)
    fake_gateways.configure(outage={"mode": "error", "count": 1})

    assert post(body).status_code == 503
    assert state(payment)[0] == PaymentStatus.PENDING
    assert post(body).status_code == 200
    assert state(payment)[0] == PaymentStatus.PAID


@pytest.mark.django_db(transaction=True)
def test_paid_and_expired_callbacks_at_the_same_moment_end_paid(fake_gateways, gateway_session):
    from tests.concurrency import run_together

    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    paid = paid_callback(fake_gateways, payment)
    bodies = [paid, {**paid, "status": "EXPIRED"}] * 3

    codes = run_together(len(bodies), lambda index: post(bodies[index]).status_code)

    assert codes == [200] * len(bodies)
    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 2)
    assert messages(booking, MessageKind.BOOKING_CONFIRMED) == 1
    assert messages(booking, MessageKind.PAYMENT_FAILED) == 0
