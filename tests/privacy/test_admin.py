"""The admin shows coordinators bookings without the guests' contact details; only superusers see them."""

import pytest
from django.test import Client
from django.utils import timezone

from bookings.models import MessageKind, OutboxMessage
from tests.factories import UserFactory
from tests.privacy.conftest import waitlist_entry

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def superuser(db):
    return UserFactory(email="admin@canting.id", is_staff=True, is_superuser=True)


@pytest.fixture
def world(owner, history):
    entry = waitlist_entry(history["future"], email="antre@example.id")
    OutboxMessage.objects.create(
        kind=MessageKind.HOST_NEW_BOOKING,
        booking=history["confirmed"],
        recipient_email=owner.email,
        created_at=timezone.now(),
    )
    return {**history, "entry": entry}


PERSONAL = ["rina@example.id", "+6281234567890", "Wulandari", "antre@example.id", "pemilik@sanggar.id"]


def shows_nothing_personal(html: str) -> None:
    for value in PERSONAL:
        assert value not in html, value


@pytest.mark.parametrize("who", ["coordinator", "superuser"])
def test_the_changelists_show_codes_seats_and_statuses_but_no_contacts(request, who, world):
    client = signed_in(request.getfixturevalue(who))

    bookings = client.get("/admin/bookings/booking/")
    waitlist = client.get("/admin/bookings/waitlistentry/")
    outbox = client.get("/admin/bookings/outboxmessage/")

    assert bookings.status_code == waitlist.status_code == outbox.status_code == 200
    html = bookings.content.decode()
    assert world["confirmed"].code in html
    for page in (bookings, waitlist, outbox):
        shows_nothing_personal(page.content.decode())


def test_a_coordinator_sees_a_booking_without_its_contact_and_cannot_search_by_email(coordinator, world):
    client = signed_in(coordinator)
    booking = world["confirmed"]

    detail = client.get(f"/admin/bookings/booking/{booking.pk}/change/")
    entry = client.get(f"/admin/bookings/waitlistentry/{world['entry'].pk}/change/")
    found = client.get("/admin/bookings/booking/", {"q": "rina@example.id"})

    assert detail.status_code == entry.status_code == 200
    assert booking.code in detail.content.decode()
    shows_nothing_personal(detail.content.decode())
    shows_nothing_personal(entry.content.decode())
    assert booking.code not in found.content.decode()


def test_a_superuser_sees_the_contact_on_the_detail_and_finds_a_booking_by_email(superuser, world):
    client = signed_in(superuser)
    booking = world["confirmed"]

    detail = client.get(f"/admin/bookings/booking/{booking.pk}/change/").content.decode()
    found = client.get("/admin/bookings/booking/", {"q": "rina@example.id"}).content.decode()

    assert "rina@example.id" in detail and "+6281234567890" in detail
    assert booking.code in found


def test_accounts_are_for_superusers_only_and_not_deleted_from_the_admin(coordinator, superuser, tourist):
    assert signed_in(coordinator).get("/admin/core/user/").status_code == 403
    client = signed_in(superuser)
    assert client.get("/admin/core/user/").status_code == 200
    assert client.get(f"/admin/core/user/{tourist.pk}/delete/").status_code == 403
