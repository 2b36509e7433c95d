"""The owners' morning digest (07:00 WIB, once a day) and the capacity check counting waitlist offers."""

from datetime import datetime, timedelta

import pytest
import time_machine

from bookings.models import CapacityRepair, MessageKind, OutboxMessage
from bookings.services.capacity import capacity_audit
from bookings.services.holds import Contact, booking_cancel
from bookings.services.outbox import outbox_deliver
from bookings.services.waitlist import waitlist_advance, waitlist_join
from bookings.tasks import send_daily_digests
from core.timezones import WIB
from tests.bookings.conftest import book
from tests.factories import ClassSessionFactory, MembershipFactory, PriceTierFactory, WorkshopFactory
from workshops.models import ClassSession

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 12, 7, 7, 0, tzinfo=WIB)  # Monday


@pytest.fixture
def workshop(db):
    workshop = WorkshopFactory(name="Sanggar Tidayu")
    MembershipFactory(workshop=workshop, user__email="pemilik@sanggar.id", user__preferred_language="en")
    MembershipFactory(workshop=workshop, user__email="diam@sanggar.id", notify_bookings=False)
    return workshop


def session_on(workshop, starts, *, capacity=10, minimum=1):
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=WIB), tick=False):
        session = ClassSessionFactory(
            starts_at=starts,
            capacity=capacity,
            batik_class__workshop=workshop,
            batik_class__min_participants=minimum,
            batik_class__max_participants=max(capacity, minimum),
        )
        PriceTierFactory(batik_class=session.batik_class)
    return session


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return send_daily_digests()


def test_the_digest_goes_at_seven_wib_once_a_day_to_owners_who_want_it(workshop):
    session_on(workshop, MORNING + timedelta(days=2))
    assert run_at(MORNING - timedelta(seconds=1)) == 0
    assert run_at(MORNING) == 1
    assert run_at(MORNING + timedelta(minutes=15)) == 0
    assert run_at(MORNING + timedelta(hours=16, minutes=59)) == 0  # 23:59 WIB, same day
    assert run_at(MORNING + timedelta(hours=5)) == 0  # noon: a late run no longer sends
    assert run_at(MORNING + timedelta(hours=17, minutes=1)) == 0  # 00:01 WIB the next day, before 07:00
    assert run_at(MORNING + timedelta(days=1)) == 1
    messages = OutboxMessage.objects.filter(kind=MessageKind.HOST_DAILY_DIGEST)
    assert set(messages.values_list("recipient_email", flat=True)) == {"pemilik@sanggar.id"}
    assert messages.count() == 2


def test_a_workshop_with_nothing_in_the_next_seven_days_gets_no_digest(workshop):
    session_on(workshop, MORNING + timedelta(days=8))
    assert run_at(MORNING) == 0


def test_the_digest_shows_fill_rate_minimum_warnings_and_waitlists(workshop, mailoutbox):
    full = session_on(workshop, MORNING + timedelta(days=1, hours=2), capacity=4)
    thin = session_on(workshop, MORNING + timedelta(days=3), minimum=5)
    for n in range(2):
        book(full, name="Tamu", email=f"penuh{n}@example.id", seats=2)
    book(thin, name="Sedikit", email="sedikit@example.id", seats=2)
    waitlist_join(
        session_id=full.pk,
        seats=3,
        contact=Contact(name="Antri", email="antri@example.id"),
        user=None,
        language="id",
    )

    run_at(MORNING)
    message = OutboxMessage.objects.get(kind=MessageKind.HOST_DAILY_DIGEST)
    assert outbox_deliver(message_id=message.pk)
    email = mailoutbox[-1]
    assert email.subject == "Sanggar Tidayu: the next 7 days"
    body = email.body
    assert "4/4 (100%)" in body and "Waitlist: 3" in body
    assert "2/10 (20%)" in body
    assert "Below the minimum: 2 of 5 needed" in body
    assert "Wednesday, 9 December 2026, 07:00 WIB" in body  # thin's cutoff, 24 h before


def test_the_capacity_check_counts_open_waitlist_offers_as_taken_seats(workshop):
    session = session_on(workshop, datetime(2026, 12, 20, 9, 0, tzinfo=WIB), capacity=3)
    bookings = [book(session, name="Tamu", email=f"tamu{n}@example.id") for n in range(3)]
    waitlist_join(
        session_id=session.pk,
        seats=2,
        contact=Contact(name="Antri", email="antri@example.id"),
        user=None,
        language="id",
    )
    booking_cancel(booking=bookings[0], by_host=True)
    booking_cancel(booking=bookings[1], by_host=True)
    assert len(waitlist_advance(session_id=session.pk)) == 1

    from django.utils import timezone

    assert capacity_audit(now=timezone.now()) == []  # 1 confirmed + an offer of 2 = the counter, 3

    ClassSession.objects.filter(pk=session.pk).update(seats_taken=1)  # a drifted counter forgets the offer
    (repair,) = capacity_audit(now=timezone.now())
    assert (repair.counter_before, repair.counted, repair.repaired) == (1, 3, True)
    assert CapacityRepair.objects.count() == 1
