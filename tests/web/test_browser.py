"""A tourist's way through Canting in a real browser (Chromium on a phone-sized screen)."""

import re

import pytest

from bookings.models import Booking, BookingStatus, WaitlistEntry, WaitlistStatus
from tests.web.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A tourist page's first load on a village's mobile signal (issue 6).
MAX_FIRST_LOAD_BYTES = 150 * 1024
MAX_FIRST_LOAD_REQUESTS = 15


def test_a_guest_finds_a_class_from_home_books_two_seats_and_sees_the_qr(live_server, page, catalogue):
    batik_class, session = catalogue["class"], catalogue["open"]

    page.goto(f"{live_server.url}/")
    page.select_option("select[name=village]", batik_class.workshop.village.slug)
    page.click("form[role=search] button[type=submit]")
    page.click(f"#results ~ ul a[href='/kelas/{batik_class.slug}/']")
    assert page.locator("h1").inner_text() == "Kelas Batik Tidayu"
    page.click(f"a.button[href='/sesi/{session.pk}/']")

    adult, student = batik_class.price_tiers.order_by("position")
    page.fill(f"input[name=tier_{adult.pk}]", "1")
    page.fill(f"input[name=tier_{student.pk}]", "1")
    page.fill("input[name=name]", "Rina Wulandari")
    page.fill("input[name=email]", "rina@example.id")
    page.fill("input[name=phone]", "0812 3456 7890")
    page.click("form#book button[type=submit]")

    page.wait_for_url(re.compile(r"/bookings/BTK-\w+/hold/\?token="))
    assert "WIB" in page.locator("[data-expires]").inner_text()
    # The countdown is drawn by the script; without it the expiry time in WIB stands alone.
    assert re.fullmatch(r"1?\d:\d\d", page.locator(".countdown").inner_text())
    page.click("button[name=action][value=confirm]")

    page.wait_for_url(re.compile(r"/bookings/BTK-\w+/\?token="))
    assert page.locator(".qr svg").is_visible()
    booking = Booking.objects.get()
    assert page.locator(".code").inner_text() == booking.code
    assert booking.status == BookingStatus.CONFIRMED
    assert (booking.seats, booking.total, booking.contact_phone) == (2, 85000, "+6281234567890")

    page.goto(f"{live_server.url}/sesi/{session.pk}/")
    assert re.search(r"\b8\b", page.locator("#seats-left").inner_text())
    session.refresh_from_db()
    assert session.seats_left == 8


def test_a_full_session_says_full_and_offers_no_booking_form(live_server, page, catalogue):
    full = catalogue["full"]

    page.goto(f"{live_server.url}/kelas/{catalogue['class'].slug}/")
    assert page.locator(".sessions .pill.full").count() == 1

    page.goto(f"{live_server.url}/sesi/{full.pk}/")
    assert page.locator("#full").is_visible()
    assert page.locator("form#book").count() == 0
    assert page.locator("a[href$='#sessions']").is_visible()
    assert page.locator("form#waitlist").is_visible()


def test_a_guest_joins_a_full_sessions_waitlist_and_sees_their_place(live_server, page, catalogue):
    from bookings.services.holds import Contact
    from bookings.services.waitlist import waitlist_join

    full = catalogue["full"]
    waitlist_join(
        session_id=full.pk,
        seats=1,
        contact=Contact(name="Budi", email="budi@example.id"),
        user=None,
        language="id",
    )

    page.goto(f"{live_server.url}/sesi/{full.pk}/")
    page.fill("input[name=waitlist-seats]", "2")
    page.fill("input[name=waitlist-name]", "Rina Wulandari")
    page.fill("input[name=waitlist-email]", "rina@example.id")
    page.click("form#waitlist button[type=submit]")

    page.wait_for_url(re.compile(r"/daftar-tunggu/\d+/\?token="))
    assert page.locator("#position").inner_text() == "2"
    assert "2" in page.locator("#party-size").inner_text()
    assert page.locator("button[name=action][value=leave]").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "waitlist_joined_position.png"), full_page=True)
    entry = WaitlistEntry.objects.get(contact_email="rina@example.id")
    assert (entry.seats, entry.status) == (2, WaitlistStatus.WAITING)


def test_the_language_switch_changes_the_page_to_english_and_back(live_server, page, catalogue):
    page.goto(f"{live_server.url}/kelas/{catalogue['class'].slug}/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Kelas Batik Tidayu"

    with page.expect_navigation():
        page.select_option("#language", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Tidayu Batik Class"
    assert "Adult" in page.locator(".tiers").inner_text()

    with page.expect_navigation():
        page.select_option("#language", "id")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Kelas Batik Tidayu"
    assert "Dewasa" in page.locator(".tiers").inner_text()


def _first_load(page, url: str) -> tuple[int, int]:
    """Bytes transferred (headers + bodies) and requests made by a cold load of `url`."""
    finished = []
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url, wait_until="networkidle")
    sizes = [request.sizes() for request in finished]
    total = sum(size["responseBodySize"] + size["responseHeadersSize"] for size in sizes)
    return total, len(requests)


@pytest.mark.parametrize("which", ["home", "class"])
def test_a_tourist_page_first_load_is_at_most_150_kb_in_15_requests(live_server, page, catalogue, which):
    path = "/" if which == "home" else f"/kelas/{catalogue['class'].slug}/"

    transferred, requests = _first_load(page, f"{live_server.url}{path}")

    print(f"first load of {which} page {path}: {transferred / 1024:.1f} KB in {requests} requests")
    assert transferred <= MAX_FIRST_LOAD_BYTES
    assert requests <= MAX_FIRST_LOAD_REQUESTS


def test_no_page_scrolls_sideways_on_a_360_px_phone(live_server, page, catalogue):
    page.set_viewport_size({"width": 360, "height": 740})
    batik_class = catalogue["class"]
    paths = [
        "/accounts/login/",
        "/",
        "/desa/",
        f"/desa/{batik_class.workshop.village.slug}/",
        f"/sanggar/{batik_class.workshop.slug}/",
        f"/kelas/{batik_class.slug}/",
        f"/sesi/{catalogue['open'].pk}/",
        f"/sesi/{catalogue['full'].pk}/",
        f"/kelas/{batik_class.slug}/",
    ]
    too_wide = {}
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width

    assert too_wide == {}
