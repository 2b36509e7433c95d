"""A host moves a session (or its bookings into another): guests are told once and may cancel for free."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from bookings.models import Booking, BookingStatus, MessageKind, OutboxMessage
from bookings.services.outbox import outbox_deliver
from core.timezones import WIB
from tests.bookings.conftest import book
from tests.factories import ClassSessionFactory

pytestmark = pytest.mark.django_db


def reschedule(client, session, **body):
    return client.post(f"/api/v1/host/sessions/{session.pk}/reschedule/", body, format="json")


def delivered(kind):
    for pk in OutboxMessage.objects.filter(kind=kind).values_list("pk", flat=True):
        outbox_deliver(message_id=pk)
    return list(mail.outbox)


@pytest.fixture
def guests(session):
    return [
        book(session, name="Siti Nurhaliza", email="siti@example.id", seats=2, language="id"),
        book(session, name="Emma Taylor", email="emma@example.id", seats=1, language="en"),
    ]


def new_start(session):
    # Same time of day, two days later: a WIB wall clock the e-mail can state.
    return session.starts_at + timedelta(days=2)


def test_moving_a_session_tells_every_guest_once_with_the_old_and_new_time_in_wib(host, session, guests):
    old_local = session.starts_at.astimezone(WIB)
    starts = new_start(session)

    response = reschedule(host, session, starts_at=starts.isoformat())
    again = reschedule(host, session, starts_at=starts.isoformat())

    assert response.status_code == 200, response.content
    assert again.status_code == 200
    session.refresh_from_db()
    assert session.starts_at == starts
    sent = delivered(MessageKind.SESSION_RESCHEDULED)
    assert sorted(m.to[0] for m in sent) == ["emma@example.id", "siti@example.id"]
    english = next(m for m in sent if m.to[0] == "emma@example.id")
    new_local = starts.astimezone(WIB)
    assert f"{old_local.day} {old_local.strftime('%B')} {old_local.year}, {old_local:%H:%M}" in english.body
    assert f"{new_local.day} {new_local.strftime('%B')} {new_local.year}, {new_local:%H:%M}" in english.body
    assert "WIB" in english.body
    assert "cancel for free until the class starts" in english.body


def test_a_moved_booking_can_be_cancelled_for_free_until_the_start(host, session, guests, api):
    session.batik_class.cancellation_hours = 48
    session.batik_class.save(update_fields=["cancellation_hours"])
    reschedule(host, session, starts_at=new_start(session).isoformat())
    siti = Booking.objects.get(pk=guests[0].pk)
    assert siti.free_cancel_until_start is True
    from bookings.codes import manage_token

    # Two hours before the new start: far inside the class's 48-hour window.
    with time_machine.travel(siti.session.starts_at - timedelta(hours=2), tick=False):
        response = api.post(
            f"/api/v1/bookings/{siti.code}/cancel/",
            HTTP_X_MANAGE_TOKEN=manage_token(siti.code, siti.manage_nonce),
        )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"


def test_a_booking_that_was_not_moved_keeps_the_classs_cancellation_window(session, guests, api):
    from bookings.codes import manage_token

    siti = guests[0]
    session.batik_class.cancellation_hours = 48
    session.batik_class.save(update_fields=["cancellation_hours"])
    with time_machine.travel(session.starts_at - timedelta(hours=2), tick=False):
        response = api.post(
            f"/api/v1/bookings/{siti.code}/cancel/",
            HTTP_X_MANAGE_TOKEN=manage_token(siti.code, siti.manage_nonce),
        )

    assert response.json()["code"] == "cancellation_window_closed"


def test_bookings_move_into_another_session_of_the_class_with_room(host, session, guests):
    target = ClassSessionFactory(
        batik_class=session.batik_class, starts_at=session.starts_at + timedelta(days=7), capacity=5
    )

    response = reschedule(host, session, target_session=target.pk)

    assert response.status_code == 200, response.content
    assert response.json()["id"] == target.pk
    session.refresh_from_db()
    target.refresh_from_db()
    assert (session.seats_taken, target.seats_taken) == (0, 3)
    assert set(
        Booking.objects.filter(pk__in=[g.pk for g in guests]).values_list("session_id", flat=True)
    ) == {target.pk}
    assert all(b.free_cancel_until_start for b in Booking.objects.filter(session=target))
    assert OutboxMessage.objects.filter(kind=MessageKind.SESSION_RESCHEDULED).count() == 2


def test_bookings_that_do_not_fit_the_target_session_change_nothing(host, session, guests):
    target = ClassSessionFactory(
        batik_class=session.batik_class, starts_at=session.starts_at + timedelta(days=7), capacity=2
    )

    response = reschedule(host, session, target_session=target.pk)

    assert response.status_code == 409
    assert response.json()["code"] == "target_session_full"
    session.refresh_from_db()
    target.refresh_from_db()
    assert (session.seats_taken, target.seats_taken) == (3, 0)
    assert set(Booking.objects.filter(session=session).values_list("status", flat=True)) == {
        BookingStatus.CONFIRMED
    }
    assert not OutboxMessage.objects.filter(kind=MessageKind.SESSION_RESCHEDULED).exists()


def test_bookings_cannot_move_into_a_session_of_another_class(host, session, guests):
    other = ClassSessionFactory(batik_class__workshop=session.batik_class.workshop)

    response = reschedule(host, session, target_session=other.pk)

    assert response.status_code == 409
    assert response.json()["code"] == "target_session_invalid"


def test_a_reschedule_needs_exactly_one_of_a_time_or_a_target(host, session, guests):
    assert reschedule(host, session).status_code == 400


def test_a_cancelled_session_cannot_be_rescheduled(host, session, guests):
    host.post(f"/api/v1/host/sessions/{session.pk}/cancel/", {"reason": "Banjir"}, format="json")

    response = reschedule(host, session, starts_at=new_start(session).isoformat())

    assert response.status_code == 409
    assert response.json()["code"] == "session_not_reschedulable"
