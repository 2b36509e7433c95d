"""Minimum participants: each session is decided once, at its cutoff, and everyone hears what it means."""

from datetime import datetime, timedelta

import pytest
import time_machine

from bookings.models import BookingStatus, MessageKind, OutboxMessage
from bookings.services.outbox import outbox_deliver
from bookings.tasks import decide_sessions
from core.timezones import WIB
from tests.bookings.conftest import book
from tests.factories import ClassSessionFactory, MembershipFactory, PriceTierFactory
from workshops.models import ClassSession, SessionDecision, SessionStatus

pytestmark = pytest.mark.django_db

# Thursday 10 December 2026, 09:00 WIB; the cutoff (24 h) is Wednesday 09:00 WIB.
STARTS = datetime(2026, 12, 10, 9, 0, tzinfo=WIB)
CUTOFF = STARTS - timedelta(hours=24)
EARLY = datetime(2026, 12, 1, 10, 0, tzinfo=WIB)


@pytest.fixture
def session(db):
    with time_machine.travel(EARLY, tick=False):
        session = ClassSessionFactory(
            starts_at=STARTS,
            capacity=10,
            batik_class__min_participants=5,
            batik_class__go_no_go_hours=24,
        )
        PriceTierFactory(batik_class=session.batik_class)
        MembershipFactory(workshop=session.batik_class.workshop, user__email="pemilik@sanggar.id")
    return session


def guests(session, *seat_counts, confirm=True):
    with time_machine.travel(EARLY, tick=False):
        return [
            book(session, name=f"Tamu {n}", email=f"tamu{n}@example.id", seats=seats, confirm=confirm)
            for n, seats in enumerate(seat_counts)
        ]


def decide_at(moment):
    with time_machine.travel(moment, tick=False):
        return decide_sessions()


def kinds(kind):
    return OutboxMessage.objects.filter(kind=kind)


def test_nothing_is_decided_before_the_cutoff(session):
    guests(session, 2, 3)
    assert decide_at(CUTOFF - timedelta(seconds=1)) == 0
    session.refresh_from_db()
    assert session.decision == ""


def test_a_session_at_its_minimum_goes_ahead_once_and_every_guest_hears_it(session):
    bookings = guests(session, 2, 3)
    assert decide_at(CUTOFF) == 1
    assert decide_at(CUTOFF + timedelta(minutes=5)) == 0  # run again: one effect

    session.refresh_from_db()
    assert (session.decision, session.decided_at) == (SessionDecision.GO, CUTOFF)
    assert set(kinds(MessageKind.SESSION_GOING_AHEAD).values_list("booking_id", flat=True)) == {
        booking.pk for booking in bookings
    }
    assert kinds(MessageKind.SESSION_GOING_AHEAD).count() == 2


def test_held_seats_do_not_count_toward_the_minimum(session):
    guests(session, 4)
    with time_machine.travel(CUTOFF - timedelta(minutes=5), tick=False):
        book(session, name="Belum bayar", email="hold@example.id", seats=2, confirm=False)
    decide_at(CUTOFF)
    session.refresh_from_db()
    assert session.decision == SessionDecision.PENDING


def test_below_the_minimum_with_auto_cancel_the_session_is_cancelled_and_guests_see_the_next_sessions(
    session, mailoutbox
):
    session.batik_class.auto_cancel_below_minimum = True
    session.batik_class.save()
    later = ClassSessionFactory(batik_class=session.batik_class, starts_at=STARTS + timedelta(days=7))
    bookings = guests(session, 2)

    decide_at(CUTOFF + timedelta(minutes=3))
    decide_at(CUTOFF + timedelta(minutes=8))

    session.refresh_from_db()
    assert (session.decision, session.status) == (SessionDecision.CANCELLED, SessionStatus.CANCELLED)
    assert session.seats_taken == 0
    bookings[0].refresh_from_db()
    assert bookings[0].status == BookingStatus.CANCELLED
    (message,) = kinds(MessageKind.SESSION_CANCELLED)
    assert outbox_deliver(message_id=message.pk)
    body = mailoutbox[-1].body
    assert "minimum" in body.lower() or "minimal" in body.lower()
    assert "17 Desember 2026, 09:00–11:00 WIB" in body  # the later session, in the guest's language (id)
    assert later.pk


def test_below_the_minimum_the_owners_decide_by_a_deadline_and_silence_means_it_goes_ahead(
    session, mailoutbox
):
    guests(session, 2, 1)
    decide_at(CUTOFF)
    decide_at(CUTOFF + timedelta(minutes=5))

    session.refresh_from_db()
    assert session.decision == SessionDecision.PENDING
    assert session.decision_deadline == CUTOFF + timedelta(hours=12)
    (question,) = kinds(MessageKind.HOST_DECISION_NEEDED)
    assert question.recipient_email == "pemilik@sanggar.id"
    assert outbox_deliver(message_id=question.pk)
    assert "3 of 5" in mailoutbox[-1].body or "3 dari 5" in mailoutbox[-1].body
    assert "WIB" in mailoutbox[-1].subject

    assert decide_at(session.decision_deadline - timedelta(seconds=1)) == 0
    assert not kinds(MessageKind.SESSION_GOING_AHEAD).exists()
    decide_at(session.decision_deadline)
    decide_at(session.decision_deadline + timedelta(minutes=5))
    session.refresh_from_db()
    assert session.decision == SessionDecision.GO
    assert kinds(MessageKind.SESSION_GOING_AHEAD).count() == 2


def test_an_owner_who_cancels_before_the_deadline_is_recorded_as_cancelled(session):
    from bookings.services.sessions import session_cancel_with_bookings

    guests(session, 1)
    decide_at(CUTOFF)
    with time_machine.travel(CUTOFF + timedelta(hours=1), tick=False):
        session_cancel_with_bookings(session=session, reason="Kurang peserta", actor=None)
    decide_at(CUTOFF + timedelta(hours=12))
    session.refresh_from_db()
    assert session.decision == SessionDecision.CANCELLED
    assert not kinds(MessageKind.SESSION_GOING_AHEAD).exists()


def test_a_cutoff_across_midnight_wib_is_met_to_the_second():
    starts = datetime(2026, 12, 12, 0, 30, tzinfo=WIB)  # half past midnight; cutoff 22:30 the day before
    with time_machine.travel(EARLY, tick=False):
        session = ClassSessionFactory(
            starts_at=starts, batik_class__min_participants=2, batik_class__go_no_go_hours=2
        )
        PriceTierFactory(batik_class=session.batik_class)
    guests(session, 2)
    assert decide_at(datetime(2026, 12, 11, 22, 29, 59, tzinfo=WIB)) == 0
    assert decide_at(datetime(2026, 12, 11, 22, 30, tzinfo=WIB)) == 1
    session.refresh_from_db()
    assert session.decision == SessionDecision.GO


def test_classes_without_a_minimum_are_not_decided(db):
    with time_machine.travel(EARLY, tick=False):
        session = ClassSessionFactory(starts_at=STARTS, batik_class__min_participants=1)
    assert decide_at(CUTOFF + timedelta(hours=1)) == 0
    assert ClassSession.objects.get(pk=session.pk).decision == ""


def test_the_session_api_shows_progress_toward_the_minimum_and_the_decision(api, session):
    guests(session, 2, 1)
    with time_machine.travel(CUTOFF - timedelta(hours=1), tick=False):
        body = api.get(f"/api/v1/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["min_participants"], body["confirmed_seats"]) == (5, 3)
    assert body["minimum_progress"] == "3 of 5 needed"
    assert body["decision"] == ""
    guests_more = [book(session, name="Lagi", email="lagi@example.id", seats=2)]
    decide_at(CUTOFF)
    with time_machine.travel(CUTOFF + timedelta(minutes=1), tick=False):
        body = api.get(f"/api/v1/sessions/{session.pk}/").json()
    assert (body["confirmed_seats"], body["minimum_progress"], body["decision"]) == (5, None, "go")
    assert guests_more
