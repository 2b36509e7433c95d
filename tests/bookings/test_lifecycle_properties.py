"""Whatever order people hold, confirm, cancel and let holds expire in, the counter stays true."""

import contextlib
from datetime import timedelta

import pytest
import time_machine
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from bookings.errors import (
    CancellationWindowClosed,
    HoldExpired,
    InvalidTransition,
    SessionFull,
    TooManyHolds,
)
from bookings.models import SEAT_HOLDING_STATUSES, Booking
from bookings.services.holds import (
    Contact,
    LineRequest,
    booking_cancel,
    booking_confirm,
    booking_hold,
    holds_sweep,
)
from tests.factories import ClassSessionFactory, PriceTierFactory

pytestmark = pytest.mark.django_db


class BookingLifecycle(RuleBasedStateMachine):
    bookings = Bundle("bookings")

    def __init__(self) -> None:
        super().__init__()
        self.clock = time_machine.travel(timezone.now(), tick=False)
        self.traveller = self.clock.start()
        self.session = ClassSessionFactory(capacity=8, starts_at=timezone.now() + timedelta(days=30))
        PriceTierFactory(batik_class=self.session.batik_class)

    def teardown(self) -> None:
        self.clock.stop()

    @rule(target=bookings, seats=st.integers(1, 4), person=st.integers(0, 5))
    def hold(self, seats: int, person: int):
        try:
            return booking_hold(
                session_id=self.session.pk,
                lines=[LineRequest(tier_id=None, quantity=seats)],
                contact=Contact(name="P", email=f"p{person}@example.id"),
                user=None,
                language="id",
            )
        except (SessionFull, TooManyHolds):
            return None

    @rule(booking=bookings)
    def confirm(self, booking):
        if booking is not None:
            with contextlib.suppress(HoldExpired, InvalidTransition):
                booking_confirm(booking=booking)

    @rule(booking=bookings)
    def cancel(self, booking):
        if booking is not None:
            with contextlib.suppress(CancellationWindowClosed, InvalidTransition):
                booking_cancel(booking=booking)

    @rule(minutes=st.integers(1, 20))
    def time_passes(self, minutes: int) -> None:
        self.traveller.shift(timedelta(minutes=minutes))

    @rule()
    def sweep(self) -> None:
        holds_sweep()

    @invariant()
    def counter_equals_active_seats_within_capacity(self) -> None:
        self.session.refresh_from_db()
        active = Booking.objects.filter(session=self.session, status__in=SEAT_HOLDING_STATUSES).aggregate(
            n=Sum("seats")
        )["n"]
        assert 0 <= self.session.seats_taken == (active or 0) <= self.session.capacity


def test_seat_counter_invariant_holds_over_any_sequence_of_actions():
    run_state_machine_as_test(
        BookingLifecycle,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
