"""Idempotency-Key: a repeated request gets the first answer and does nothing twice."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from bookings.models import Booking, IdempotencyRecord, IdempotencyState
from bookings.services.idempotency import request_fingerprint
from tests.bookings.conftest import GUEST
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def post(api, session, key, **extra):
    body = {"session": session.pk, "seats": 2, "contact": GUEST, **extra}
    return api.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_same_key_and_body_replays_the_first_answer(api, session):
    first = post(api, session, "k-1")
    second = post(api, session, "k-1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1
    session.refresh_from_db()
    assert session.seats_taken == 2


def test_the_same_key_with_another_body_is_a_422(api, session):
    post(api, session, "k-1")

    response = post(api, session, "k-1", seats=3)

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Booking.objects.count() == 1


def test_keys_are_scoped_to_the_caller(api, session):
    post(api, session, "shared-key")

    other = post(api, session, "shared-key", contact={**GUEST, "email": "lain@example.id"})

    assert other.status_code == 201
    assert Booking.objects.count() == 2


def test_a_refusal_is_replayed_too(api, session):
    session.capacity = 1
    session.save()

    first = post(api, session, "k-full")
    session.capacity = 5
    session.save()
    second = post(api, session, "k-full")

    assert first.status_code == second.status_code == 409
    assert second.json()["code"] == "session_full"


def test_confirm_and_cancel_honour_the_key(api, session):
    user = UserFactory()
    api.force_authenticate(user)
    code = api.post("/api/v1/bookings/", {"session": session.pk, "seats": 1}, format="json").json()["code"]

    confirms = [
        api.post(f"/api/v1/bookings/{code}/confirm/", HTTP_IDEMPOTENCY_KEY="c-1").status_code
        for _ in range(2)
    ]
    cancels = [
        api.post(f"/api/v1/bookings/{code}/cancel/", HTTP_IDEMPOTENCY_KEY="x-1").status_code for _ in range(2)
    ]

    assert confirms == [200, 200]
    assert cancels == [200, 200]
    assert Booking.objects.get(code=code).messages.count() == 2  # one confirmation, one cancellation


def test_a_key_whose_twin_is_still_in_flight_is_a_409(api, session):
    # The first request has claimed the key and is still working.
    body = {"session": session.pk, "seats": 2, "contact": GUEST}
    IdempotencyRecord.objects.create(
        scope="email:rina@example.id",
        key="k-busy",
        fingerprint=request_fingerprint(method="POST", path="/api/v1/bookings/", body=body),
        state=IdempotencyState.IN_FLIGHT,
        created_at=timezone.now(),
    )

    response = api.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-busy")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_flight"
    assert Booking.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_twins_book_once(session):
    from rest_framework.test import APIClient

    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def twin() -> None:
        client = APIClient()
        barrier.wait()
        try:
            statuses.append(post(client, session, "k-race").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=twin) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Booking.objects.count() == 1
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}
    session.refresh_from_db()
    assert session.seats_taken == 2
