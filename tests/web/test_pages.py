"""The tourist pages through Django's test client: content, structured data, sitemap, the booking flow."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bookings.models import Booking, BookingStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GUEST = {"name": "Rina Wulandari", "email": "rina@example.id", "phone": "0812 3456 7890"}


def _jsonld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def _tiers(batik_class) -> list[int]:
    return list(batik_class.price_tiers.order_by("position").values_list("pk", flat=True))


def _book(client, session, *, adult=2, student=0, contact=GUEST):
    adult_id, student_id = _tiers(session.batik_class)
    return client.post(
        f"/sesi/{session.pk}/", {f"tier_{adult_id}": adult, f"tier_{student_id}": student, **contact}
    )


def test_home_shows_upcoming_classes_with_their_next_session_and_seats(catalogue):
    html = Client().get("/").content.decode()

    assert "Kelas Batik Tidayu" in html
    assert f"/sesi/{catalogue['open'].pk}/" in html
    assert 'hreflang="en"' in html
    assert '<meta name="description"' in html


def test_home_search_by_village_technique_and_date_finds_the_session(catalogue):
    session = catalogue["open"]
    day = timezone.localtime(session.starts_at).date()
    village = session.batik_class.workshop.village.slug

    found = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        "/", {"village": village, "technique": "tulis", "date": day.isoformat()}
    )
    other_day = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        "/", {"village": village, "date": (day - timedelta(days=1)).isoformat()}
    )

    assert f"/sesi/{session.pk}/" in found.content.decode().split('id="results"')[1]
    assert (
        f"/sesi/{session.pk}/"
        not in other_day.content.decode().split('id="results"')[1].split('id="featured"')[0]
    )


def test_village_and_workshop_pages_show_address_map_languages_and_whatsapp(catalogue):
    workshop = catalogue["class"].workshop

    village_page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/desa/{workshop.village.slug}/")
    workshop_page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/sanggar/{workshop.slug}/")

    assert village_page.status_code == 200
    assert workshop.name in village_page.content.decode()
    html = workshop_page.content.decode()
    assert workshop.address in html
    assert "https://www.google.com/maps/search/?api=1&amp;query=" in html
    assert "https://wa.me/6281200000000" in html
    assert "English" in html or "Inggris" in html
    (data,) = _jsonld(html)
    assert data["@type"] == "LocalBusiness"
    assert data["address"]["streetAddress"] == workshop.address


def test_class_page_lists_prices_and_sessions_in_wib_with_seats_left(catalogue):
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/kelas/{catalogue['class'].slug}/").content.decode()

    assert "Rp50.000" in html and "Rp35.000" in html
    assert "WIB" in html
    assert re.search(r'class="pill ok">\s*10\b', html)
    assert 'class="pill full"' in html


def test_class_page_structured_data_is_a_course_with_dated_sessions_priced_in_rupiah(catalogue):
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/kelas/{catalogue['class'].slug}/").content.decode()

    (course,) = _jsonld(html)
    assert course["@type"] == "Course"
    instances = course["hasCourseInstance"]
    assert len(instances) == 2
    first = instances[0]
    assert first["startDate"].endswith("+07:00")
    assert first["location"]["address"]["addressLocality"] == "Singkawang"
    assert {offer["price"] for offer in first["offers"]} == {50000, 35000}
    assert {offer["priceCurrency"] for offer in first["offers"]} == {"IDR"}
    assert instances[1]["offers"][0]["availability"] == "https://schema.org/SoldOut"


def test_sitemap_lists_home_villages_workshops_and_classes(catalogue):
    batik_class = catalogue["class"]

    xml = Client(HTTP_ACCEPT_LANGUAGE="en").get("/sitemap.xml").content.decode()

    assert f"/kelas/{batik_class.slug}/</loc>" in xml
    assert f"/sanggar/{batik_class.workshop.slug}/</loc>" in xml
    assert f"/desa/{batik_class.workshop.village.slug}/</loc>" in xml
    assert 'hreflang="zh-hans"' in xml


def test_unpublished_or_unknown_pages_are_not_found(catalogue):
    batik_class = catalogue["class"]
    batik_class.is_published = False
    batik_class.save()

    assert Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/kelas/{batik_class.slug}/").status_code == 404
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get("/desa/no-such-village/").status_code == 404
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get("/sesi/999999/").status_code == 404


def test_a_guest_holds_confirms_and_lands_on_the_booking_page(catalogue):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    held = _book(client, catalogue["open"], adult=1, student=1)

    assert held.status_code == 302
    booking = Booking.objects.get()
    assert held.url.startswith(f"/bookings/{booking.code}/hold/?token=")
    hold_page = client.get(held.url)
    assert "WIB" in hold_page.content.decode()
    token = held.url.split("token=")[1]

    confirmed = client.post(f"/bookings/{booking.code}/hold/", {"token": token, "action": "confirm"})

    assert confirmed.status_code == 302
    assert confirmed.url == f"/bookings/{booking.code}/?token={token}"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert "<svg" in client.get(confirmed.url).content.decode()


def test_a_guest_must_say_who_is_coming_before_seats_are_held(catalogue):
    response = _book(
        Client(HTTP_ACCEPT_LANGUAGE="en"), catalogue["open"], contact={"name": "", "email": "not-an-address"}
    )

    assert response.status_code == 200
    assert Booking.objects.count() == 0
    assert "errorlist" in response.content.decode()


def test_asking_for_more_seats_than_are_left_says_how_many_are_left(catalogue):
    session = catalogue["open"]
    session.seats_taken = 9
    session.save()

    response = _book(Client(HTTP_ACCEPT_LANGUAGE="en"), session, adult=2)

    assert response.status_code == 409
    assert Booking.objects.count() == 0
    assert 'role="alert"' in response.content.decode()
    assert re.search(r"\b1\b", response.content.decode().split('role="alert"')[1].split("</p>")[0])


def test_a_full_session_page_has_no_booking_form(catalogue):
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/sesi/{catalogue['full'].pk}/").content.decode()

    assert 'id="full"' in html
    assert 'id="book"' not in html


def test_confirming_an_expired_hold_sends_the_guest_back_to_choose_again(catalogue, time_machine):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    held = _book(client, catalogue["open"])
    token = held.url.split("token=")[1]
    booking = Booking.objects.get()
    time_machine.move_to(booking.hold_expires_at + timedelta(seconds=1))

    response = client.post(f"/bookings/{booking.code}/hold/", {"token": token, "action": "confirm"})

    assert response.status_code == 302
    assert response.url == f"/sesi/{catalogue['open'].pk}/"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED
    page = client.get(response.url).content.decode()
    assert 'class="notice"' in page


def test_a_guest_releases_a_hold_and_the_seats_come_back(catalogue):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    held = _book(client, catalogue["open"])
    token = held.url.split("token=")[1]
    booking = Booking.objects.get()

    client.post(f"/bookings/{booking.code}/hold/", {"token": token, "action": "release"})

    catalogue["open"].refresh_from_db()
    assert catalogue["open"].seats_taken == 0


def test_the_hold_page_is_not_found_without_the_token(catalogue):
    _book(Client(HTTP_ACCEPT_LANGUAGE="en"), catalogue["open"])
    booking = Booking.objects.get()

    assert Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/bookings/{booking.code}/hold/").status_code == 404


def test_a_signed_in_tourist_books_with_the_account_contact_and_sees_it_in_my_bookings(catalogue):
    user = UserFactory(email="ayu@example.id", first_name="Ayu", last_name="")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)

    form = client.get(f"/sesi/{catalogue['open'].pk}/").content.decode()
    held = _book(client, catalogue["open"], contact={"name": "", "email": ""})

    assert 'value="ayu@example.id"' in form
    booking = Booking.objects.get()
    assert (booking.user, booking.contact_email) == (user, "ayu@example.id")
    assert held.url == f"/bookings/{booking.code}/hold/"
    assert booking.code in client.get("/pemesanan-saya/").content.decode()


def test_my_bookings_asks_a_stranger_to_sign_in():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/pemesanan-saya/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_sign_in_page_wears_the_canting_layout():
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/").content.decode()

    assert 'class="top"' in html
    assert "canting.css" in html
