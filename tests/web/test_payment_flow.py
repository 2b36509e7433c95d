"""Paying in a real browser: at the workshop, and by bank transfer that the host then marks received."""

import re

import pytest

from bookings.models import Booking, BookingStatus
from bookings.payments.models import PaymentStatus
from tests.factories import MembershipFactory
from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def paying_catalogue(catalogue):
    workshop = catalogue["class"].workshop
    workshop.payment_methods = ["at_workshop", "bank_transfer"]
    workshop.bank_name = "BRI"
    workshop.bank_account_number = "0123-01-000123-50-1"
    workshop.bank_account_holder = "Kelompok Batik Tidayu"
    workshop.save()
    return catalogue


def _hold_two_seats(page, live_server, catalogue) -> None:
    batik_class, session = catalogue["class"], catalogue["open"]
    page.goto(f"{live_server.url}/sesi/{session.pk}/")
    adult = batik_class.price_tiers.order_by("position").first()
    page.fill(f"input[name=tier_{adult.pk}]", "2")
    page.fill("input[name=name]", "Rina Wulandari")
    page.fill("input[name=email]", "rina@example.id")
    page.click("form#book button[type=submit]")
    page.wait_for_url(re.compile(r"/bookings/BTK-\w+/hold/\?token="))


def test_a_guest_chooses_to_pay_at_the_workshop_and_is_booked_at_once(live_server, page, paying_catalogue):
    _hold_two_seats(page, live_server, paying_catalogue)

    methods = page.locator("#payment-methods input[name=method]")
    assert methods.count() == 2
    page.check("#payment-methods input[value=at_workshop]")
    page.click("button[name=action][value=confirm]")

    page.wait_for_url(re.compile(r"/bookings/BTK-\w+/\?token="))
    assert page.locator(".qr svg").is_visible()
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.payments.get().status == PaymentStatus.AWAITING_COLLECTION
    assert page.locator("#payment-status").inner_text().strip()


def test_a_guest_pays_by_transfer_and_the_host_marks_it_received_on_the_roster(
    live_server, page, chromium, paying_catalogue
):
    _hold_two_seats(page, live_server, paying_catalogue)

    page.check("#payment-methods input[value=bank_transfer]")
    page.click("button[name=action][value=confirm]")

    page.wait_for_url(re.compile(r"/bookings/BTK-\w+/\?token="))
    booking_url = page.url
    instructions = page.locator("#payment-instructions").inner_text()
    booking = Booking.objects.get()
    for part in ("Rp100.000", "BRI", "0123-01-000123-50-1", booking.code, "WIB"):
        assert part in instructions
    assert booking.status == BookingStatus.HELD

    # The owner checks the bank app, then the roster, on their own phone.
    owner = MembershipFactory(workshop=paying_catalogue["class"].workshop, user__email="ani@sanggar.id").user
    host_context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    host_page = host_context.new_page()
    roster = f"/host/sessions/{paying_catalogue['open'].pk}/"
    host_page.goto(f"{live_server.url}{roster}")
    host_page.wait_for_url(f"**/accounts/login/?next={roster}")
    host_page.fill("input[name=login]", owner.email)
    host_page.fill("input[name=password]", PASSWORD)
    with host_page.expect_navigation():
        host_page.click("main form button[type=submit]")
    row = host_page.locator(f"#booking-{booking.code}")
    assert row.locator("td.payment").get_attribute("data-payment") == "pending"
    with host_page.expect_navigation():
        row.locator("button[name=action][value=paid]").click()
    assert host_page.locator(f"#booking-{booking.code}").get_attribute("data-status") == "confirmed"
    assert host_page.locator(f"#booking-{booking.code} td.payment").get_attribute("data-payment") == "paid"
    host_context.close()

    page.goto(booking_url)
    assert page.locator(".qr svg").is_visible()
    assert page.locator("#payment-instructions").count() == 0
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
