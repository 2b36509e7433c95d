"""Paying by Midtrans and Xendit in a real browser: the gateway's page (the local fake) and back."""

import re

import pytest

from bookings.models import Booking, BookingStatus
from bookings.payments.models import PaymentNotification, PaymentStatus
from bookings.payments.services import payment_start
from tests.payments import conftest as gateways
from tests.payments.conftest import hold

# The fakes' fixtures live with the payment tests; borrowed here under the same names.
fake_gateways_server = gateways.fake_gateways_server
fake_gateways = gateways.fake_gateways
gateway_session = gateways.gateway_session

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def paying(fake_gateways, gateway_session, live_server, settings):
    """The fakes notify the live server, and the gateway sends the tourist back to it."""
    settings.CANTING_SITE_URL = live_server.url
    fake_gateways.configure(notify_base=live_server.url)
    return gateway_session


@pytest.mark.parametrize("method", ["midtrans", "xendit"])
def test_a_tourist_books_chooses_the_gateway_pays_on_its_page_and_is_confirmed(
    page, paying, live_server, fake_gateways, method
):
    adult = paying.batik_class.price_tiers.order_by("position").first()
    page.goto(f"{live_server.url}/sesi/{paying.pk}/")
    page.fill(f"input[name=tier_{adult.pk}]", "2")
    page.fill("input[name=name]", "Rina Wulandari")
    page.fill("input[name=email]", "rina@example.id")
    page.click("form#book button[type=submit]")
    page.wait_for_url(re.compile(r"/bookings/BTK-\w+/hold/\?token="))

    page.check(f"#payment-methods input[value={method}]")
    page.click("button[name=action][value=confirm]")

    # On the gateway's page (the local fake): the booking's amount and order.
    page.wait_for_url(re.compile(re.escape(f"{fake_gateways.url}/")))
    booking = Booking.objects.get()
    payment = booking.payments.get()
    assert page.get_by_test_id("amount").inner_text() == "Rp150.000"
    assert page.get_by_test_id("order-id").inner_text() == payment.order_id
    page.get_by_role("button", name="Pay", exact=True).click()

    # Back on Canting's booking page, which already knows: the notification came first.
    page.wait_for_url(re.compile(rf"/bookings/{booking.code}/\?token="))
    assert page.locator(".code").inner_text() == booking.code
    assert page.locator(".qr svg").is_visible()
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert (booking.status, payment.status) == (BookingStatus.CONFIRMED, PaymentStatus.PAID)
    assert PaymentNotification.objects.filter(order_id=payment.order_id, verified=True).exists()


@pytest.mark.parametrize("method", ["midtrans", "xendit"])
def test_a_tourist_who_gives_up_on_the_gateways_page_frees_the_seats(page, paying, method):
    booking = hold(paying, seats=2)
    payment, checkout = payment_start(booking=booking, method=method)

    page.goto(checkout.redirect_url)
    page.get_by_role("button", name="Fail", exact=True).click()

    page.wait_for_url(re.compile(rf"/bookings/{booking.code}/\?token="))
    booking = Booking.objects.select_related("session").get(pk=booking.pk)
    payment.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED and booking.session.seats_taken == 0
    assert payment.status in (PaymentStatus.FAILED, PaymentStatus.EXPIRED)
    assert page.locator("#booking-status").text_content().strip() == booking.get_status_display()
