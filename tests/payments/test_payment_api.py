"""The payment API: who may pay which booking how, what the catalogue says, how methods are turned on."""

# The shared fixtures are imported from helpers; pytest injects them by name.
# ruff: noqa: F811

import pytest

from bookings.models import BookingStatus
from bookings.payments.models import Payment
from tests.bookings.conftest import client_for
from tests.factories import UserFactory
from tests.payments.helpers import hold, host, owner, session, stranger_host, token_of  # noqa: F401

pytestmark = pytest.mark.django_db


def pay_url(booking, token=""):
    url = f"/api/v1/bookings/{booking.code}/pay/"
    return f"{url}?token={token}" if token else url


def test_a_signed_in_tourist_pays_their_own_booking_without_a_token(session):
    tourist = UserFactory(email="turis@example.id")
    booking = hold(session, seats=1, user=tourist)

    response = client_for(tourist).post(pay_url(booking), {"method": "bank_transfer"}, format="json")

    assert response.status_code == 201
    assert response.json()["booking"]["payments"][0]["order_id"] == response.json()["payment"]["order_id"]


def test_another_user_or_a_wrong_token_gets_404_and_nothing_is_started(api, session):
    booking = hold(session, seats=1)
    someone = client_for(UserFactory(email="lain@example.id"))

    by_someone = someone.post(pay_url(booking), {"method": "bank_transfer"}, format="json")
    by_guess = api.post(pay_url(booking, "bukan-token"), {"method": "bank_transfer"}, format="json")

    assert by_someone.status_code == by_guess.status_code == 404
    assert by_someone.json()["code"] == "booking_not_found"
    assert not Payment.objects.filter(booking=booking).exists()


def test_a_method_the_class_does_not_take_is_refused_with_a_stable_code(api, session):
    booking = hold(session, seats=1)

    not_taken = api.post(pay_url(booking, token_of(booking)), {"method": "xendit"}, format="json")
    unknown = api.post(pay_url(booking, token_of(booking)), {"method": "bitcoin"}, format="json")

    assert not_taken.status_code == 400 and not_taken.json()["code"] == "payment_method_not_accepted"
    assert unknown.status_code == 400 and "method" in unknown.json()["fields"]
    assert not Payment.objects.filter(booking=booking).exists()


def test_a_confirmed_booking_is_not_paid_again(api, session):
    booking = hold(session, seats=1)
    api.post(pay_url(booking, token_of(booking)), {"method": "at_workshop"}, format="json")

    response = api.post(pay_url(booking, token_of(booking)), {"method": "bank_transfer"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert Payment.objects.filter(booking=booking).count() == 1


def test_the_booking_detail_lists_its_payments_and_how_it_may_be_paid(api, session):
    booking = hold(session, seats=2)
    api.post(pay_url(booking, token_of(booking)), {"method": "bank_transfer"}, format="json")

    body = api.get(f"/api/v1/bookings/{booking.code}/?token={token_of(booking)}").json()

    assert body["status"] == BookingStatus.HELD
    assert body["payment_methods"] == ["at_workshop", "bank_transfer"]
    assert body["links"]["pay"] == f"/api/v1/bookings/{booking.code}/pay/"
    [payment] = body["payments"]
    assert payment["method"] == "bank_transfer" and payment["status"] == "pending"
    assert booking.code in payment["instructions"] and payment["expires_at"] == body["hold_expires_at"]


def test_the_class_and_session_pages_list_the_methods_a_tourist_may_choose(api, session):
    batik_class = session.batik_class

    by_class = api.get(f"/api/v1/classes/{batik_class.slug}/").json()
    by_session = api.get(f"/api/v1/sessions/{session.pk}/").json()

    assert by_class["payment_methods"] == by_session["payment_methods"] == ["at_workshop", "bank_transfer"]


def test_an_owner_turns_methods_on_for_the_workshop_and_overrides_them_for_one_class(host, api, session):
    workshop, batik_class = session.batik_class.workshop, session.batik_class

    changed = host.patch(
        f"/api/v1/host/workshops/{workshop.slug}/",
        {"payment_methods": ["xendit", "at_workshop", "xendit"], "bank_name": "BNI"},
        format="json",
    )
    overridden = host.patch(
        f"/api/v1/host/classes/{batik_class.slug}/", {"payment_methods": ["midtrans"]}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["payment_methods"] == ["xendit", "at_workshop"]
    assert overridden.status_code == 200, overridden.json()
    assert api.get(f"/api/v1/classes/{batik_class.slug}/").json()["payment_methods"] == ["midtrans"]

    host.patch(f"/api/v1/host/classes/{batik_class.slug}/", {"payment_methods": None}, format="json")

    assert api.get(f"/api/v1/classes/{batik_class.slug}/").json()["payment_methods"] == [
        "at_workshop",
        "xendit",
    ]


def test_an_unknown_or_empty_method_list_is_refused(host, session):
    workshop = session.batik_class.workshop

    unknown = host.patch(
        f"/api/v1/host/workshops/{workshop.slug}/", {"payment_methods": ["gopay"]}, format="json"
    )
    empty = host.patch(f"/api/v1/host/workshops/{workshop.slug}/", {"payment_methods": []}, format="json")

    assert unknown.status_code == empty.status_code == 400
    workshop.refresh_from_db()
    assert workshop.payment_methods == ["at_workshop", "bank_transfer"]


def test_payment_endpoints_are_in_the_openapi_schema(api):
    response = api.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/bookings/{code}/pay/",
        "/api/v1/host/bookings/{code}/payment/paid/",
        "/api/v1/host/bookings/{code}/payment/reject/",
        "/api/v1/host/bookings/{code}/payment/refunded/",
    ):
        assert "post" in paths[path]
