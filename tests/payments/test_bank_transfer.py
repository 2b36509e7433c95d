"""Bank transfer: held with instructions until a deadline; the host marks it paid or rejects it."""

# The shared fixtures are imported from helpers; pytest injects them by name.
# ruff: noqa: F811

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bookings.models import Booking, BookingStatus, MessageKind
from bookings.payments.errors import AmountMismatch
from bookings.payments.models import Payment, PaymentStatus
from bookings.payments.services import payment_failed, payment_start, payment_succeeded
from core.formatting import wib_datetime
from tests.payments.helpers import (  # noqa: F401
    delivered,
    hold,
    host,
    kinds,
    let_the_hold_expire,
    owner,
    session,
    stranger_host,
    token_of,
)
from workshops.models import ClassSession

pytestmark = pytest.mark.django_db


def pay(client, booking, method="bank_transfer", **headers):
    return client.post(
        f"/api/v1/bookings/{booking.code}/pay/?token={token_of(booking)}",
        {"method": method},
        format="json",
        headers=headers,
    )


def seats_taken(session) -> int:
    return ClassSession.objects.get(pk=session.pk).seats_taken


def test_choosing_a_transfer_keeps_the_seats_held_with_instructions_and_a_deadline(api, session, owner):
    booking = hold(session, seats=2, language="en")
    before = timezone.now()

    response = pay(api, booking)

    assert response.status_code == 201
    body = response.json()
    assert body["booking"]["status"] == "held"
    payment = body["payment"]
    assert payment["method"] == "bank_transfer" and payment["status"] == "pending"
    assert payment["amount"] == 150000
    for part in ("Rp150.000", "BRI", "0123-01-000123-50-1", "Kelompok Batik Tidayu", booking.code, "WIB"):
        assert part in payment["instructions"]
    deadline = Payment.objects.get(booking=booking).expires_at
    assert before + timedelta(hours=settings.PAYMENT_BANK_TRANSFER_HOURS - 1) < deadline
    assert deadline <= session.starts_at - timedelta(hours=settings.PAYMENT_BANK_TRANSFER_CUTOFF_HOURS)
    # The seats stay held exactly as long as the transfer may arrive.
    assert Booking.objects.get(pk=booking.pk).hold_expires_at == deadline
    assert kinds(booking, to_owner=False) == [MessageKind.PAYMENT_INSTRUCTIONS]
    assert kinds(booking, to_owner=True) == [MessageKind.HOST_TRANSFER_AWAITING]


def test_the_instructions_e_mail_is_in_the_guests_language_with_the_deadline_in_wib(session, owner):
    booking = hold(session, seats=1, language="en")
    payment, _checkout = payment_start(booking=booking, method="bank_transfer")

    email = delivered(booking, MessageKind.PAYMENT_INSTRUCTIONS)
    to_owner = delivered(booking, MessageKind.HOST_TRANSFER_AWAITING, to_owner=True)

    assert email.to == ["rina@example.id"]
    with translation.override("en"):
        deadline = wib_datetime(payment.expires_at)
    assert deadline in email.body and deadline in email.subject
    assert "Rp75.000" in email.body and "0123-01-000123-50-1" in email.body and booking.code in email.body
    assert to_owner.to == ["owner@sanggar.id"] and booking.code in to_owner.body


def test_the_host_marks_the_transfer_paid_and_the_booking_is_confirmed(host, api, session, owner):
    booking = hold(session, seats=2)
    pay(api, booking)

    response = host.post(
        f"/api/v1/host/bookings/{booking.code}/payment/paid/", {"note": "BRI 14:02"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert response.json()["payment"]["status"] == "paid"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.hold_expires_at is None
    assert seats_taken(session) == 2
    email = delivered(booking, MessageKind.BOOKING_CONFIRMED)
    with translation.override("id"):
        assert (
            _("Paid: %(amount)s (%(method)s).") % {"amount": "Rp150.000", "method": _("Bank transfer")}
            in email.body
        )
    assert MessageKind.HOST_NEW_BOOKING in kinds(booking, to_owner=True)


def test_the_host_rejects_a_transfer_that_never_came_and_the_seats_are_released(host, api, session, owner):
    booking = hold(session, seats=3)
    pay(api, booking)
    assert seats_taken(session) == 3

    response = host.post(
        f"/api/v1/host/bookings/{booking.code}/payment/reject/",
        {"reason": "Tidak ada dana masuk"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert Payment.objects.get(booking=booking).status == PaymentStatus.REJECTED
    assert seats_taken(session) == 0
    email = delivered(booking, MessageKind.PAYMENT_REJECTED)
    assert "Tidak ada dana masuk" in email.body
    # Rejecting again changes nothing and tells nobody twice.
    again = host.post(
        f"/api/v1/host/bookings/{booking.code}/payment/reject/", {"reason": "lagi"}, format="json"
    )
    assert again.status_code == 200
    assert kinds(booking, to_owner=False).count(MessageKind.PAYMENT_REJECTED) == 1


def test_a_rejection_needs_a_reason_and_a_host_of_another_workshop_gets_404(
    host, stranger_host, api, session
):
    booking = hold(session, seats=1)
    pay(api, booking)

    assert (
        host.post(f"/api/v1/host/bookings/{booking.code}/payment/reject/", {}, format="json").status_code
        == 400
    )
    other = stranger_host.post(
        f"/api/v1/host/bookings/{booking.code}/payment/reject/", {"reason": "x"}, format="json"
    )
    assert other.status_code == 404
    assert Payment.objects.get(booking=booking).status == PaymentStatus.PENDING


def test_when_the_deadline_passes_the_sweep_releases_the_seats_and_the_payment_expires(api, session):
    booking = hold(session, seats=2)
    pay(api, booking)

    let_the_hold_expire(booking)

    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.EXPIRED
    assert Payment.objects.get(booking=booking).status == PaymentStatus.EXPIRED
    assert seats_taken(session) == 0
    assert MessageKind.HOLD_EXPIRED in kinds(booking, to_owner=False)


def test_a_transfer_found_after_the_deadline_takes_the_seats_again_if_they_are_free(host, api, session):
    booking = hold(session, seats=2)
    pay(api, booking)
    let_the_hold_expire(booking)

    response = host.post(f"/api/v1/host/bookings/{booking.code}/payment/paid/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert seats_taken(session) == 2


def test_a_transfer_found_after_the_seats_went_to_others_is_owed_back_and_refunded_by_hand(
    host, api, session, owner
):
    booking = hold(session, seats=2)
    pay(api, booking)
    let_the_hold_expire(booking)
    hold(session, seats=4, email="rombongan@example.id")  # the whole session, taken meanwhile

    response = host.post(f"/api/v1/host/bookings/{booking.code}/payment/paid/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "expired"
    assert response.json()["payment"]["refund_due"] == 150000
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.REFUND_PENDING and payment.refund_reason == "seats_gone"
    assert seats_taken(session) == 4
    assert MessageKind.HOST_REFUND_DUE in kinds(booking, to_owner=True)
    roster = host.get(f"/api/v1/host/sessions/{session.pk}/roster/").json()
    assert roster["totals"]["refund_due"] == 150000

    done = host.post(
        f"/api/v1/host/bookings/{booking.code}/payment/refunded/", {"note": "BRI"}, format="json"
    )

    assert done.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED and payment.refunded_amount == 150000
    email = delivered(booking, MessageKind.PAYMENT_REFUNDED)
    assert "Rp150.000" in email.body
    with translation.override("id"):
        assert _(
            "Your payment arrived after your hold had expired, and the seats had been taken by then."
        ) in (email.body)


def test_a_success_with_another_amount_is_refused_and_nothing_changes(api, session):
    booking = hold(session, seats=2)
    pay(api, booking)
    payment = Payment.objects.get(booking=booking)

    with pytest.raises(AmountMismatch):
        payment_succeeded(order_id=payment.order_id, amount=75000, provider_reference="x")

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.paid_at is None
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.HELD


def test_the_same_success_five_times_is_one_transition(session, owner):
    booking = hold(session, seats=2)
    payment, _checkout = payment_start(booking=booking, method="bank_transfer")

    results = [
        payment_succeeded(order_id=payment.order_id, amount=150000, provider_reference="ref-1")
        for _n in range(5)
    ]

    assert {result.status for result in results} == {PaymentStatus.PAID}
    assert len({result.paid_at for result in results}) == 1
    assert kinds(booking, to_owner=False).count(MessageKind.BOOKING_CONFIRMED) == 1
    assert kinds(booking, to_owner=True).count(MessageKind.HOST_NEW_BOOKING) == 1
    assert seats_taken(session) == 2


def test_a_failure_lets_the_hold_go_and_a_late_success_still_takes_the_seats_again(session):
    booking = hold(session, seats=2)
    payment, _checkout = payment_start(booking=booking, method="bank_transfer")

    payment_failed(order_id=payment.order_id, status="expire")

    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.EXPIRED
    assert seats_taken(session) == 0
    assert MessageKind.PAYMENT_FAILED in kinds(booking, to_owner=False)
    # A failure repeated, or arriving after a success, changes nothing.
    assert payment_failed(order_id=payment.order_id, status="deny").status == PaymentStatus.EXPIRED

    payment_succeeded(order_id=payment.order_id, amount=150000)

    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert seats_taken(session) == 2
    assert payment_failed(order_id=payment.order_id, status="expire").status == PaymentStatus.PAID


def test_choosing_the_transfer_twice_answers_with_the_same_payment_and_a_key_replays(api, session):
    booking = hold(session, seats=1)

    first = pay(api, booking, **{"Idempotency-Key": "bayar-1"})
    replay = pay(api, booking, **{"Idempotency-Key": "bayar-1"})
    again = pay(api, booking)

    assert first.status_code == replay.status_code == again.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert first.json()["payment"]["order_id"] == again.json()["payment"]["order_id"]
    assert Payment.objects.filter(booking=booking).count() == 1
    assert kinds(booking, to_owner=False).count(MessageKind.PAYMENT_INSTRUCTIONS) == 1


def test_switching_from_transfer_to_cash_supersedes_the_transfer(api, session):
    booking = hold(session, seats=1)
    pay(api, booking)

    response = pay(api, booking, "at_workshop")

    assert response.status_code == 201
    statuses = dict(Payment.objects.filter(booking=booking).values_list("method", "status"))
    assert statuses == {"bank_transfer": "cancelled", "at_workshop": "awaiting_collection"}
    assert [p["method"] for p in response.json()["booking"]["payments"]] == ["bank_transfer", "at_workshop"]


def test_no_transfer_without_the_workshops_account(api, session):
    workshop = session.batik_class.workshop
    workshop.bank_account_number = ""
    workshop.save()
    booking = hold(session, seats=1)

    response = pay(api, booking)

    assert response.status_code == 400
    assert response.json()["code"] == "payment_method_not_accepted"
    assert api.get(f"/api/v1/bookings/{booking.code}/?token={token_of(booking)}").json()[
        "payment_methods"
    ] == ["at_workshop"]


def test_a_class_starting_too_soon_for_a_transfer_says_so(api, session):
    ClassSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() + timedelta(hours=3), ends_at=timezone.now() + timedelta(hours=5)
    )
    booking = hold(session, seats=1)

    response = pay(api, booking)

    assert response.status_code == 409
    assert response.json()["code"] == "payment_method_too_late"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.HELD
    assert not Payment.objects.filter(booking=booking).exists()


PAYMENT_KINDS = [
    MessageKind.PAYMENT_INSTRUCTIONS,
    MessageKind.PAYMENT_RECEIVED,
    MessageKind.PAYMENT_REFUNDED,
    MessageKind.PAYMENT_REJECTED,
    MessageKind.PAYMENT_FAILED,
    MessageKind.HOST_TRANSFER_AWAITING,
    MessageKind.HOST_PAYMENT_RECEIVED,
    MessageKind.HOST_REFUND_DUE,
]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_payment_e_mail_renders_in_every_language_with_rupiah_and_the_booking(session, language):
    from bookings.models import OutboxMessage
    from bookings.notifications.emails import message_email

    booking = hold(session, seats=2, language=language)
    payment, _checkout = payment_start(booking=booking, method="bank_transfer")

    for kind in PAYMENT_KINDS:
        to_owner = kind.startswith("host_")
        message = OutboxMessage.objects.create(
            kind=kind,
            booking=booking,
            recipient_email="owner@sanggar.id" if to_owner else None,
            language=language if to_owner else None,
            payload={"payment": payment.pk, "reason": "seats_gone", "note": "Dana tidak masuk"},
            created_at=timezone.now(),
        )
        email = message_email(message)
        html = email.alternatives[0][0]
        assert booking.code in email.subject or booking.code in email.body, kind
        assert "Rp150.000" in email.body and "Rp150.000" in html, kind
        assert "WIB" in email.body, kind
        assert email.to == (["owner@sanggar.id"] if to_owner else ["rina@example.id"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_late_transfers_racing_for_the_last_seats_one_is_confirmed_the_other_owed_back(session, owner):
    from django.db.models import Sum

    from bookings.models import SEAT_HOLDING_STATUSES
    from bookings.payments.services import payment_mark_paid
    from tests.concurrency import run_together

    late = []
    for n in range(2):  # 3 seats each in a 4-seat session: one after the other, each let go
        booking = hold(session, seats=3, email=f"late{n}@example.id")
        payment_start(booking=booking, method="bank_transfer")
        let_the_hold_expire(booking)
        late.append(booking)

    run_together(2, lambda i: payment_mark_paid(booking=late[i], actor=owner).status)

    statuses = sorted(Booking.objects.filter(pk__in=[b.pk for b in late]).values_list("status", flat=True))
    assert statuses == [BookingStatus.CONFIRMED, BookingStatus.EXPIRED]
    payments = sorted(Payment.objects.filter(booking__in=late).values_list("status", flat=True))
    assert payments == [PaymentStatus.PAID, PaymentStatus.REFUND_PENDING]
    active = Booking.objects.filter(session=session, status__in=SEAT_HOLDING_STATUSES).aggregate(
        n=Sum("seats")
    )
    assert seats_taken(session) == active["n"] == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_success_arriving_five_times_at_once_is_one_transition(session, owner):
    from tests.concurrency import run_together

    booking = hold(session, seats=2)
    payment, _checkout = payment_start(booking=booking, method="bank_transfer")

    results = run_together(
        5,
        lambda _i: payment_succeeded(order_id=payment.order_id, amount=150000, provider_reference="r").status,
    )

    assert results == [PaymentStatus.PAID] * 5
    assert kinds(booking, to_owner=False).count(MessageKind.BOOKING_CONFIRMED) == 1
    assert seats_taken(session) == 2
