"""Under real concurrency on PostgreSQL no seat is ever sold twice."""

from collections import Counter

import pytest
from django.db.models import Sum
from rest_framework.test import APIClient

from bookings.models import SEAT_HOLDING_STATUSES, Booking
from tests.concurrency import run_together
from tests.factories import ClassSessionFactory, PriceTierFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True, params=["database function", "statement by statement"])
def hold_write_way(request, settings):
    """Every race here runs against both ways of writing a hold (bookings/services/hold_write.py)."""
    settings.CANTING_HOLD_IN_DATABASE = request.param == "database function"


def _active_seats(session) -> int:
    return (
        Booking.objects.filter(session=session, status__in=SEAT_HOLDING_STATUSES).aggregate(n=Sum("seats"))[
            "n"
        ]
        or 0
    )


def test_last_ten_seats_go_to_exactly_ten_of_fifty_concurrent_bookings():
    session = ClassSessionFactory(capacity=30, seats_taken=0)
    PriceTierFactory(batik_class=session.batik_class)
    # 20 of 30 seats are already gone; 50 people race for the last 10.
    for i in range(20):
        APIClient().post(
            "/api/v1/bookings/",
            {
                "session": session.pk,
                "seats": 1,
                "contact": {"name": "Early", "email": f"early{i}@example.id"},
            },
            format="json",
        )

    def book(i: int):
        response = APIClient().post(
            "/api/v1/bookings/",
            {
                "session": session.pk,
                "seats": 1,
                "contact": {"name": "Racer", "email": f"racer{i}@example.id"},
            },
            format="json",
        )
        return response.status_code, response.json().get("code")

    results = run_together(50, book)

    statuses = Counter(status for status, _code in results)
    assert statuses == {201: 10, 409: 40}
    assert {code for status, code in results if status == 409} == {"session_full"}
    session.refresh_from_db()
    assert session.seats_taken == 30 == _active_seats(session)


def test_concurrent_cancels_and_holds_keep_the_counter_equal_to_the_bookings():
    session = ClassSessionFactory(capacity=12)
    PriceTierFactory(batik_class=session.batik_class)
    created = []
    for i in range(12):
        body = (
            APIClient()
            .post(
                "/api/v1/bookings/",
                {"session": session.pk, "seats": 1, "contact": {"name": "A", "email": f"a{i}@example.id"}},
                format="json",
            )
            .json()
        )
        created.append(body)

    def work(i: int):
        client = APIClient()
        if i < 12:
            booking = created[i]
            return client.post(
                f"/api/v1/bookings/{booking['code']}/cancel/", HTTP_X_MANAGE_TOKEN=booking["manage_token"]
            ).status_code
        return client.post(
            "/api/v1/bookings/",
            {"session": session.pk, "seats": 2, "contact": {"name": "B", "email": f"b{i}@example.id"}},
            format="json",
        ).status_code

    results = run_together(24, work)

    assert results[:12] == [200] * 12
    session.refresh_from_db()
    assert session.seats_taken == _active_seats(session) <= session.capacity


def test_bookings_for_different_sessions_do_not_block_each_other():
    sessions = [ClassSessionFactory(capacity=5) for _ in range(10)]
    for session in sessions:
        PriceTierFactory(batik_class=session.batik_class)

    def book(i: int):
        return (
            APIClient()
            .post(
                "/api/v1/bookings/",
                {
                    "session": sessions[i % 10].pk,
                    "seats": 1,
                    "contact": {"name": "C", "email": f"c{i}@example.id"},
                },
                format="json",
            )
            .status_code
        )

    assert run_together(40, book) == [201] * 40
    for session in sessions:
        session.refresh_from_db()
        assert session.seats_taken == 4 == _active_seats(session)


def test_one_person_racing_ten_holds_gets_exactly_three():
    sessions = [ClassSessionFactory(capacity=5) for _ in range(10)]
    for session in sessions:
        PriceTierFactory(batik_class=session.batik_class)

    def book(i: int):
        response = APIClient().post(
            "/api/v1/bookings/",
            {
                "session": sessions[i].pk,
                "seats": 1,
                "contact": {"name": "Hoarder", "email": "same@example.id"},
            },
            format="json",
        )
        return response.status_code, response.json()["code"] if response.status_code != 201 else "held"

    results = run_together(10, book)

    assert Counter(results) == {(201, "held"): 3, (409, "too_many_holds"): 7}
    assert Booking.objects.filter(contact_email="same@example.id").count() == 3
    assert sum(s.seats_taken for s in type(sessions[0]).objects.filter(pk__in=[s.pk for s in sessions])) == 3
