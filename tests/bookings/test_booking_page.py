"""The page a guest opens from the e-mail link: their booking, its QR code, and a cancel button."""

import pytest
from django.test import Client

from bookings.models import Booking, BookingStatus
from tests.bookings.conftest import GUEST

pytestmark = pytest.mark.django_db


def _guest_booking(api, session) -> dict:
    return api.post(
        "/api/v1/bookings/", {"session": session.pk, "seats": 2, "contact": GUEST}, format="json"
    ).json()


def test_the_manage_link_shows_the_booking_with_its_qr_code_and_time_in_wib(api, session):
    created = _guest_booking(api, session)

    page = Client().get(f"/bookings/{created['code']}/", {"token": created["manage_token"]})

    assert page.status_code == 200
    html = page.content.decode()
    assert created["code"] in html
    assert "WIB" in html
    assert "<svg" in html
    assert session.batik_class.workshop.address in html


def test_without_the_token_the_page_does_not_exist(api, session):
    created = _guest_booking(api, session)

    assert Client().get(f"/bookings/{created['code']}/").status_code == 404
    assert Client().get(f"/bookings/{created['code']}/", {"token": "nope"}).status_code == 404


def test_the_guest_cancels_from_the_page_and_the_seats_come_back(api, session):
    created = _guest_booking(api, session)

    response = Client().post(
        f"/bookings/{created['code']}/", {"token": created["manage_token"], "action": "cancel"}
    )

    assert response.status_code == 302
    assert Booking.objects.get(code=created["code"]).status == BookingStatus.CANCELLED
    session.refresh_from_db()
    assert session.seats_taken == 0
