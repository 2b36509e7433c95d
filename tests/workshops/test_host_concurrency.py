"""A host changing the schedule while tourists book: no seat oversold, no booked session lost."""

import pytest
from rest_framework.test import APIClient

from bookings.models import Booking
from core.errors import DomainError
from tests.concurrency import run_together
from tests.factories import ClassSessionFactory, MembershipFactory, PriceTierFactory, ScheduleRuleFactory
from workshops.models import ClassSession
from workshops.services.schedule import rule_extend, rule_update
from workshops.services.sessions import session_update

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("new_capacity", [3, 6])
def test_capacity_lowered_during_a_booking_rush_never_ends_below_the_seats_taken(new_capacity):
    session = ClassSessionFactory(capacity=10, seats_taken=0)
    PriceTierFactory(batik_class=session.batik_class)
    host = MembershipFactory(workshop=session.batik_class.workshop).user

    def work(i: int):
        if i == 0:
            fresh = ClassSession.objects.select_related("batik_class__workshop").get(pk=session.pk)
            try:
                session_update(session=fresh, actor=host, capacity=new_capacity)
            except DomainError as error:
                return error.code
            return "lowered"
        body = {
            "session": session.pk,
            "seats": 1,
            "contact": {"name": "Tamu", "email": f"tamu{i}@example.id"},
        }
        return APIClient().post("/api/v1/bookings/", body, format="json").status_code

    results = run_together(9, work)

    session.refresh_from_db()
    booked = results[1:].count(201)
    assert session.seats_taken == booked <= session.capacity
    if results[0] == "lowered":
        assert session.capacity == new_capacity
    else:
        assert results[0] == "capacity_below_booked" and session.capacity == 10


def test_a_rule_edit_racing_bookings_never_deletes_a_booked_session():
    rule = ScheduleRuleFactory(weekday_mask=127, capacity=5)
    PriceTierFactory(batik_class=rule.batik_class)
    rule_extend(rule_id=rule.pk)
    targets = list(
        ClassSession.objects.filter(rule=rule).order_by("starts_at").values_list("pk", flat=True)[:8]
    )
    host = MembershipFactory(workshop=rule.batik_class.workshop).user

    def work(i: int):
        if i == 0:
            return rule_update(rule=rule, actor=host, capacity=4).removed
        body = {
            "session": targets[i - 1],
            "seats": 1,
            "contact": {"name": "Tamu", "email": f"tamu{i}@example.id"},
        }
        return APIClient().post("/api/v1/bookings/", body, format="json").status_code

    results = run_together(9, work)

    assert all(status in (201, 404, 409) for status in results[1:]), results
    for booking in Booking.objects.select_related("session"):
        assert booking.session.seats_taken >= booking.seats
    kept = set(Booking.objects.values_list("session_id", flat=True))
    assert kept <= set(ClassSession.objects.values_list("pk", flat=True))
    assert len(kept) == results[1:].count(201)
