"""In a browser: a tourist downloads their data from "My account", then deletes the account."""

import json
from pathlib import Path

import pytest

from bookings.models import Booking, BookingStatus
from bookings.services.holds import Contact, LineRequest, booking_confirm, booking_hold
from core.models import User
from tests.factories import UserFactory
from tests.web.test_accessibility import _log_in, _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_tourist_downloads_their_data_and_deletes_the_account(live_server, page, catalogue):
    tourist = UserFactory(email="rina@example.id", first_name="Rina")
    session = catalogue["open"]
    booking = booking_confirm(
        booking=booking_hold(
            session_id=session.pk,
            lines=[LineRequest(tier_id=None, quantity=2)],
            contact=Contact(name="Rina", email="rina@example.id"),
            user=tourist,
            language="id",
        ),
        notify=False,
    )
    _log_in(page, live_server, tourist.email, "/akun/")
    assert page.url.endswith("/akun/")
    assert _violations(page, "/akun/") == []

    with page.expect_download() as download:
        page.click("#download-data")
    data = json.loads(Path(download.value.path()).read_text())
    assert data["account"]["email"] == "rina@example.id"
    assert [row["code"] for row in data["bookings"]] == [booking.code]

    page.fill("#delete-account-form input[name=password]", "salah")
    with page.expect_navigation():
        page.click("#delete-account-form button[type=submit]")
    assert page.locator("#delete-account-form [role=alert]").count() == 1
    assert User.objects.filter(pk=tourist.pk).exists()

    page.fill("#delete-account-form input[name=password]", "rahasia-batik-123")
    with page.expect_navigation():
        page.click("#delete-account-form button[type=submit]")

    assert page.url == f"{live_server.url}/"
    assert page.locator(".notice").count() == 1
    assert not User.objects.filter(pk=tourist.pk).exists()
    kept = Booking.objects.get(pk=booking.pk)
    assert kept.status == BookingStatus.CANCELLED and kept.contact_email == ""
