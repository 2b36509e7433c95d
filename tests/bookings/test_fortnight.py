"""A simulated fortnight: the clock moves in 15-minute steps over a small Singkawang-like dataset.

Every beat task runs at every step (as beat would, only less often), and a few
things happen on the way (cancellations, an offer accepted, one left to lapse).
At the end each session has exactly the reminders, decisions, offers and
digests a host and a tourist would expect, and every message renders.
"""

from datetime import datetime, timedelta

import pytest
import time_machine

from bookings.models import Booking, BookingStatus, MessageKind, OutboxMessage, WaitlistEntry, WaitlistStatus
from bookings.services.holds import Contact, booking_cancel
from bookings.services.outbox import outbox_deliver
from bookings.services.waitlist import waitlist_accept, waitlist_join
from bookings.tasks import (
    decide_sessions,
    send_daily_digests,
    send_reminders,
    sweep_expired_holds,
    sweep_waitlists,
)
from core.timezones import WIB
from tests.bookings.conftest import book
from tests.factories import (
    BatikClassFactory,
    ClassSessionFactory,
    MembershipFactory,
    PriceTierFactory,
    WorkshopFactory,
)
from workshops.models import ClassSession, SessionDecision, SessionStatus

pytestmark = pytest.mark.django_db

SETUP = datetime(2026, 12, 1, 10, 0, tzinfo=WIB)
START = datetime(2026, 12, 7, 0, 0, tzinfo=WIB)  # Monday
END = datetime(2026, 12, 21, 0, 0, tzinfo=WIB)
STEP = timedelta(minutes=15)


def wib(day, hour, minute=0):
    return datetime(2026, 12, day, hour, minute, tzinfo=WIB)


def klass(workshop, title, **kwargs):
    batik_class = BatikClassFactory(workshop=workshop, title_ind=title, title_en=title, **kwargs)
    PriceTierFactory(batik_class=batik_class, amount=50000)
    return batik_class


def session_of(batik_class, starts, capacity):
    return ClassSessionFactory(batik_class=batik_class, starts_at=starts, capacity=capacity)


def guests(session, n, prefix, seats=1):
    return [
        book(session, name=f"Tamu {prefix}{i}", email=f"{prefix}{i}@example.id", seats=seats)
        for i in range(n)
    ]


@pytest.fixture
def demo():
    with time_machine.travel(SETUP, tick=False):
        tidayu = WorkshopFactory(name="Sanggar Tidayu")
        jumputan = WorkshopFactory(name="Sanggar Jumputan Pasiran")
        MembershipFactory(workshop=tidayu, user__email="ayu@tidayu.id")
        MembershipFactory(
            workshop=jumputan, user__email="lim@jumputan.id", user__preferred_language="zh-hans"
        )
        tulis = klass(tidayu, "Batik Tulis Tidayu", max_participants=6)
        ecoprint = klass(tidayu, "Ecoprint", min_participants=5, auto_cancel_below_minimum=True)
        ikat = klass(jumputan, "Jumputan Sore", min_participants=4, go_no_go_hours=48)
        celup = klass(jumputan, "Jumputan Pagi", max_participants=4)
        s = {
            "tulis_9": session_of(tulis, wib(9, 9), 6),
            "tulis_12": session_of(tulis, wib(12, 9), 6),
            "tulis_16": session_of(tulis, wib(16, 9), 6),
            "tulis_19": session_of(tulis, wib(19, 9), 6),
            "eco_10": session_of(ecoprint, wib(10, 14), 10),
            "eco_17": session_of(ecoprint, wib(17, 14), 10),
            "ikat_14": session_of(ikat, wib(14, 19), 8),
            "celup_15": session_of(celup, wib(15, 10), 4),
        }
        guests(s["tulis_9"], 2, "t9")
        guests(s["tulis_12"], 3, "t12")
        guests(s["tulis_16"], 1, "t16", seats=2)
        guests(s["eco_10"], 3, "e10")  # below 5: cancelled at the cutoff
        guests(s["eco_17"], 5, "e17")  # at 5: goes ahead
        guests(s["ikat_14"], 2, "i14")  # below 4: the owner is asked, stays silent
        celup = guests(s["celup_15"], 4, "c15")  # full
        waiting = [
            waitlist_join(
                session_id=s["celup_15"].pk,
                seats=seats,
                contact=Contact(name=f"Antri {i}", email=f"w{i}@example.id"),
                user=None,
                language="en",
            )
            for i, seats in enumerate([2, 1, 1])
        ]
    return s, celup, waiting


def test_a_fortnight_of_reminders_decisions_offers_and_digests(demo, mailoutbox):
    s, celup, (pair, single, last) = demo
    late = {}

    def events(now):
        if now == wib(11, 12):  # one seat of the full morning class comes free
            booking_cancel(booking=celup[0])
        if now == wib(11, 12, 15):  # the single behind the pair took it (the pair does not fit one seat)
            single.refresh_from_db()
            assert single.status == WaitlistStatus.OFFERED
            waitlist_accept(entry=single)
        if now == wib(11, 20):  # booked after 09:00 the day before: no day-before reminder
            late["tulis_12"] = book(s["tulis_12"], name="Telat", email="telat@example.id")
        if now == wib(12, 8):  # two seats free: the pair's turn; they let the offer lapse
            booking_cancel(booking=celup[1])
            booking_cancel(booking=celup[2])

    now = START
    while now < END:
        with time_machine.travel(now, tick=False):
            events(now)
            sweep_expired_holds()
            sweep_waitlists()
            decide_sessions()
            send_reminders()
            send_daily_digests()
        now += STEP

    for session in s.values():
        session.refresh_from_db()

    # Go/no-go: decided once each, only where a minimum applies.
    assert s["eco_10"].decision == SessionDecision.CANCELLED and s["eco_10"].status == SessionStatus.CANCELLED
    assert s["eco_10"].decided_at == wib(9, 14)
    assert s["eco_17"].decision == SessionDecision.GO and s["eco_17"].decided_at == wib(16, 14)
    assert s["ikat_14"].decision == SessionDecision.GO  # the owner stayed silent until the deadline
    assert s["ikat_14"].decision_deadline == wib(13, 19)
    assert {s["tulis_9"].decision, s["celup_15"].decision} == {""}
    going_ahead = OutboxMessage.objects.filter(kind=MessageKind.SESSION_GOING_AHEAD)
    assert going_ahead.filter(booking__session=s["eco_17"]).count() == 5
    assert going_ahead.filter(booking__session=s["ikat_14"]).count() == 2
    assert going_ahead.count() == 7
    (question,) = OutboxMessage.objects.filter(kind=MessageKind.HOST_DECISION_NEEDED)
    assert (question.session_id, question.recipient_email) == (s["ikat_14"].pk, "lim@jumputan.id")
    assert OutboxMessage.objects.filter(kind=MessageKind.SESSION_CANCELLED).count() == 3

    # Offers: the single first (one seat), then the pair (two seats), who let it lapse; the last single next.
    pair.refresh_from_db(), single.refresh_from_db(), last.refresh_from_db()
    assert single.status == WaitlistStatus.ACCEPTED
    assert pair.status == WaitlistStatus.EXPIRED
    assert pair.offered_at == wib(12, 8) and pair.offer_expires_at == wib(12, 8, 30)
    assert last.status == WaitlistStatus.OFFERED or last.status == WaitlistStatus.EXPIRED
    assert last.offered_at == wib(12, 8, 30)
    assert OutboxMessage.objects.filter(kind=MessageKind.WAITLIST_OFFERED).count() == 3
    assert s["celup_15"].seats_taken <= s["celup_15"].capacity

    # Reminders: each booking that still stood got each reminder once, if booked before its time.
    for key, session in s.items():
        confirmed = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED)
        day_before = set(
            OutboxMessage.objects.filter(
                kind=MessageKind.REMINDER_DAY_BEFORE, booking__session=session
            ).values_list("booking_id", flat=True)
        )
        soon = list(
            OutboxMessage.objects.filter(
                kind=MessageKind.REMINDER_SOON, booking__session=session
            ).values_list("booking_id", flat=True)
        )
        if session.status == SessionStatus.CANCELLED:
            assert day_before == set() and soon == [], key
            continue
        expected_soon = {b.pk for b in confirmed}
        expected_day_before = expected_soon - ({late[key].pk} if key in late else set())
        if key in ("eco_17", "ikat_14"):
            # Still undecided at 09:00 the day before: "going ahead" replaces that reminder.
            expected_day_before = set()
        assert day_before == expected_day_before, key
        assert sorted(soon) == sorted(expected_soon), key
    assert late["tulis_12"].pk in set(
        OutboxMessage.objects.filter(kind=MessageKind.REMINDER_SOON).values_list("booking_id", flat=True)
    )

    # Digests: one a morning per workshop while it has a scheduled session in the next 7 days.
    digests = OutboxMessage.objects.filter(kind=MessageKind.HOST_DAILY_DIGEST)
    assert digests.filter(recipient_email="ayu@tidayu.id").count() == 13  # 7 … 19 December
    assert digests.filter(recipient_email="lim@jumputan.id").count() == 8  # 8 … 15 December
    assert all(message.created_at.astimezone(WIB).hour == 7 for message in digests)
    assert all(message.created_at.astimezone(WIB).minute == 0 for message in digests)

    # Every message the fortnight queued renders and sends.
    for message in OutboxMessage.objects.order_by("pk"):
        assert outbox_deliver(message_id=message.pk), message
    assert len(mailoutbox) == OutboxMessage.objects.count()
    assert WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING).count() == 0
    assert ClassSession.objects.filter(seats_taken__gt=0, status=SessionStatus.CANCELLED).count() == 0
