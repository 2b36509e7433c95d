"""A host cancels a session while tourists are booking it: no booking survives in a cancelled session."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from bookings.models import SEAT_HOLDING_STATUSES, Booking
from tests.bookings.conftest import client_for
from tests.factories import ClassSessionFactory, MembershipFactory, PriceTierFactory
from workshops.models import SessionStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_session_cancelled_during_a_booking_rush_ends_with_no_active_booking_and_no_seats_taken():
    session = ClassSessionFactory(capacity=40)
    PriceTierFactory(batik_class=session.batik_class)
    owner = MembershipFactory(workshop=session.batik_class.workshop, role="owner").user
    tourists = 24
    barrier = threading.Barrier(tourists + 1)
    results: dict[str, list] = {"book": [], "cancel": []}

    def tourist(i: int) -> None:
        try:
            barrier.wait()
            response = APIClient().post(
                "/api/v1/bookings/",
                {"session": session.pk, "seats": 1, "contact": {"name": "Rina", "email": f"r{i}@example.id"}},
                format="json",
            )
            if response.status_code == 201:
                code = response.json()["code"]
                APIClient().post(
                    f"/api/v1/bookings/{code}/confirm/",
                    HTTP_X_MANAGE_TOKEN=response.json()["manage_token"],
                )
            results["book"].append(response.status_code)
        finally:
            connection.close()

    def host() -> None:
        try:
            barrier.wait()
            response = client_for(owner).post(
                f"/api/v1/host/sessions/{session.pk}/cancel/", {"reason": "Banjir"}, format="json"
            )
            results["cancel"].append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=tourist, args=(i,)) for i in range(tourists)]
    threads.append(threading.Thread(target=host))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results["cancel"] == [200]
    assert set(results["book"]) <= {201, 409}
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.seats_taken == 0
    assert not Booking.objects.filter(session=session, status__in=SEAT_HOLDING_STATUSES).exists()
