"""Payment pages: the tourist chooses how to pay on the hold page; the host records payments on the roster."""

# The shared fixtures are imported from helpers; pytest injects them by name.
# ruff: noqa: F811

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from bookings.models import Booking, BookingStatus, MessageKind
from bookings.payments.models import Payment, PaymentStatus
from bookings.payments.services import payment_start
from tests.payments.helpers import hold, kinds, owner, session, token_of  # noqa: F401

pytestmark = pytest.mark.django_db


def hold_page(booking):
    return f"/bookings/{booking.code}/hold/"


def test_the_hold_page_offers_the_methods_the_class_accepts(session):
    booking = hold(session, seats=1)

    html = Client().get(hold_page(booking), {"token": token_of(booking)}).content.decode()

    assert 'name="method" value="at_workshop"' in html
    assert 'name="method" value="bank_transfer"' in html
    assert 'value="midtrans"' not in html and 'value="xendit"' not in html


def test_choosing_the_transfer_on_the_page_shows_the_instructions_on_the_booking_page(session):
    booking = hold(session, seats=2)
    token = token_of(booking)
    client = Client()

    response = client.post(
        hold_page(booking), {"token": token, "action": "confirm", "method": "bank_transfer"}
    )

    assert response.status_code == 302
    assert response.url == f"/bookings/{booking.code}/?token={token}"
    html = client.get(response.url).content.decode()
    assert 'id="payment-instructions"' in html
    for part in ("Rp150.000", "0123-01-000123-50-1", booking.code, "WIB"):
        assert part in html
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.HELD


def test_confirming_without_choosing_pays_at_the_workshop_as_before(session):
    booking = hold(session, seats=1)

    response = Client().post(hold_page(booking), {"token": token_of(booking), "action": "confirm"})

    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert Payment.objects.get(booking=booking).status == PaymentStatus.AWAITING_COLLECTION


def test_a_method_the_class_does_not_take_is_refused_on_the_page(session):
    booking = hold(session, seats=1)
    client = Client()

    response = client.post(
        hold_page(booking), {"token": token_of(booking), "action": "confirm", "method": "xendit"}
    )

    assert response.status_code == 302 and response.url.startswith(hold_page(booking))
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.HELD
    assert not Payment.objects.filter(booking=booking).exists()


def test_the_roster_page_shows_what_to_collect_and_the_host_marks_a_transfer_received(session, owner):
    cash = hold(session, seats=1, email="cash@example.id")
    payment_start(booking=cash, method="at_workshop")
    transfer = hold(session, seats=2, email="transfer@example.id")
    payment_start(booking=transfer, method="bank_transfer")
    client = Client()
    client.force_login(owner)

    html = client.get(f"/host/sessions/{session.pk}/").content.decode()

    assert "Rp75.000" in html  # the cash to collect
    assert 'value="reject"' in html and 'value="paid"' in html

    response = client.post(f"/host/sessions/{session.pk}/payment/", {"code": transfer.code, "action": "paid"})

    assert response.status_code == 302
    assert Booking.objects.get(pk=transfer.pk).status == BookingStatus.CONFIRMED
    assert Payment.objects.filter(booking=transfer, status=PaymentStatus.PAID).exists()


def test_the_host_rejects_a_transfer_from_the_roster_only_with_a_reason(session, owner):
    transfer = hold(session, seats=2)
    payment_start(booking=transfer, method="bank_transfer")
    client = Client()
    client.force_login(owner)
    url = f"/host/sessions/{session.pk}/payment/"

    client.post(url, {"code": transfer.code, "action": "reject", "reason": ""})
    assert Booking.objects.get(pk=transfer.pk).status == BookingStatus.HELD

    client.post(url, {"code": transfer.code, "action": "reject", "reason": "Dana tidak masuk"})
    assert Booking.objects.get(pk=transfer.pk).status == BookingStatus.CANCELLED
    assert MessageKind.PAYMENT_REJECTED in kinds(transfer, to_owner=False)


def test_checking_in_at_the_door_with_the_cash_collected(session, owner):
    cash = hold(session, seats=1)
    payment_start(booking=cash, method="at_workshop")
    client = Client()
    client.force_login(owner)

    with time_machine.travel(session.starts_at - timedelta(minutes=10), tick=False):
        client.post(f"/host/sessions/{session.pk}/check-in/", {"code": cash.code, "collected": "1"})

    assert Booking.objects.get(pk=cash.pk).status == BookingStatus.ATTENDED
    assert Payment.objects.get(booking=cash).status == PaymentStatus.PAID


def test_another_workshops_host_cannot_record_payments_here(session, owner):
    from tests.factories import MembershipFactory

    transfer = hold(session, seats=1)
    payment_start(booking=transfer, method="bank_transfer")
    stranger = MembershipFactory(user__email="other@sanggar.id").user
    client = Client()
    client.force_login(stranger)

    response = client.post(f"/host/sessions/{session.pk}/payment/", {"code": transfer.code, "action": "paid"})

    assert response.status_code == 404
    assert Payment.objects.get(booking=transfer).status == PaymentStatus.PENDING
