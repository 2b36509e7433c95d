"""Every bookings endpoint of the host API × (another workshop's member, a tourist, nobody signed in)."""

import pytest

from bookings.models import BookingStatus
from tests.bookings.conftest import book

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest(session):
    return book(session, name="Siti Nurhaliza", email="siti@example.id")


def endpoints(session, guest) -> list[tuple[str, str, dict]]:
    base = f"/api/v1/host/sessions/{session.pk}"
    return [
        ("post", f"{base}/cancel/", {"reason": "Banjir"}),
        ("post", f"{base}/reschedule/", {"starts_at": "2030-01-05T09:00:00+07:00"}),
        ("get", f"{base}/roster/", {}),
        ("get", f"{base}/roster/?format=csv", {}),
        ("post", f"{base}/no-shows/", {}),
        ("post", "/api/v1/host/check-in/", {"code": guest.code}),
        ("post", "/api/v1/host/check-in/undo/", {"code": guest.code}),
        (
            "patch",
            "/api/v1/host/notifications/",
            {"workshop": session.batik_class.workshop.slug, "notify_bookings": False},
        ),
    ]


def call(client, method, url, body):
    return getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)


def test_a_member_of_another_workshop_gets_404_for_every_endpoint(stranger_host, session, guest):
    for method, url, body in endpoints(session, guest):
        response = call(stranger_host, method, url, body)
        assert response.status_code == 404, (method, url, response.status_code)
        assert set(response.json()) == {"code", "detail", "fields"}
    session.refresh_from_db()
    guest.refresh_from_db()
    assert session.status == "scheduled"
    assert guest.status == BookingStatus.CONFIRMED


def test_a_tourist_gets_403_for_every_endpoint(tourist, session, guest):
    for method, url, body in [*endpoints(session, guest), ("get", "/api/v1/host/notifications/", {})]:
        response = call(tourist, method, url, body)
        assert response.status_code == 403, (method, url, response.status_code)
        assert set(response.json()) == {"code", "detail", "fields"}


def test_nobody_signed_in_gets_401_for_every_endpoint(api, session, guest):
    for method, url, body in [*endpoints(session, guest), ("get", "/api/v1/host/notifications/", {})]:
        response = call(api, method, url, body)
        assert response.status_code == 401, (method, url, response.status_code)
        assert response.json()["code"] == "not_authenticated"
