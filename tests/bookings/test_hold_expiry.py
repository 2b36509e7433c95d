"""Holds expire on time and give their seats back: by the sweep, and inline when a session looks full."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from bookings.models import Booking, BookingStatus, MessageKind, OutboxMessage
from bookings.services.holds import holds_sweep
from bookings.tasks import sweep_expired_holds
from tests.bookings.conftest import GUEST

pytestmark = pytest.mark.django_db


def hold(api, session, seats, email="rina@example.id"):
    return api.post(
        "/api/v1/bookings/",
        {"session": session.pk, "seats": seats, "contact": {**GUEST, "email": email}},
        format="json",
    )


def test_the_sweep_expires_overdue_holds_once_and_frees_their_seats(api, session):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        held = hold(api, session, 3).json()
        hold(api, session, 2, email="budi@example.id")
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        hold(api, session, 1, email="sari@example.id")  # still fresh at the sweep

    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert sweep_expired_holds() == 2
        assert sweep_expired_holds() == 0  # the second run finds nothing more

    session.refresh_from_db()
    assert session.seats_taken == 1
    expired = Booking.objects.get(code=held["code"])
    assert expired.status == BookingStatus.EXPIRED
    assert expired.expired_at == start + timedelta(minutes=15, seconds=1)
    assert OutboxMessage.objects.filter(kind=MessageKind.HOLD_EXPIRED).count() == 2


def test_a_hold_is_still_valid_one_second_before_its_expiry(api, session):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        hold(api, session, 3)
    with time_machine.travel(start + timedelta(minutes=15) - timedelta(seconds=1), tick=False):
        assert holds_sweep() == 0
    session.refresh_from_db()
    assert session.seats_taken == 3


def test_a_full_session_releases_its_expired_holds_for_the_next_person(api, session):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert hold(api, session, 10).status_code == 201
        assert hold(api, session, 1, email="budi@example.id").json()["code"] == "session_full"

    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        # No sweep has run: the booking itself gives the expired hold's seats back.
        response = hold(api, session, 4, email="budi@example.id")

    assert response.status_code == 201
    session.refresh_from_db()
    assert session.seats_taken == 4
    assert Booking.objects.filter(status=BookingStatus.EXPIRED).count() == 1


def test_confirming_an_expired_hold_is_a_409_and_frees_the_seats(api, session):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        created = hold(api, session, 3).json()
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        response = api.post(
            f"/api/v1/bookings/{created['code']}/confirm/", HTTP_X_MANAGE_TOKEN=created["manage_token"]
        )

    assert response.status_code == 409
    assert response.json()["code"] == "hold_expired"
    assert Booking.objects.get(code=created["code"]).status == BookingStatus.EXPIRED
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_expired_holds_do_not_count_toward_the_three_hold_limit(api, session):
    from tests.factories import ClassSessionFactory

    others = [ClassSessionFactory(batik_class=session.batik_class) for _ in range(3)]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for target in [session, *others[:2]]:
            assert hold(api, target, 1).status_code == 201
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        assert hold(api, others[2], 1).status_code == 201
