"""A host cancels a session: every booking goes with it and every guest hears why, exactly once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bookings.models import Booking, BookingStatus, MessageKind, OutboxMessage
from bookings.services.holds import booking_cancel
from bookings.services.outbox import outbox_deliver
from tests.bookings.conftest import book, client_for
from tests.factories import ClassSessionFactory, MembershipFactory
from workshops.models import AuditEntry, SessionStatus

pytestmark = pytest.mark.django_db

REASON = "Hujan deras, jalan ke sanggar banjir"


def cancel(client, session, reason=REASON):
    return client.post(f"/api/v1/host/sessions/{session.pk}/cancel/", {"reason": reason}, format="json")


def deliver_all(kind: MessageKind) -> list:
    for message_id in OutboxMessage.objects.filter(kind=kind).values_list("pk", flat=True):
        outbox_deliver(message_id=message_id)
    return list(mail.outbox)


@pytest.fixture
def guests(session):
    return [
        book(session, name="Siti Nurhaliza", email="siti@example.id", seats=2, language="id"),
        book(session, name="Lim Mei Hua", email="mei@example.id", seats=1, language="zh-hans"),
        book(session, name="Emma Taylor", email="emma@example.id", seats=1, language="en", confirm=False),
    ]


def test_cancelling_a_session_cancels_every_booking_and_frees_every_seat(host, session, guests):
    response = cancel(host, session)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancel_reason"] == REASON
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.seats_taken == 0
    statuses = set(Booking.objects.filter(session=session).values_list("status", flat=True))
    assert statuses == {BookingStatus.CANCELLED}
    assert all(b.cancelled_at is not None for b in Booking.objects.filter(session=session))


def test_every_guest_gets_one_email_in_their_language_with_the_reason_and_what_happens_next(
    host, session, guests
):
    cancel(host, session)

    sent = deliver_all(MessageKind.SESSION_CANCELLED)

    assert sorted(message.to[0] for message in sent) == [
        "emma@example.id",
        "mei@example.id",
        "siti@example.id",
    ]
    by_recipient = {message.to[0]: message for message in sent}
    for message in sent:
        assert REASON in message.body
        assert any(word in message.body for word in ("refunded", "退款", "退还", "dikembalikan"))
        assert f"/api/v1/sessions/?batik_class={session.batik_class.slug}" in message.body
    assert "Halo Siti Nurhaliza" in by_recipient["siti@example.id"].body
    assert "Kode pemesanan" in by_recipient["siti@example.id"].body
    assert "Lim Mei Hua，您好" in by_recipient["mei@example.id"].body
    assert "Hello Emma Taylor" in by_recipient["emma@example.id"].body
    assert "WIB" in by_recipient["emma@example.id"].body


def test_cancelling_twice_is_refused_and_nobody_is_told_twice(host, session, guests):
    assert cancel(host, session).status_code == 200
    again = cancel(host, session, reason="Lagi")

    assert again.status_code == 409
    assert again.json()["code"] == "session_not_cancellable"
    assert OutboxMessage.objects.filter(kind=MessageKind.SESSION_CANCELLED).count() == 3
    assert len(deliver_all(MessageKind.SESSION_CANCELLED)) == 3
    # A second delivery run sends nothing more.
    assert len(deliver_all(MessageKind.SESSION_CANCELLED)) == 3


def test_the_host_cancels_even_inside_the_guests_free_cancellation_window(owner):
    session = ClassSessionFactory(
        starts_at=timezone.now() + timedelta(hours=3),
        batik_class__workshop=owner.workshop_memberships.get().workshop,
        batik_class__cancellation_hours=48,
    )
    from tests.factories import PriceTierFactory

    PriceTierFactory(batik_class=session.batik_class)
    PriceTierFactory(batik_class=session.batik_class, position=1)
    guest = book(session, name="Dewi Ayu Lestari", email="dewi@example.id")

    response = cancel(client_for(owner), session)

    assert response.status_code == 200
    guest.refresh_from_db()
    assert guest.status == BookingStatus.CANCELLED


def test_staff_can_cancel_a_session_too(session, guests):
    staff = MembershipFactory(workshop=session.batik_class.workshop, role="staff").user

    assert cancel(client_for(staff), session).status_code == 200


def test_a_session_that_already_started_cannot_be_cancelled(owner, session, guests):
    session.starts_at = timezone.now() - timedelta(minutes=5)
    session.save(update_fields=["starts_at"])

    response = cancel(client_for(owner), session)

    assert response.status_code == 409
    assert response.json()["code"] == "session_not_cancellable"
    assert not OutboxMessage.objects.filter(kind=MessageKind.SESSION_CANCELLED).exists()


def test_a_cancel_without_a_reason_is_a_validation_error(host, session, guests):
    response = cancel(host, session, reason="")

    assert response.status_code == 400
    assert "reason" in response.json()["fields"]
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_cancelled_and_expired_bookings_are_left_alone_and_not_told(host, session, guests):
    earlier = book(session, name="Budi Santoso", email="budi@example.id")
    booking_cancel(booking=earlier)

    cancel(host, session)

    assert not OutboxMessage.objects.filter(booking=earlier, kind=MessageKind.SESSION_CANCELLED).exists()


def test_the_audit_log_records_the_session_and_each_cancelled_booking(host, owner, session, guests):
    cancel(host, session)

    actions = list(AuditEntry.objects.filter(actor=owner).values_list("action", "target_id"))
    assert ("session.cancelled", str(session.pk)) in actions
    for guest in guests:
        assert ("booking.cancel_with_session", guest.code) in actions
