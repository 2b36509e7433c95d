"""A workshop's owners hear of each new booking and each cancellation by a guest, unless they opt out."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bookings.models import MessageKind, OutboxMessage
from bookings.services.holds import booking_cancel, booking_confirm, holds_sweep
from bookings.services.outbox import outbox_deliver
from tests.bookings.conftest import book, client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owners(session, owner):
    workshop = session.batik_class.workshop
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    second = MembershipFactory(workshop=workshop, role="owner", user__email="pemilik2@sanggar.id").user
    MembershipFactory(workshop=workshop, role="staff", user__email="staf@sanggar.id")
    MembershipFactory(workshop=workshop, role="owner", user__email="diam@sanggar.id", notify_bookings=False)
    return [owner, second]


def send(kind) -> list:
    for pk in OutboxMessage.objects.filter(kind=kind).values_list("pk", flat=True):
        outbox_deliver(message_id=pk)
    return list(mail.outbox)


def test_each_owner_who_wants_it_gets_one_email_per_confirmed_booking_in_their_language(session, owners):
    held = book(session, name="Siti Nurhaliza", email="siti@example.id", seats=2, confirm=False)

    booking_confirm(booking=held)

    sent = send(MessageKind.HOST_NEW_BOOKING)
    assert sorted(m.to[0] for m in sent) == ["owner@sanggar.id", "pemilik2@sanggar.id"]
    english = next(m for m in sent if m.to[0] == "owner@sanggar.id")
    assert held.code in english.subject
    assert "A new booking for" in english.body
    assert "Siti Nurhaliza" in english.body and "siti@example.id" in english.body
    indonesian = next(m for m in sent if m.to[0] == "pemilik2@sanggar.id")
    assert "Kode pemesanan" in indonesian.body
    # The guest's own confirmation still goes to the guest.
    assert OutboxMessage.objects.get(kind=MessageKind.BOOKING_CONFIRMED).recipient_email is None


def test_owners_hear_when_a_guest_cancels_but_not_when_a_hold_expires(session, owners):
    guest = book(session, name="Lim Mei Hua", email="mei@example.id")
    book(session, name="Dewi Ayu Lestari", email="dewi@example.id", confirm=False)

    booking_cancel(booking=guest)
    holds_sweep(now=timezone.now() + timedelta(hours=2))

    sent = send(MessageKind.HOST_BOOKING_CANCELLED)
    assert sorted(m.to[0] for m in sent) == ["owner@sanggar.id", "pemilik2@sanggar.id"]
    assert all(guest.code in m.subject for m in sent)


def test_a_host_can_turn_booking_emails_off_for_their_own_membership(session, owners):
    host = client_for(owners[1])
    slug = session.batik_class.workshop.slug

    response = host.patch(
        "/api/v1/host/notifications/", {"workshop": slug, "notify_bookings": False}, format="json"
    )
    listed = host.get("/api/v1/host/notifications/")

    assert response.status_code == 200
    assert response.json()["notify_bookings"] is False
    assert listed.json() == [
        {
            "workshop": slug,
            "workshop_name": session.batik_class.workshop.name,
            "role": "owner",
            "notify_bookings": False,
        }
    ]
    booking_confirm(booking=book(session, name="Siti Nurhaliza", email="siti@example.id", confirm=False))
    assert [m.to[0] for m in send(MessageKind.HOST_NEW_BOOKING)] == ["owner@sanggar.id"]


def test_turning_emails_off_for_a_workshop_you_are_not_in_is_not_found(session, owners, stranger_host):
    slug = session.batik_class.workshop.slug

    response = stranger_host.patch(
        "/api/v1/host/notifications/", {"workshop": slug, "notify_bookings": False}, format="json"
    )

    assert response.status_code == 404


def test_a_booking_confirmed_quietly_tells_nobody(session, owners):
    book(session, name="Siti Nurhaliza", email="siti@example.id")

    assert not OutboxMessage.objects.exists()
