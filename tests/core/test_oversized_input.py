"""Oversized input: a page size past the cap is capped, a body past the limit is refused with 413
in the API's error shape, before anything is parsed or written."""

import json

import pytest

from bookings.models import Booking
from tests.bookings.conftest import GUEST
from tests.factories import ClassSessionFactory, PriceTierFactory, VillageFactory

pytestmark = pytest.mark.django_db

MEGABYTE = 1024 * 1024


def _session():
    session = ClassSessionFactory(capacity=10)
    PriceTierFactory(batik_class=session.batik_class, amount=50000, position=0)
    return session


@pytest.mark.parametrize("page_size", ["101", "100000", "999999999999999999999"])
def test_a_page_size_past_the_cap_gets_the_cap(api, page_size):
    VillageFactory.create_batch(101)

    response = api.get("/api/v1/villages/", {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 100
    assert response.json()["count"] == 101


def test_an_empty_page_size_means_the_default(api):
    VillageFactory.create_batch(25)

    response = api.get("/api/v1/villages/", {"page_size": ""})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 20


@pytest.mark.parametrize("page_size", ["0", "-5", "abc"])
def test_a_nonsense_page_size_is_a_400_with_a_stable_code(api, page_size):
    response = api.get("/api/v1/villages/", {"page_size": page_size})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_page_size"


def test_a_one_megabyte_booking_body_is_refused_with_413_and_books_nothing(api):
    session = _session()
    body = {"session": session.pk, "seats": 1, "contact": {**GUEST, "name": "x" * MEGABYTE}}

    response = api.post("/api/v1/bookings/", body, format="json")

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert response.json()["detail"]
    assert Booking.objects.count() == 0


def test_a_body_that_understates_its_length_is_still_cut_at_the_limit(api, settings):
    # A client that lies in Content-Length: what is read, not what is declared, counts.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    session = _session()
    payload = json.dumps({"session": session.pk, "seats": 1, "contact": GUEST, "pad": "x" * 5000})

    response = api.generic(
        "POST", "/api/v1/bookings/", payload, content_type="application/json", CONTENT_LENGTH="900"
    )

    # The server reads only the declared 900 bytes: cut JSON is a 400 parse error, never a 500.
    assert response.status_code in (400, 413)
    assert response.json()["code"] in ("parse_error", "request_too_large")
    assert Booking.objects.count() == 0


def test_a_body_just_under_the_limit_is_parsed_as_usual(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    session = _session()
    body = {"session": session.pk, "seats": 1, "contact": {**GUEST, "name": "Rina " + "W" * 100}}

    response = api.post("/api/v1/bookings/", body, format="json")

    # Validation may refuse a 100-letter name; the point is that it was read and judged.
    assert response.status_code in (201, 400)
    assert response.json()["code"] != "request_too_large"


def test_djangos_own_body_cap_becomes_the_same_413_in_the_error_shape():
    # A view or middleware that reads request.body past DATA_UPLOAD_MAX_MEMORY_SIZE
    # makes Django raise RequestDataTooBig; the API answers it like the parser's refusal.
    from django.core.exceptions import RequestDataTooBig

    from core.api.errors import exception_handler

    response = exception_handler(RequestDataTooBig("too big"), {})

    assert response.status_code == 413
    assert response.data["code"] == "request_too_large"


def test_a_one_megabyte_form_post_to_the_booking_page_is_a_clean_400(client):
    session = _session()

    response = client.post(f"/sesi/{session.pk}/", {"name": "x" * MEGABYTE, "email": "a@example.id"})

    assert response.status_code == 400
    assert Booking.objects.count() == 0
