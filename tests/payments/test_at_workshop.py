"""Pay at the workshop: confirming chooses it; the host collects at check-in; the roster shows the rest."""

# The shared fixtures are imported from helpers; pytest injects them by name.
# ruff: noqa: F811

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import gettext as _

from bookings.models import Booking, BookingStatus, MessageKind
from bookings.payments.models import Payment, PaymentStatus
from tests.payments.helpers import delivered, hold, host, kinds, owner, session, stranger_host, token_of  # noqa: F401
from workshops.models import AuditEntry

pytestmark = pytest.mark.django_db


def confirm(client, booking):
    return client.post(f"/api/v1/bookings/{booking.code}/confirm/?token={token_of(booking)}")


def pay(client, booking, method):
    return client.post(
        f"/api/v1/bookings/{booking.code}/pay/?token={token_of(booking)}", {"method": method}, format="json"
    )


@pytest.fixture
def on_the_day(session):
    with time_machine.travel(session.starts_at - timedelta(minutes=20), tick=False):
        yield


def test_confirming_a_hold_is_choosing_to_pay_at_the_workshop(api, session):
    booking = hold(session, seats=2)

    response = confirm(api, booking)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["payment_methods"] == ["at_workshop", "bank_transfer"]
    [payment] = body["payments"]
    assert payment["method"] == "at_workshop"
    assert payment["status"] == "awaiting_collection"
    assert payment["amount"] == 150000 and payment["currency"] == "IDR"
    assert payment["order_id"] == f"{booking.code}-1"


def test_paying_at_the_workshop_through_pay_confirms_at_once_and_the_e_mail_says_so(api, session):
    booking = hold(session, seats=1, language="en")

    response = pay(api, booking, "at_workshop")

    assert response.status_code == 201
    assert response.json()["booking"]["status"] == "confirmed"
    assert response.json()["payment"]["status"] == "awaiting_collection"
    assert kinds(booking, to_owner=False) == [MessageKind.BOOKING_CONFIRMED]
    email = delivered(booking, MessageKind.BOOKING_CONFIRMED)
    with translation.override("en"):
        assert _("Payment: pay at the workshop.") in email.body


def test_a_class_that_does_not_take_cash_refuses_a_plain_confirm_and_keeps_the_hold(api, session):
    batik_class = session.batik_class
    batik_class.payment_methods = ["bank_transfer"]
    batik_class.save()
    booking = hold(session)

    response = confirm(api, booking)

    assert response.status_code == 400
    assert response.json()["code"] == "payment_method_not_accepted"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD
    assert not Payment.objects.filter(booking=booking).exists()


def test_the_roster_shows_what_is_still_to_collect_in_json_and_csv(host, session):
    first = hold(session, seats=2, email="a@example.id")
    second = hold(session, seats=1, email="b@example.id")
    pay(host, first, "at_workshop")
    pay(host, second, "at_workshop")

    body = host.get(f"/api/v1/host/sessions/{session.pk}/roster/").json()
    csv_text = host.get(f"/api/v1/host/sessions/{session.pk}/roster/", {"format": "csv"}).content.decode()

    assert body["totals"]["to_collect"] == 225000
    assert body["totals"]["paid"] == 0
    assert {row["payment"]["to_collect"] for row in body["bookings"]} == {150000, 75000}
    header, *rows = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))
    with translation.override("id"):
        assert header[-2:] == [_("Payment"), _("To collect (Rp)")]
    to_collect = {row[0]: row[-1] for row in rows}
    assert to_collect == {first.code: "150000", second.code: "75000"}


def test_checking_in_with_the_cash_collected_marks_it_paid_and_the_roster_has_nothing_left(
    host, session, on_the_day
):
    booking = hold(session, seats=2)
    pay(host, booking, "at_workshop")

    response = host.post("/api/v1/host/check-in/", {"code": booking.code, "collected": True}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "attended"
    assert response.json()["payment"]["status"] == "paid"
    assert response.json()["payment"]["to_collect"] == 0
    totals = host.get(f"/api/v1/host/sessions/{session.pk}/roster/").json()["totals"]
    assert totals["to_collect"] == 0 and totals["paid"] == 150000
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.PAID and payment.marked_by is not None
    # The guest gets a receipt; the owners, who collected it themselves, are not told.
    assert MessageKind.PAYMENT_RECEIVED in kinds(booking, to_owner=False)
    assert MessageKind.HOST_PAYMENT_RECEIVED not in kinds(booking, to_owner=True)


def test_marking_the_cash_collected_five_times_is_one_change(host, session):
    booking = hold(session, seats=1)
    pay(host, booking, "at_workshop")

    answers = [
        host.post(f"/api/v1/host/bookings/{booking.code}/payment/paid/", {}, format="json") for _n in range(5)
    ]

    assert {answer.status_code for answer in answers} == {200}
    assert Payment.objects.get(booking=booking).status == PaymentStatus.PAID
    assert kinds(booking, to_owner=False).count(MessageKind.PAYMENT_RECEIVED) == 1
    assert AuditEntry.objects.filter(action="payment.paid", target_id=booking.code).count() == 1


def test_a_host_of_another_workshop_cannot_mark_it_paid_and_learns_nothing(stranger_host, session):
    booking = hold(session, seats=1)
    pay(stranger_host, booking, "at_workshop")

    response = stranger_host.post(f"/api/v1/host/bookings/{booking.code}/payment/paid/", {}, format="json")

    assert response.status_code == 404
    assert Payment.objects.get(booking=booking).status == PaymentStatus.AWAITING_COLLECTION


def test_a_tourist_is_not_a_host(api, session):
    from tests.bookings.conftest import client_for
    from tests.factories import UserFactory

    booking = hold(session, seats=1)
    pay(api, booking, "at_workshop")

    response = client_for(UserFactory()).post(
        f"/api/v1/host/bookings/{booking.code}/payment/paid/", {}, format="json"
    )

    assert response.status_code == 403


def test_cancelling_a_booking_to_pay_at_the_workshop_leaves_nothing_to_collect_or_refund(api, host, session):
    booking = hold(session, seats=2)
    pay(api, booking, "at_workshop")

    response = api.post(f"/api/v1/bookings/{booking.code}/cancel/?token={token_of(booking)}")

    assert response.status_code == 200
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.CANCELLED and payment.refund_due == 0
    assert host.get(f"/api/v1/host/sessions/{session.pk}/roster/").json()["totals"]["to_collect"] == 0
    email = delivered(booking, MessageKind.BOOKING_CANCELLED)
    with translation.override(booking.language):
        assert _("Nothing was charged: you had chosen to pay at the workshop.") in email.body
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
