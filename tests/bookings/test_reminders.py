"""Reminders at 09:00 WIB the day before and 2 hours before: once per booking, never late."""

from datetime import datetime, timedelta

import pytest
import time_machine

from bookings.models import MessageKind, OutboxMessage
from bookings.services.outbox import outbox_deliver
from bookings.tasks import send_reminders
from core.timezones import WIB
from tests.bookings.conftest import book
from tests.factories import ClassSessionFactory, PriceTierFactory

pytestmark = pytest.mark.django_db

# Thursday 10 December 2026, 10:00–12:00 WIB.
STARTS = datetime(2026, 12, 10, 10, 0, tzinfo=WIB)
DAY_BEFORE = datetime(2026, 12, 9, 9, 0, tzinfo=WIB)
SOON = STARTS - timedelta(hours=2)


def make_session(starts=STARTS):
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=WIB), tick=False):
        session = ClassSessionFactory(starts_at=starts, capacity=10)
        PriceTierFactory(batik_class=session.batik_class)
    return session


def booked_at(session, moment, email="rina@example.id", language="id"):
    with time_machine.travel(moment, tick=False):
        return book(session, name="Rina", email=email, language=language)


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return send_reminders()


def reminded(kind):
    return set(OutboxMessage.objects.filter(kind=kind).values_list("booking_id", flat=True))


def test_the_day_before_reminder_goes_at_nine_wib_once():
    session = make_session()
    booking = booked_at(session, datetime(2026, 12, 2, 20, 0, tzinfo=WIB))
    assert run_at(DAY_BEFORE - timedelta(seconds=1)) == 0
    assert run_at(DAY_BEFORE) == 1
    assert run_at(DAY_BEFORE + timedelta(minutes=5)) == 0
    assert run_at(datetime(2026, 12, 9, 23, 55, tzinfo=WIB)) == 0
    assert reminded(MessageKind.REMINDER_DAY_BEFORE) == {booking.pk}


def test_a_booking_made_after_nine_the_day_before_gets_no_late_day_before_reminder_but_the_soon_one():
    session = make_session()
    booking = booked_at(session, DAY_BEFORE + timedelta(minutes=30))
    run_at(DAY_BEFORE + timedelta(hours=1))
    assert reminded(MessageKind.REMINDER_DAY_BEFORE) == set()
    run_at(SOON)
    assert reminded(MessageKind.REMINDER_SOON) == {booking.pk}


def test_the_soon_reminder_goes_two_hours_before_once_and_not_to_last_minute_bookings():
    session = make_session()
    early = booked_at(session, datetime(2026, 12, 2, 8, 0, tzinfo=WIB))
    booked_at(session, SOON + timedelta(minutes=30), email="telat@example.id")
    assert run_at(SOON - timedelta(seconds=1)) == 0
    assert run_at(SOON) == 1
    assert run_at(SOON + timedelta(minutes=35)) == 0
    assert run_at(STARTS + timedelta(minutes=1)) == 0
    assert reminded(MessageKind.REMINDER_SOON) == {early.pk}


def test_across_midnight_wib_both_reminders_fall_on_the_evening_before():
    session = make_session(starts=datetime(2026, 12, 11, 0, 30, tzinfo=WIB))
    booking = booked_at(session, datetime(2026, 12, 3, 12, 0, tzinfo=WIB))
    assert run_at(datetime(2026, 12, 10, 8, 59, tzinfo=WIB)) == 0
    assert run_at(datetime(2026, 12, 10, 9, 0, tzinfo=WIB)) == 1  # "tomorrow" is 11 December in WIB
    assert run_at(datetime(2026, 12, 10, 22, 29, 59, tzinfo=WIB)) == 0
    assert run_at(datetime(2026, 12, 10, 22, 30, tzinfo=WIB)) == 1
    assert reminded(MessageKind.REMINDER_SOON) == {booking.pk}


def test_a_session_cancelled_by_its_host_gets_no_reminders():
    from bookings.services.sessions import session_cancel_with_bookings

    session = make_session()
    booked_at(session, datetime(2026, 12, 2, 8, 0, tzinfo=WIB))
    with time_machine.travel(datetime(2026, 12, 8, tzinfo=WIB), tick=False):
        session_cancel_with_bookings(session=session, reason="Banjir", actor=None)
    run_at(DAY_BEFORE)
    run_at(SOON)
    assert not OutboxMessage.objects.filter(
        kind__in=[MessageKind.REMINDER_DAY_BEFORE, MessageKind.REMINDER_SOON]
    ).exists()


def test_the_reminder_speaks_the_guests_language_with_wib_address_map_and_whatsapp(mailoutbox):
    session = make_session()
    booked_at(session, datetime(2026, 12, 2, 8, 0, tzinfo=WIB), language="en")
    run_at(DAY_BEFORE)
    message = OutboxMessage.objects.get(kind=MessageKind.REMINDER_DAY_BEFORE)
    assert outbox_deliver(message_id=message.pk)
    email = mailoutbox[-1]
    assert email.subject.startswith("Tomorrow: your batik class, Thursday, 10 December 2026, 10:00–12:00 WIB")
    assert "Jl. Uji No. 1, Singkawang" in email.body
    assert "https://www.google.com/maps/search/" in email.body
    assert "https://wa.me/6281200000000" in email.body


def test_a_session_still_waiting_for_its_go_no_go_gets_no_reminder_but_a_decided_one_does():
    from bookings.tasks import decide_sessions

    session = make_session()
    session.batik_class.min_participants = 2
    session.batik_class.go_no_go_hours = 24  # cutoff 10:00 the day before, after the 09:00 reminder
    session.batik_class.save()
    for n in range(2):
        booked_at(session, datetime(2026, 12, 2, 8, 0, tzinfo=WIB), email=f"tamu{n}@example.id")
    assert run_at(DAY_BEFORE) == 0
    with time_machine.travel(STARTS - timedelta(hours=24), tick=False):
        decide_sessions()
    assert OutboxMessage.objects.filter(kind=MessageKind.SESSION_GOING_AHEAD).count() == 2
    assert run_at(DAY_BEFORE + timedelta(hours=2)) == 0  # no late day-before reminder
    assert run_at(SOON) == 2
