"""A full session's waitlist through Django's test client: join, one's place, leave, accept an offer."""

from datetime import timedelta

import pytest
from django.test import Client

from bookings.models import Booking, BookingStatus, WaitlistEntry, WaitlistStatus
from bookings.services.waitlist import waitlist_advance
from tests.factories import UserFactory
from workshops.models import ClassSession

pytestmark = pytest.mark.django_db

GUEST = {"waitlist-name": "Rina Wulandari", "waitlist-email": "rina@example.id", "waitlist-phone": ""}


def _join(client, session, *, seats=2, contact=GUEST):
    return client.post(f"/sesi/{session.pk}/", {"form": "waitlist", "waitlist-seats": seats, **contact})


def _free_seats(session, seats):
    """Seats come free (the workshop adds chairs) and the queue moves on."""
    ClassSession.objects.filter(pk=session.pk).update(capacity=session.capacity + seats)
    return waitlist_advance(session_id=session.pk)


def test_a_full_session_page_offers_the_waitlist_instead_of_the_booking_form(catalogue):
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/sesi/{catalogue['full'].pk}/").content.decode()

    assert 'id="waitlist"' in html
    assert 'id="book"' not in html
    assert 'name="waitlist-seats"' in html


def test_an_open_session_page_has_no_waitlist(catalogue):
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/sesi/{catalogue['open'].pk}/").content.decode()

    assert 'id="waitlist"' not in html


def test_a_guest_joins_the_waitlist_and_sees_their_place_party_size_and_status(catalogue):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _join(client, catalogue["full"], contact={**GUEST, "waitlist-email": "budi@example.id"})

    joined = _join(client, catalogue["full"], seats=3)

    entry = WaitlistEntry.objects.get(contact_email="rina@example.id")
    assert joined.status_code == 302
    assert joined.url.startswith(f"/daftar-tunggu/{entry.pk}/?token=")
    html = client.get(joined.url).content.decode()
    assert '<p class="code" id="position">2</p>' in html
    assert "3 seats" in html
    assert "Waiting" in html
    assert "Leave the waitlist" in html
    assert (entry.seats, entry.status, entry.language) == (3, WaitlistStatus.WAITING, "en")


def test_the_waitlist_page_is_not_found_without_the_right_token(catalogue):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    joined = _join(client, catalogue["full"])
    entry = WaitlistEntry.objects.get()

    assert client.get(f"/daftar-tunggu/{entry.pk}/").status_code == 404
    assert client.get(f"/daftar-tunggu/{entry.pk}/?token=not-the-token").status_code == 404
    assert client.get(f"/daftar-tunggu/{entry.pk}/terima/?token=not-the-token").status_code == 404
    assert client.post(f"/daftar-tunggu/{entry.pk}/", {"action": "leave"}).status_code == 404
    assert client.get(joined.url).status_code == 200
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


def test_a_guest_leaves_the_waitlist_and_the_next_party_moves_up(catalogue):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    first = _join(client, catalogue["full"])
    second = _join(client, catalogue["full"], contact={**GUEST, "waitlist-email": "budi@example.id"})
    token = first.url.split("token=")[1]
    entry = WaitlistEntry.objects.get(contact_email="rina@example.id")

    left = client.post(f"/daftar-tunggu/{entry.pk}/", {"token": token, "action": "leave"})

    assert left.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.LEFT
    page = client.get(left.url).content.decode()
    assert 'class="notice"' in page
    assert "Leave the waitlist" not in page
    assert '<p class="code" id="position">1</p>' in client.get(second.url).content.decode()


def test_joining_twice_with_one_email_says_so_kindly(catalogue):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _join(client, catalogue["full"])

    again = _join(client, catalogue["full"])

    assert again.status_code == 409
    assert "already on the waitlist" in again.content.decode().split('role="alert"')[1]
    assert WaitlistEntry.objects.count() == 1


def test_a_party_too_large_for_the_seats_left_is_offered_the_waitlist_with_what_it_typed(catalogue):
    session = catalogue["open"]
    ClassSession.objects.filter(pk=session.pk).update(seats_taken=9)
    adult_id, student_id = catalogue["class"].price_tiers.order_by("position").values_list("pk", flat=True)

    refused = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        f"/sesi/{session.pk}/",
        {f"tier_{adult_id}": 2, f"tier_{student_id}": 1, "name": "Rina", "email": "rina@example.id"},
    )

    html = refused.content.decode()
    assert refused.status_code == 409
    assert 'id="waitlist"' in html
    assert 'name="waitlist-seats" value="3"' in html
    assert 'name="waitlist-email" value="rina@example.id"' in html


def test_joining_when_enough_seats_are_free_says_to_book_instead(catalogue):
    response = _join(Client(HTTP_ACCEPT_LANGUAGE="en"), catalogue["open"], seats=2)

    assert response.status_code == 409
    assert "Book them below" in response.content.decode()
    assert WaitlistEntry.objects.count() == 0


def test_a_signed_in_tourist_joins_with_the_account_contact_prefilled(catalogue):
    user = UserFactory(email="ayu@example.id", first_name="Ayu", last_name="")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)

    form = client.get(f"/sesi/{catalogue['full'].pk}/").content.decode()
    joined = _join(client, catalogue["full"], seats=1, contact={"waitlist-name": "", "waitlist-email": ""})

    assert 'name="waitlist-email" value="ayu@example.id"' in form
    entry = WaitlistEntry.objects.get()
    assert (entry.user, entry.contact_email) == (user, "ayu@example.id")
    assert joined.url == f"/daftar-tunggu/{entry.pk}/"
    assert client.get(joined.url).status_code == 200


def test_a_guest_accepts_an_offer_and_lands_on_the_booking_page(catalogue):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    joined = _join(client, catalogue["full"], seats=2)
    token = joined.url.split("token=")[1]
    entry = WaitlistEntry.objects.get()
    _free_seats(catalogue["full"], 2)
    offer_url = f"/daftar-tunggu/{entry.pk}/terima/?token={token}"

    offer = client.get(offer_url).content.decode()
    accepted = client.post(offer_url, {"token": token})

    assert "Accept the seats" in offer
    assert "WIB" in offer and "30 more minutes" in offer
    assert "2 × Adult" in offer
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CONFIRMED
    assert accepted.status_code == 302
    assert accepted.url.startswith(f"/bookings/{booking.code}/?token=")
    assert "<svg" in client.get(accepted.url).content.decode()
    again = client.get(offer_url).content.decode()
    assert 'id="offer-accepted"' in again
    assert "Accept the seats" not in again


def test_an_expired_offer_says_so_and_cannot_be_accepted(catalogue, time_machine):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    joined = _join(client, catalogue["full"], seats=1)
    token = joined.url.split("token=")[1]
    entry = WaitlistEntry.objects.get()
    _free_seats(catalogue["full"], 1)
    entry.refresh_from_db()
    offer_url = f"/daftar-tunggu/{entry.pk}/terima/?token={token}"
    time_machine.move_to(entry.offer_expires_at + timedelta(seconds=1))

    shown = client.get(offer_url).content.decode()
    refused = client.post(offer_url, {"token": token})

    assert 'id="offer-expired"' in shown
    assert "Accept the seats" not in shown
    assert refused.status_code == 302
    assert refused.url == offer_url
    after = client.get(refused.url).content.decode()
    assert 'id="offer-expired"' in after
    assert "ran out" in after.split('role="status"')[1].split("</p>")[0]
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.EXPIRED
    assert Booking.objects.get().status == BookingStatus.EXPIRED


def test_the_offer_page_before_any_offer_tells_the_place_in_the_queue(catalogue):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    joined = _join(client, catalogue["full"])
    entry = WaitlistEntry.objects.get()
    token = joined.url.split("token=")[1]

    html = client.get(f"/daftar-tunggu/{entry.pk}/terima/?token={token}").content.decode()

    assert 'id="offer-none"' in html
    assert "number 1 in the queue" in html
    assert "Accept the seats" not in html
