"""Refunds: a free cancellation gives the money back, a late one is refused, a cancelled session refunds all.

Gateway refunds go through the local fake Midtrans (tests/payments/conftest.py);
cash and transfers are refunded by the workshop, which records it.
"""

# The shared fixtures are imported from helpers; pytest injects them by name.
# ruff: noqa: F811

from datetime import timedelta

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import gettext as _

from bookings.models import Booking, BookingStatus, MessageKind
from bookings.payments.models import Payment, PaymentStatus
from bookings.payments.services import (
    payment_mark_paid,
    payment_refund_process,
    payment_refunds_sweep,
    payment_start,
    payment_succeeded,
)
from bookings.services.holds import booking_cancel
from bookings.services.sessions import session_cancel_with_bookings
from tests.payments.helpers import (  # noqa: F401
    delivered,
    hold,
    host,
    kinds,
    let_the_hold_expire,
    owner,
    session,
    token_of,
)
from workshops.models import ClassSession

pytestmark = pytest.mark.django_db


def paid_by_transfer(session, owner, *, seats=2, email="rina@example.id"):
    booking = hold(session, seats=seats, email=email)
    payment_start(booking=booking, method="bank_transfer")
    payment_mark_paid(booking=booking, actor=owner)
    return Booking.objects.get(pk=booking.pk)


@pytest.fixture
def midtrans_session(session):
    batik_class = session.batik_class
    batik_class.payment_methods = ["midtrans", "at_workshop"]
    batik_class.save()
    return session


def paid_by_midtrans(session, fake_gateways, *, seats=2):
    booking = hold(session, seats=seats)
    payment, checkout = payment_start(booking=booking, method="midtrans")
    assert checkout.redirect_url.startswith(fake_gateways.midtrans_url)
    fake_gateways.midtrans_pay(payment.order_id, notify=False)
    payment_succeeded(order_id=payment.order_id, amount=payment.amount, provider_reference=checkout.reference)
    return Booking.objects.get(pk=booking.pk), Payment.objects.get(pk=payment.pk)


def test_a_free_cancellation_of_a_transfer_is_owed_back_by_the_workshop_which_records_it(
    api, host, session, owner
):
    booking = paid_by_transfer(session, owner)

    response = api.post(f"/api/v1/bookings/{booking.code}/cancel/?token={token_of(booking)}")

    assert response.status_code == 200
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.REFUND_PENDING and payment.refund_due == 150000
    assert MessageKind.HOST_REFUND_DUE in kinds(booking, to_owner=True)
    cancelled = delivered(booking, MessageKind.BOOKING_CANCELLED)
    with translation.override("id"):
        text = _("The workshop will refund %(amount)s to you and let you know when it is done.")
        assert text % {"amount": "Rp150.000"} in cancelled.body

    done = host.post(f"/api/v1/host/bookings/{booking.code}/payment/refunded/", {}, format="json")
    again = host.post(f"/api/v1/host/bookings/{booking.code}/payment/refunded/", {}, format="json")

    assert done.status_code == again.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED and payment.refunded_amount == 150000
    assert kinds(booking, to_owner=False).count(MessageKind.PAYMENT_REFUNDED) == 1


def test_a_cancellation_after_the_free_window_is_refused_and_the_money_stays_paid(api, session, owner):
    booking = paid_by_transfer(session, owner)

    with time_machine.travel(session.starts_at - timedelta(hours=2), tick=False):
        response = api.post(f"/api/v1/bookings/{booking.code}/cancel/?token={token_of(booking)}")

    assert response.status_code == 409
    assert response.json()["code"] == "cancellation_window_closed"
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.PAID and payment.refund_due == 0
    assert MessageKind.HOST_REFUND_DUE not in kinds(booking, to_owner=True)


def test_a_host_cancelling_the_session_refunds_every_paid_booking_and_drops_what_was_unpaid(session, owner):
    paid = paid_by_transfer(session, owner, seats=1, email="paid@example.id")
    cash = hold(session, seats=1, email="cash@example.id")
    payment_start(booking=cash, method="at_workshop")
    waiting = hold(session, seats=1, email="waiting@example.id")
    payment_start(booking=waiting, method="bank_transfer")

    # Even inside the last hours, when a guest could no longer cancel for free.
    with time_machine.travel(session.starts_at - timedelta(hours=2), tick=False):
        session_cancel_with_bookings(session=session, reason="Banjir", actor=owner)

    statuses = dict(Payment.objects.values_list("booking__contact_email", "status"))
    assert statuses == {
        "paid@example.id": PaymentStatus.REFUND_PENDING,
        "cash@example.id": PaymentStatus.CANCELLED,
        "waiting@example.id": PaymentStatus.CANCELLED,
    }
    assert MessageKind.HOST_REFUND_DUE in kinds(paid, to_owner=True)
    assert MessageKind.HOST_REFUND_DUE not in kinds(cash, to_owner=True)
    assert all(
        kinds(booking, to_owner=False)[-1] == MessageKind.SESSION_CANCELLED
        for booking in (paid, cash, waiting)
    )


def test_a_gateway_payment_is_refunded_through_the_gateway_once_however_often_the_worker_runs(
    midtrans_session, fake_gateways, api, django_capture_on_commit_callbacks
):
    booking, payment = paid_by_midtrans(midtrans_session, fake_gateways)
    assert booking.status == BookingStatus.CONFIRMED

    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(f"/api/v1/bookings/{booking.code}/cancel/?token={token_of(booking)}")
    assert response.status_code == 200
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.REFUND_PENDING
    assert callbacks  # the refund is handed to a worker after the commit

    first = payment_refund_process(payment_id=payment.pk)
    second = payment_refund_process(payment_id=payment.pk)
    assert payment_refunds_sweep() == 0

    assert first.status == second.status == PaymentStatus.REFUNDED
    assert first.refunded_amount == 150000 and first.refund_reference
    refunds = [refund for refund in fake_gateways.refunds() if refund.get("order_id") == payment.order_id]
    assert len(refunds) == 1 and int(float(refunds[0]["amount"])) == 150000
    assert kinds(booking, to_owner=False).count(MessageKind.PAYMENT_REFUNDED) == 1
    email = delivered(booking, MessageKind.PAYMENT_REFUNDED)
    assert "Rp150.000" in email.body


def test_a_gateway_that_is_down_leaves_the_refund_owed_and_the_sweep_makes_it_later(
    midtrans_session, fake_gateways, settings
):
    booking, payment = paid_by_midtrans(midtrans_session, fake_gateways)
    booking_cancel(booking=booking)
    reachable = settings.MIDTRANS_API_URL
    settings.MIDTRANS_API_URL = "http://127.0.0.1:9/midtrans"  # nothing listens on the discard port

    failed = payment_refund_process(payment_id=payment.pk)

    assert failed.status == PaymentStatus.REFUND_PENDING and failed.refund_attempts == 1
    assert MessageKind.PAYMENT_REFUNDED not in kinds(booking, to_owner=False)

    settings.MIDTRANS_API_URL = reachable
    assert payment_refunds_sweep() == 1
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.REFUNDED


def test_a_gateway_payment_after_the_hold_expired_takes_the_seats_again_when_they_are_free(
    midtrans_session, fake_gateways
):
    booking = hold(midtrans_session, seats=2)
    payment, _checkout = payment_start(booking=booking, method="midtrans")
    let_the_hold_expire(booking)
    assert ClassSession.objects.get(pk=midtrans_session.pk).seats_taken == 0

    fake_gateways.midtrans_pay(payment.order_id, notify=False)
    settled = payment_succeeded(order_id=payment.order_id, amount=150000)

    assert settled.status == PaymentStatus.PAID
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert ClassSession.objects.get(pk=midtrans_session.pk).seats_taken == 2
    assert MessageKind.BOOKING_CONFIRMED in kinds(booking, to_owner=False)


def test_a_gateway_payment_after_the_seats_went_to_others_is_refunded_and_the_tourist_told(
    midtrans_session, fake_gateways
):
    booking = hold(midtrans_session, seats=2)
    payment, _checkout = payment_start(booking=booking, method="midtrans")
    let_the_hold_expire(booking)
    hold(midtrans_session, seats=4, email="rombongan@example.id")

    fake_gateways.midtrans_pay(payment.order_id, notify=False)
    owed = payment_succeeded(order_id=payment.order_id, amount=150000)
    refunded = payment_refund_process(payment_id=payment.pk)

    assert owed.status == PaymentStatus.REFUND_PENDING and owed.refund_reason == "seats_gone"
    assert refunded.status == PaymentStatus.REFUNDED
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.EXPIRED
    assert ClassSession.objects.get(pk=midtrans_session.pk).seats_taken == 4
    email = delivered(booking, MessageKind.PAYMENT_REFUNDED)
    with translation.override("id"):
        assert _(
            "Your payment arrived after your hold had expired, and the seats had been taken by then."
        ) in (email.body)


def test_a_gateway_payment_for_a_booking_already_paid_in_cash_replaces_the_cash(
    midtrans_session, fake_gateways
):
    booking = hold(midtrans_session, seats=1)
    payment, _checkout = payment_start(booking=booking, method="midtrans")
    payment_start(booking=booking, method="at_workshop")  # changed their mind: cash at the door

    fake_gateways.midtrans_pay(payment.order_id, notify=False)
    payment_succeeded(order_id=payment.order_id, amount=75000)

    statuses = dict(Payment.objects.filter(booking=booking).values_list("method", "status"))
    assert statuses == {"midtrans": PaymentStatus.PAID, "at_workshop": PaymentStatus.CANCELLED}
    assert MessageKind.PAYMENT_RECEIVED in kinds(booking, to_owner=False)
