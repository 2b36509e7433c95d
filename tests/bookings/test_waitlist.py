"""Waitlists with party sizes: joined only when full, offers in joining order, each seat offered once."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from bookings.models import Booking, BookingStatus, MessageKind, OutboxMessage, WaitlistEntry, WaitlistStatus
from bookings.services.holds import Contact, booking_cancel, holds_sweep
from bookings.services.waitlist import waitlist_advance, waitlist_join
from bookings.tasks import advance_waitlist, sweep_waitlists
from tests.bookings.conftest import GUEST, book

pytestmark = pytest.mark.django_db


def join(session, email, seats=1, *, name="Tamu"):
    return waitlist_join(
        session_id=session.pk,
        seats=seats,
        contact=Contact(name=name, email=email),
        user=None,
        language="en",
    )


def fill(session, seats_each=1):
    """Full session: one confirmed booking per seat group."""
    return [
        book(session, name=f"Peserta {n}", email=f"peserta{n}@example.id", seats=seats_each)
        for n in range(session.capacity // seats_each)
    ]


def queue(session, sizes, start):
    """Parties joining one minute apart, in the given sizes."""
    entries = []
    for n, seats in enumerate(sizes):
        with time_machine.travel(start + timedelta(minutes=n), tick=False):
            entries.append(join(session, f"antri{n}@example.id", seats))
    return entries


def offered(session):
    return list(
        WaitlistEntry.objects.filter(session=session, status=WaitlistStatus.OFFERED).order_by("joined_at")
    )


# --- Joining, seeing and leaving through the API -------------------------------------------------


def test_a_guest_joins_a_full_session_sees_their_place_and_leaves(api, session):
    fill(session)
    first = api.post(
        f"/api/v1/sessions/{session.pk}/waitlist/", {"seats": 2, "contact": GUEST}, format="json"
    )
    second = api.post(
        f"/api/v1/sessions/{session.pk}/waitlist/",
        {"seats": 1, "contact": {**GUEST, "email": "budi@example.id"}},
        format="json",
    )
    assert first.status_code == 201, first.json()
    assert (first.json()["status"], first.json()["position"]) == ("waiting", 1)
    body = second.json()
    assert body["position"] == 2

    seen = api.get(f"/api/v1/waitlist/{body['id']}/", HTTP_X_MANAGE_TOKEN=body["token"])
    assert seen.json()["position"] == 2
    assert api.get(f"/api/v1/waitlist/{body['id']}/").status_code == 404
    assert api.get(f"/api/v1/waitlist/{body['id']}/?token={first.json()['token']}").status_code == 404

    assert (
        api.delete(f"/api/v1/waitlist/{first.json()['id']}/?token={first.json()['token']}").status_code == 204
    )
    assert api.get(f"/api/v1/waitlist/{body['id']}/?token={body['token']}").json()["position"] == 1


def test_joining_a_session_with_enough_free_seats_is_refused(api, session):
    book(session, name="Sari", email="sari@example.id", seats=8)
    response = api.post(
        f"/api/v1/sessions/{session.pk}/waitlist/", {"seats": 2, "contact": GUEST}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "seats_available"
    # Three seats wanted, two free: waiting makes sense.
    response = api.post(
        f"/api/v1/sessions/{session.pk}/waitlist/", {"seats": 3, "contact": GUEST}, format="json"
    )
    assert response.status_code == 201


def test_one_person_waits_once_per_session(api, session):
    fill(session)
    url = f"/api/v1/sessions/{session.pk}/waitlist/"
    assert api.post(url, {"seats": 1, "contact": GUEST}, format="json").status_code == 201
    again = api.post(url, {"seats": 2, "contact": GUEST}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_on_waitlist"


def test_a_signed_in_tourist_sees_their_entry_without_a_token(tourist, session):
    fill(session)
    created = tourist.post(f"/api/v1/sessions/{session.pk}/waitlist/", {"seats": 1}, format="json")
    assert created.status_code == 201
    assert "token" not in created.json()
    assert tourist.get(f"/api/v1/waitlist/{created.json()['id']}/").json()["status"] == "waiting"


# --- Offers ---------------------------------------------------------------------------------------


def test_ten_freed_seats_go_to_exactly_the_right_parties_of_a_hundred_in_order(session):
    bookings = fill(session)
    start = timezone.now()
    sizes = [(3, 1, 2, 4, 1, 2, 1, 5, 2, 1)[n % 10] for n in range(100)]
    entries = queue(session, sizes, start)

    with time_machine.travel(start + timedelta(hours=2), tick=False):
        for booking in bookings:
            booking_cancel(booking=booking, by_host=True)
        made = advance_waitlist(session.pk)
        again = advance_waitlist(session.pk)  # the task run twice: one effect

    # Walk the queue: each party that fits the seats still free, in joining order.
    free, expected = 10, []
    for entry in entries:
        if entry.seats <= free:
            expected.append(entry.pk)
            free -= entry.seats
        if free == 0:
            break
    assert [entry.pk for entry in offered(session)] == expected
    assert made == len(expected) and again == 0
    session.refresh_from_db()
    assert session.seats_taken == 10
    offers = Booking.objects.filter(waitlist_entry__isnull=False)
    assert offers.count() == len(expected)
    assert all(booking.status == BookingStatus.HELD for booking in offers)
    assert OutboxMessage.objects.filter(kind=MessageKind.WAITLIST_OFFERED).count() == len(expected)


def test_a_large_party_at_the_head_keeps_its_place_and_is_offered_first_once_it_fits(session):
    bookings = fill(session)
    start = timezone.now()
    large, small, single = queue(session, [4, 2, 1], start)

    with time_machine.travel(start + timedelta(hours=1), tick=False):
        booking_cancel(booking=bookings[0], by_host=True)
        booking_cancel(booking=bookings[1], by_host=True)
        waitlist_advance(session_id=session.pk)
    # Two seats: the four wait on, the two behind them may take the seats.
    assert [entry.pk for entry in offered(session)] == [small.pk]
    large.refresh_from_db()
    assert large.status == WaitlistStatus.WAITING

    with time_machine.travel(start + timedelta(hours=1, minutes=10), tick=False):  # the offer still open
        for booking in bookings[2:6]:
            booking_cancel(booking=booking, by_host=True)
        waitlist_advance(session_id=session.pk)
    # Four seats free now: the large party first, although the single behind it would fit too.
    assert [entry.pk for entry in offered(session)] == [large.pk, small.pk]
    single.refresh_from_db()
    assert single.status == WaitlistStatus.WAITING


def test_an_offer_not_accepted_in_time_moves_to_the_next_party(session):
    bookings = fill(session)
    start = timezone.now()
    first, second = queue(session, [1, 1], start)
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        booking_cancel(booking=bookings[0], by_host=True)
        waitlist_advance(session_id=session.pk)
    first.refresh_from_db()
    assert first.status == WaitlistStatus.OFFERED
    assert first.offer_expires_at == start + timedelta(hours=1, minutes=30)
    assert first.booking.hold_expires_at == first.offer_expires_at

    with time_machine.travel(first.offer_expires_at - timedelta(seconds=1), tick=False):
        assert holds_sweep() == 0
        sweep_waitlists()
    assert [entry.pk for entry in offered(session)] == [first.pk]

    with time_machine.travel(first.offer_expires_at + timedelta(seconds=1), tick=False):
        holds_sweep()  # the hold sweep expires the offer ...
        sweep_waitlists()  # ... and the waitlist sweep (or the trigger) offers the seat on
    first.refresh_from_db()
    assert first.status == WaitlistStatus.EXPIRED
    assert [entry.pk for entry in offered(session)] == [second.pk]
    session.refresh_from_db()
    assert session.seats_taken == 10


def test_accepting_an_offer_confirms_the_booking_and_late_acceptance_is_refused(api, session):
    bookings = fill(session)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = api.post(
            f"/api/v1/sessions/{session.pk}/waitlist/", {"seats": 1, "contact": GUEST}, format="json"
        ).json()
        late = api.post(
            f"/api/v1/sessions/{session.pk}/waitlist/",
            {"seats": 1, "contact": {**GUEST, "email": "telat@example.id"}},
            format="json",
        ).json()
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        booking_cancel(booking=bookings[0], by_host=True)
        booking_cancel(booking=bookings[1], by_host=True)
        waitlist_advance(session_id=session.pk)
        accepted = api.post(f"/api/v1/waitlist/{first['id']}/accept/?token={first['token']}")
        twice = api.post(f"/api/v1/waitlist/{first['id']}/accept/?token={first['token']}")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"
    assert twice.json()["status"] == "accepted"
    assert Booking.objects.get(code=accepted.json()["booking"]).status == BookingStatus.CONFIRMED

    with time_machine.travel(start + timedelta(minutes=36), tick=False):
        refused = api.post(f"/api/v1/waitlist/{late['id']}/accept/?token={late['token']}")
    assert refused.status_code == 409
    assert refused.json()["code"] == "offer_expired"
    session.refresh_from_db()
    assert session.seats_taken == 9


def test_declining_an_offer_gives_the_seats_to_the_next_party(session):
    bookings = fill(session)
    start = timezone.now()
    first, second = queue(session, [2, 2], start)
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        booking_cancel(booking=bookings[0], by_host=True)
        booking_cancel(booking=bookings[1], by_host=True)
        waitlist_advance(session_id=session.pk)
        from bookings.services.waitlist import waitlist_leave

        waitlist_leave(entry=first)
        advance_waitlist(session.pk)
    first.refresh_from_db()
    assert first.status == WaitlistStatus.LEFT
    assert first.booking.status == BookingStatus.CANCELLED
    assert [entry.pk for entry in offered(session)] == [second.pk]


def test_close_to_the_start_the_offer_window_shrinks_and_never_passes_the_start(session):
    bookings = fill(session)
    (entry,) = queue(session, [1], timezone.now())
    with time_machine.travel(session.starts_at - timedelta(minutes=40), tick=False):
        booking_cancel(booking=bookings[0], by_host=True)
        waitlist_advance(session_id=session.pk)
    entry.refresh_from_db()
    assert entry.offer_expires_at == session.starts_at - timedelta(minutes=20)


def test_no_offers_minutes_before_the_start_and_the_queue_closes_when_the_class_begins(session):
    bookings = fill(session)
    (entry,) = queue(session, [1], timezone.now())
    with time_machine.travel(session.starts_at - timedelta(minutes=8), tick=False):
        booking_cancel(booking=bookings[0], by_host=True)
        assert advance_waitlist(session.pk) == 0
    with time_machine.travel(session.starts_at + timedelta(minutes=1), tick=False):
        sweep_waitlists()
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.EXPIRED


def test_a_capacity_raised_by_the_host_is_offered_by_the_sweep(session):
    from workshops.models import ClassSession

    fill(session)
    (entry,) = queue(session, [2], timezone.now())
    ClassSession.objects.filter(pk=session.pk).update(capacity=12)
    assert sweep_waitlists() == 1
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    assert sweep_waitlists() == 0


def test_the_offer_email_has_a_one_click_accept_link_and_the_deadline_in_wib(session, mailoutbox):
    from bookings.services.outbox import outbox_deliver

    bookings = fill(session)
    (entry,) = queue(session, [1], timezone.now())
    booking_cancel(booking=bookings[0], by_host=True)
    waitlist_advance(session_id=session.pk)
    message = OutboxMessage.objects.get(kind=MessageKind.WAITLIST_OFFERED)
    assert outbox_deliver(message_id=message.pk)
    email = mailoutbox[-1]
    assert f"/daftar-tunggu/{entry.pk}/terima/?token=" in email.body
    assert "WIB" in email.subject and "WIB" in email.body
    assert "wa.me/6281200000000" in email.body


# --- Concurrency (PostgreSQL) --------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_never_offer_the_same_seat_twice():
    from tests.factories import ClassSessionFactory, PriceTierFactory

    session = ClassSessionFactory(capacity=10)
    PriceTierFactory(batik_class=session.batik_class)
    bookings = fill(session)
    start = timezone.now()
    entries = queue(session, [1, 2, 1, 3, 1, 1, 2, 1, 1, 1, 2, 1] * 3, start)

    barrier = threading.Barrier(len(bookings))
    errors = []

    def cancel_and_advance(booking):
        try:
            barrier.wait()
            booking_cancel(booking=booking, by_host=True)
            waitlist_advance(session_id=session.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel_and_advance, args=(booking,)) for booking in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    session.refresh_from_db()
    assert session.seats_taken == 10
    offers = offered(session)
    assert sum(entry.seats for entry in offers) == 10
    assert len({entry.booking_id for entry in offers}) == len(offers)
    held = Booking.objects.filter(session=session, status=BookingStatus.HELD)
    assert sum(booking.seats for booking in held) == 10
    # Seats freed one by one: whoever fits at each moment, never anyone twice; with a
    # final advance nothing changes, because no seat is left.
    assert waitlist_advance(session_id=session.pk) == []
    assert offers[0].pk == entries[0].pk


def test_a_cancellation_triggers_the_offer_after_commit_and_a_broker_outage_is_left_to_the_sweep(
    session, monkeypatch, django_capture_on_commit_callbacks
):
    bookings = fill(session)
    (entry,) = queue(session, [1], timezone.now())
    published = []
    monkeypatch.setattr(
        advance_waitlist, "apply_async", lambda args, retry: published.append(args) or advance_waitlist(*args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=bookings[0], by_host=True)
    assert published == [[session.pk]]
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED

    def broker_down(args, retry):
        raise ConnectionError("redis away")

    monkeypatch.setattr(advance_waitlist, "apply_async", broker_down)
    later = join(session, "nanti@example.id")
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=bookings[1], by_host=True)  # does not raise
    later.refresh_from_db()
    assert later.status == WaitlistStatus.WAITING
    sweep_waitlists()
    later.refresh_from_db()
    assert later.status == WaitlistStatus.OFFERED


def test_a_host_raising_the_capacity_offers_the_new_seats_to_the_waitlist_at_once(
    django_capture_on_commit_callbacks,
):
    from rest_framework.test import APIClient

    from bookings.models import WaitlistEntry
    from config.celery import app
    from tests.factories import ClassSessionFactory, MembershipFactory, PriceTierFactory

    # The trigger publishes a real task; run it in-process to see its effect.
    app.conf.task_always_eager = True
    try:
        session = ClassSessionFactory(capacity=2)
        PriceTierFactory(batik_class=session.batik_class)
        guest = APIClient()
        guest.post(
            "/api/v1/bookings/",
            {"session": session.pk, "seats": 2, "contact": {"name": "A", "email": "a@example.id"}},
            format="json",
        )
        joined = guest.post(
            f"/api/v1/sessions/{session.pk}/waitlist/",
            {"seats": 2, "contact": {"name": "Budi", "email": "budi@example.id"}},
            format="json",
        )
        assert joined.status_code == 201, joined.content
        owner = MembershipFactory(workshop=session.batik_class.workshop).user
        host = APIClient()
        host.force_authenticate(owner)

        with django_capture_on_commit_callbacks(execute=True):
            raised = host.patch(f"/api/v1/host/sessions/{session.pk}/", {"capacity": 4}, format="json")

        assert raised.status_code == 200, raised.content
        entry = WaitlistEntry.objects.get(pk=joined.json()["id"])
        assert entry.status == "offered"
    finally:
        app.conf.task_always_eager = False
