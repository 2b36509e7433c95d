"""Paying by Midtrans Snap through the local fake: start, notifications, refunds."""

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
from tests.payments.conftest import hold, let_the_hold_expire, messages

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

NOTIFICATION_URL = "/api/v1/payments/midtrans/notification/"


def start(booking) -> Payment:
    payment, _checkout = payment_start(booking=booking, method="midtrans")
    return payment


def post(body, client: APIClient | None = None):
    return (client or APIClient()).post(NOTIFICATION_URL, body, format="json")


def paid_notification(fake_gateways, payment: Payment, **options) -> dict:
    """The tourist pays on Midtrans; the signed notification Midtrans would send (not sent yet)."""
    fake_gateways.midtrans_pay(payment.order_id, notify=False, **options)
    return fake_gateways.midtrans_notify(payment.order_id, send=False)["notification"]


def state(payment: Payment) -> tuple[str, str, int]:
    payment.refresh_from_db()
    booking = Booking.objects.select_related("session").get(pk=payment.booking_id)
    return payment.status, booking.status, booking.session.seats_taken


# --- Starting ------------------------------------------------------------------------------


def test_start_creates_a_snap_transaction_for_the_payment_and_holds_the_seats_until_it_expires(
    fake_gateways, gateway_session
):
    booking = hold(gateway_session, seats=2)

    payment, checkout = payment_start(booking=booking, method="midtrans")

    recorded = fake_gateways.midtrans(payment.order_id)
    assert recorded["gross_amount"] == "150000.00" and recorded["transaction_status"] == "pending"
    assert sum(item["price"] * item["quantity"] for item in recorded["item_details"]) == 150000
    assert recorded["customer_details"]["email"] == "rina@example.id"
    assert (
        recorded["finish_url"].startswith("http://")
        and f"/bookings/{booking.code}/" in recorded["finish_url"]
    )
    assert checkout.redirect_url.startswith(fake_gateways.url) and checkout.reference == recorded["token"]
    payment.refresh_from_db()
    assert (payment.provider_reference, payment.checkout_url) == (recorded["token"], checkout.redirect_url)
    booking.refresh_from_db()
    # 15 minutes for QRIS; the hold covers it.
    assert timedelta(minutes=14) <= payment.expires_at - timezone.now() <= timedelta(minutes=15)
    assert booking.hold_expires_at >= payment.expires_at


def test_start_when_midtrans_is_down_tells_the_tourist_to_try_again_and_keeps_the_hold(
    fake_gateways, gateway_session
):
    booking = hold(gateway_session, seats=1)
    fake_gateways.configure(outage={"mode": "error", "count": 1})

    with pytest.raises(PaymentGatewayUnavailable):
        payment_start(booking=booking, method="midtrans")

    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD
    assert Payment.objects.get(booking=booking).status == PaymentStatus.FAILED
    # Once Midtrans answers again the tourist can pay.
    assert start(booking).status == PaymentStatus.PENDING


# --- The happy path, over real HTTP both ways ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_tourist_pays_on_midtrans_and_its_notification_confirms_the_booking(
    fake_gateways, gateway_session, live_server
):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    fake_gateways.configure(notify_base=live_server.url)

    answer = fake_gateways.midtrans_pay(payment.order_id)

    assert answer["delivery"]["status"] == 200, answer["delivery"]
    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 2)
    assert messages(booking, MessageKind.BOOKING_CONFIRMED) == 1
    kept = PaymentNotification.objects.get(order_id=payment.order_id)
    assert kept.verified and kept.payment_id == payment.pk and kept.outcome == "settlement: paid"
    assert kept.raw["signature_key"] == answer["notification"]["signature_key"]


# --- Who may speak for Midtrans ------------------------------------------------------------------


@pytest.mark.parametrize("tamper", ["signature", "amount", "amount_number"])
def test_a_notification_not_signed_with_our_server_key_is_refused_and_changes_nothing(
    fake_gateways, gateway_session, tamper
):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    fake_gateways.midtrans_pay(payment.order_id, notify=False)
    forged = fake_gateways.midtrans_notify(payment.order_id, send=False, tamper=tamper)["notification"]

    response = post(forged)

    assert response.status_code == 403 and response.json()["code"] == "invalid_signature"
    assert state(payment) == (PaymentStatus.PENDING, BookingStatus.HELD, 2)
    kept = PaymentNotification.objects.get(order_id=payment.order_id)
    assert not kept.verified and kept.outcome == "invalid_signature" and kept.payment is None


def test_a_body_that_is_not_json_is_refused(db):
    response = APIClient().post(NOTIFICATION_URL, "order_id=1&status_code=200", content_type="text/plain")
    assert response.status_code == 400 and response.json()["code"] == "invalid_notification"
    assert PaymentNotification.objects.get().outcome == "not_json"


def test_nul_characters_and_lone_surrogates_are_refused_as_sent_and_still_kept(db):
    """Valid JSON that PostgreSQL cannot store as is (found by schemathesis): refused, kept, no 500."""
    nul = APIClient().post(NOTIFICATION_URL, "\x00", content_type="application/json")
    odd = APIClient().post(
        "/api/v1/payments/xendit/callback/",
        '{"external_id": "CTG-\\u0000-\\ud84a", "\\udcff": ["\\u0000"]}',
        content_type="application/json",
        HTTP_X_CALLBACK_TOKEN="forged",
    )

    assert nul.status_code == 400 and nul.json()["code"] == "invalid_notification"
    assert odd.status_code == 403 and odd.json()["code"] == "invalid_callback_token"
    kept = {n.outcome: n for n in PaymentNotification.objects.all()}
    assert kept["not_json"].raw == {"unparsed": "\ufffd"}
    assert kept["invalid_callback_token"].order_id == "CTG-\ufffd-\ufffd"
    assert kept["invalid_callback_token"].raw == {"external_id": "CTG-\ufffd-\ufffd", "\ufffd": ["\ufffd"]}


def test_a_verified_notification_for_an_order_we_do_not_have_gets_the_same_answer(
    fake_gateways, gateway_session
):
    from bookings.payments.providers.midtrans import midtrans_client

    booking = hold(gateway_session, seats=1)
    ours = paid_notification(fake_gateways, start(booking))
    # An order Midtrans has but Canting has not, and one neither has (signed with our key).
    midtrans_client().create_transaction(order_id="CTG-ZZZZ-9", gross_amount=75000, expiry_minutes=15)
    fake_gateways.midtrans_pay("CTG-ZZZZ-9", notify=False)
    theirs = fake_gateways.midtrans_notify("CTG-ZZZZ-9", send=False)["notification"]
    from bookings.payments.gateways.midtrans import notification_signature
    from tests.payments.conftest import MIDTRANS_SERVER_KEY

    nobody = {**theirs, "order_id": "CTG-NONE-1"}
    nobody["signature_key"] = notification_signature(
        order_id="CTG-NONE-1",
        status_code="200",
        gross_amount=theirs["gross_amount"],
        server_key=MIDTRANS_SERVER_KEY,
    )

    answers = [post(body) for body in (ours, theirs, nobody)]

    assert [(a.status_code, a.json()) for a in answers] == [(200, {"status": "ok"})] * 3
    outcomes = dict(PaymentNotification.objects.values_list("order_id", "outcome"))
    assert outcomes["CTG-ZZZZ-9"] == outcomes["CTG-NONE-1"] == "unknown_order"


# --- Repeats and disorder ---------------------------------------------------------------------------


def test_the_same_notification_five_times_confirms_once(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    body = paid_notification(fake_gateways, payment)

    answers = [post(body).status_code for _ in range(5)]

    assert answers == [200] * 5
    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 2)
    assert messages(booking, MessageKind.BOOKING_CONFIRMED) == 1
    assert PaymentNotification.objects.filter(order_id=payment.order_id, verified=True).count() == 5


def test_a_stale_pending_or_expire_after_settlement_changes_nothing(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    settled = paid_notification(fake_gateways, payment)
    # Properly signed, but older news than the settlement (they arrive out of order in practice).
    stale_pending = fake_gateways.midtrans_notify(payment.order_id, send=False, transaction_status="pending")
    stale_expire = fake_gateways.midtrans_notify(payment.order_id, send=False, transaction_status="expire")

    # The stale "expire" arrives first: Midtrans, asked, says settled, so that is what happens.
    assert post(stale_expire["notification"]).status_code == 200
    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 2)
    assert post(stale_pending["notification"]).status_code == 200
    assert post(settled).status_code == 200
    assert post(stale_expire["notification"]).status_code == 200

    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 2)
    assert messages(booking, MessageKind.BOOKING_CONFIRMED) == 1
    assert messages(booking, MessageKind.PAYMENT_FAILED) == 0


def test_a_pending_notification_before_payment_changes_nothing(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=1)
    payment = start(booking)
    pending = fake_gateways.midtrans_notify(payment.order_id, send=False)["notification"]

    assert post(pending).status_code == 200

    assert state(payment) == (PaymentStatus.PENDING, BookingStatus.HELD, 1)
    assert PaymentNotification.objects.get().outcome == "pending: no change"


def test_a_transaction_settled_for_another_amount_is_not_accepted(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    # Midtrans records 15.000 for this order, not the booking's 150.000.
    fake_gateways.midtrans_amount(payment.order_id, 15000)
    body = paid_notification(fake_gateways, payment)

    response = post(body)

    assert response.status_code == 200
    assert state(payment) == (PaymentStatus.PENDING, BookingStatus.HELD, 2)
    assert PaymentNotification.objects.get().outcome == "settlement: amount_mismatch 15000.00"


def test_a_card_payment_under_fraud_review_waits(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=1)
    payment = start(booking)
    fake_gateways.midtrans_status(payment.order_id, "capture", fraud_status="challenge", notify=False)
    body = fake_gateways.midtrans_notify(payment.order_id, send=False)["notification"]

    assert post(body).status_code == 200
    assert state(payment) == (PaymentStatus.PENDING, BookingStatus.HELD, 1)


# --- Failure and expiry -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "final"), [("expire", PaymentStatus.EXPIRED), ("deny", PaymentStatus.FAILED)]
)
def test_an_expired_or_denied_transaction_lets_the_seats_go(fake_gateways, gateway_session, said, final):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    fake_gateways.midtrans_status(payment.order_id, said, notify=False)
    body = fake_gateways.midtrans_notify(payment.order_id, send=False)["notification"]

    for _ in range(3):
        assert post(body).status_code == 200

    assert state(payment) == (final, BookingStatus.EXPIRED, 0)
    assert messages(booking, MessageKind.PAYMENT_FAILED) == 1


def test_midtrans_unreachable_on_the_requery_answers_503_so_it_is_sent_again(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=1)
    payment = start(booking)
    body = paid_notification(fake_gateways, payment)
    fake_gateways.configure(outage={"mode": "error", "count": 1})

    first = post(body)

    assert first.status_code == 503 and first.json()["code"] == "payment_gateway_unavailable"
    assert state(payment) == (PaymentStatus.PENDING, BookingStatus.HELD, 1)
    assert post(body).status_code == 200
    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 1)
    outcomes = list(PaymentNotification.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == ["gateway_unavailable", "settlement: paid"]


# --- Paid after the hold expired ------------------------------------------------------------------------


def test_paid_after_the_hold_expired_with_seats_left_takes_them_again(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    let_the_hold_expire(booking)
    assert state(payment)[1:] == (BookingStatus.EXPIRED, 0)

    assert post(paid_notification(fake_gateways, payment)).status_code == 200

    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 2)
    assert fake_gateways.refunds() == []


def test_paid_after_the_hold_expired_with_no_seats_left_is_refunded_through_midtrans(
    fake_gateways, gateway_session
):
    booking = hold(gateway_session, seats=3)
    payment = start(booking)
    let_the_hold_expire(booking)
    hold(gateway_session, seats=2, email="budi@example.id")  # the seats went to someone else

    assert post(paid_notification(fake_gateways, payment)).status_code == 200
    assert state(payment) == (PaymentStatus.REFUND_PENDING, BookingStatus.EXPIRED, 2)

    refunded = payment_refund_process(payment_id=payment.pk)
    payment_refund_process(payment_id=payment.pk)  # a second run refunds nothing more

    assert refunded.status == PaymentStatus.REFUNDED and refunded.refunded_amount == 225000
    assert [(r["order_id"], r["amount"]) for r in fake_gateways.refunds()] == [(payment.order_id, 225000)]
    assert fake_gateways.midtrans(payment.order_id)["transaction_status"] == "refund"
    assert messages(booking, MessageKind.PAYMENT_REFUNDED) == 1


# --- Refunds on cancellation -------------------------------------------------------------------------------


def _paid(fake_gateways, booking) -> Payment:
    payment = start(booking)
    assert post(paid_notification(fake_gateways, payment)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    return payment


def test_cancelling_within_the_free_window_refunds_through_midtrans(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=2)
    payment = _paid(fake_gateways, booking)

    booking_cancel(booking=Booking.objects.get(pk=booking.pk))
    refunded = payment_refund_process(payment_id=payment.pk)

    assert refunded.status == PaymentStatus.REFUNDED
    [refund] = fake_gateways.refunds()
    assert (refund["order_id"], refund["amount"], refund["reason"]) == (
        payment.order_id,
        150000,
        "booking_cancelled",
    )
    assert refunded.refund_reference == refund["refund_key"]
    # Midtrans's notification about its own refund changes nothing more.
    refund_notice = fake_gateways.midtrans_notify(payment.order_id, send=False)["notification"]
    assert post(refund_notice).status_code == 200
    assert state(payment)[0] == PaymentStatus.REFUNDED


def test_the_host_cancelling_the_session_refunds_through_midtrans(fake_gateways, gateway_session):
    from tests.factories import MembershipFactory

    owner = MembershipFactory(workshop=gateway_session.batik_class.workshop, role="owner").user
    booking = hold(gateway_session, seats=1)
    payment = _paid(fake_gateways, booking)

    session_cancel_with_bookings(session=gateway_session, reason="Banjir di jalan", actor=owner)
    refunded = payment_refund_process(payment_id=payment.pk)

    assert refunded.status == PaymentStatus.REFUNDED
    assert [(r["order_id"], r["amount"], r["reason"]) for r in fake_gateways.refunds()] == [
        (payment.order_id, 75000, "session_cancelled")
    ]


def test_a_virtual_account_payment_midtrans_cannot_refund_stays_owed(fake_gateways, gateway_session):
    booking = hold(gateway_session, seats=1)
    payment = start(booking)
    assert post(paid_notification(fake_gateways, payment, payment_type="bank_transfer")).status_code == 200

    booking_cancel(booking=Booking.objects.get(pk=booking.pk))
    owed = payment_refund_process(payment_id=payment.pk)

    assert owed.status == PaymentStatus.REFUND_PENDING and owed.refund_attempts == 1
    assert "not supported" in owed.note
    assert fake_gateways.refunds() == []


# --- Throttle ---------------------------------------------------------------------------------


def test_notifications_are_throttled_per_client(fake_gateways, gateway_session, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "payment_webhook": "3/min",
        },
    }
    booking = hold(gateway_session, seats=1)
    body = paid_notification(fake_gateways, start(booking))

    codes = [post(body).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    assert post({**body, "signature_key": "0" * 128}).json()["code"] == "throttled"


@pytest.mark.django_db(transaction=True)
def test_five_copies_of_the_notification_at_the_same_moment_confirm_once(fake_gateways, gateway_session):
    from tests.concurrency import run_together

    booking = hold(gateway_session, seats=2)
    payment = start(booking)
    body = paid_notification(fake_gateways, payment)

    codes = run_together(5, lambda _index: post(body).status_code)

    assert codes == [200] * 5
    assert state(payment) == (PaymentStatus.PAID, BookingStatus.CONFIRMED, 2)
    assert messages(booking, MessageKind.BOOKING_CONFIRMED) == 1
