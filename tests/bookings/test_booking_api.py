"""The booking API from a tourist's side: hold, confirm, cancel, and everything refused."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from bookings.models import Booking, BookingStatus
from core.cache import SEATS_STALE_SECONDS, catalogue_changed
from tests.bookings.conftest import GUEST, tiers
from tests.factories import ClassSessionFactory, PriceTierFactory, UserFactory
from workshops.models import ClassSession, SessionStatus

pytestmark = pytest.mark.django_db


def hold(api, session, **extra):
    body = {"session": session.pk, "seats": 2, "contact": GUEST, **extra}
    return api.post("/api/v1/bookings/", body, format="json")


def test_a_guest_holds_seats_per_tier_and_the_counter_moves(api, session):
    adult, student = tiers(session)

    response = api.post(
        "/api/v1/bookings/",
        {
            "session": session.pk,
            "lines": [{"tier": adult, "quantity": 2}, {"tier": student, "quantity": 1}],
            "contact": GUEST,
            "language": "en",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "held"
    assert body["code"].startswith("BTK-") and len(body["code"]) == 10
    assert body["seats"] == 3
    assert body["total"] == 2 * 50000 + 35000
    assert body["currency"] == "IDR"
    assert body["hold_expires_at"].endswith("+07:00")
    assert body["manage_token"]
    assert body["contact"]["phone"] == "+6281234567890"
    assert [(line["label"], line["quantity"], line["unit_price"]) for line in body["lines"]] == [
        ("Dewasa", 2, 50000),
        ("Pelajar", 1, 35000),
    ]
    session.refresh_from_db()
    assert session.seats_taken == 3


def test_seats_shorthand_books_the_first_tier(api, session):
    body = hold(api, session, seats=4).json()

    assert body["seats"] == 4
    assert body["total"] == 4 * 50000


def test_hold_lasts_the_workshops_hold_minutes(api, session):
    workshop = session.batik_class.workshop
    workshop.hold_minutes = 10
    workshop.save()
    before = timezone.now()

    booking = Booking.objects.get(code=hold(api, session).json()["code"])

    assert timedelta(minutes=9) < booking.hold_expires_at - before <= timedelta(minutes=10, seconds=5)


def test_confirm_then_the_booking_is_confirmed_and_the_seats_stay_taken(api, session):
    created = hold(api, session).json()

    response = api.post(f"/api/v1/bookings/{created['code']}/confirm/?token={created['manage_token']}")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    assert response.json()["hold_expires_at"] is None
    session.refresh_from_db()
    assert session.seats_taken == 2


def test_cancel_gives_the_seats_back(api, session):
    created = hold(api, session).json()
    token = {"HTTP_X_MANAGE_TOKEN": created["manage_token"]}
    api.post(f"/api/v1/bookings/{created['code']}/confirm/", **token)

    response = api.post(f"/api/v1/bookings/{created['code']}/cancel/", **token)

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_cancelling_twice_is_a_409_and_changes_nothing(api, session):
    created = hold(api, session).json()
    token = {"HTTP_X_MANAGE_TOKEN": created["manage_token"]}
    api.post(f"/api/v1/bookings/{created['code']}/cancel/", **token)

    again = api.post(f"/api/v1/bookings/{created['code']}/cancel/", **token)

    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_confirmed_booking_cannot_be_cancelled_free_inside_the_window(api):
    soon = ClassSessionFactory(starts_at=timezone.now() + timedelta(hours=5))
    PriceTierFactory(batik_class=soon.batik_class)
    created = hold(api, soon).json()
    token = {"HTTP_X_MANAGE_TOKEN": created["manage_token"]}
    api.post(f"/api/v1/bookings/{created['code']}/confirm/", **token)

    response = api.post(f"/api/v1/bookings/{created['code']}/cancel/", **token)

    assert response.status_code == 409
    assert response.json()["code"] == "cancellation_window_closed"
    assert Booking.objects.get(code=created["code"]).status == BookingStatus.CONFIRMED


def test_a_signed_in_tourist_books_without_contact_and_lists_their_bookings(api, session):
    user = UserFactory(email="ayu@example.id", first_name="Ayu", phone="+6281211112222")
    api.force_authenticate(user)

    created = api.post("/api/v1/bookings/", {"session": session.pk, "seats": 1}, format="json")

    assert created.status_code == 201, created.content
    assert created.json()["contact"]["email"] == "ayu@example.id"
    assert "manage_token" not in created.json()
    listed = api.get("/api/v1/bookings/").json()
    assert [item["code"] for item in listed["results"]] == [created.json()["code"]]
    assert api.get(f"/api/v1/bookings/{created.json()['code']}/").status_code == 200


def test_listing_bookings_needs_a_login(api):
    assert api.get("/api/v1/bookings/").status_code == 401


def test_another_persons_booking_is_a_404(api, session):
    owner = UserFactory()
    api.force_authenticate(owner)
    code = api.post("/api/v1/bookings/", {"session": session.pk, "seats": 1}, format="json").json()["code"]
    stranger = UserFactory()
    api.force_authenticate(stranger)

    for method, path in [
        ("get", f"/api/v1/bookings/{code}/"),
        ("post", f"/api/v1/bookings/{code}/confirm/"),
        ("post", f"/api/v1/bookings/{code}/cancel/"),
        ("get", f"/api/v1/bookings/{code}/calendar.ics"),
        ("get", f"/api/v1/bookings/{code}/qr.svg"),
    ]:
        response = getattr(api, method)(path)
        assert response.status_code == 404, path
    assert Booking.objects.get(code=code).status == BookingStatus.HELD
    assert api.get("/api/v1/bookings/").json()["count"] == 0


def test_guest_access_works_only_with_the_right_manage_token(api, session):
    created = hold(api, session).json()
    code = created["code"]

    assert api.get(f"/api/v1/bookings/{code}/").status_code == 404
    assert api.get(f"/api/v1/bookings/{code}/", {"token": "x" * 40}).status_code == 404
    assert api.get(f"/api/v1/bookings/{code}/", {"token": created["manage_token"]}).status_code == 200
    # Codes are forgiving about case and the dash, as people type them.
    loose = code.lower().replace("-", " ")
    assert api.get(f"/api/v1/bookings/{loose}/", {"token": created["manage_token"]}).status_code == 200


def test_a_full_session_is_a_409_session_full(api, session):
    session.capacity = 3
    session.save()
    assert hold(api, session, seats=2).status_code == 201

    response = hold(api, session, seats=2, contact={**GUEST, "email": "lain@example.id"})

    assert response.status_code == 409
    assert response.json()["code"] == "session_full"
    session.refresh_from_db()
    assert session.seats_taken == 2


def test_a_person_may_hold_at_most_three_sessions_at_once(api, session):
    others = [ClassSessionFactory(batik_class=session.batik_class) for _ in range(3)]
    for target in [session, *others[:2]]:
        assert hold(api, target, seats=1).status_code == 201

    fourth = hold(api, others[2], seats=1, contact={**GUEST, "email": "RINA@example.id"})

    assert fourth.status_code == 409
    assert fourth.json()["code"] == "too_many_holds"
    others[2].refresh_from_db()
    assert others[2].seats_taken == 0


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"session": 999999}, 404, "session_not_found"),
        ({"seats": 0}, 400, "min_value"),
        ({"seats": -1}, 400, "min_value"),
        ({"seats": 11}, 400, "invalid_booking"),  # the class allows 10 per booking
        ({"lines": [{"tier": 999999, "quantity": 1}], "seats": None}, 400, "invalid_booking"),
        ({"lines": [], "seats": None}, 400, "empty"),
        ({"contact": {**GUEST, "email": "bukan-email"}}, 400, "invalid"),
        ({"contact": {**GUEST, "phone": "12"}}, 400, "invalid_phone"),
        ({"contact": None}, 400, "null"),
        ({"language": "fr"}, 400, "invalid_choice"),
    ],
)
def test_bad_booking_requests_are_refused_with_a_stable_code_and_change_nothing(
    api, session, change, status, code
):
    body = {"session": session.pk, "seats": 2, "contact": GUEST}
    body.update(change)
    body = {key: value for key, value in body.items() if value is not None or key == "contact"}

    response = api.post("/api/v1/bookings/", body, format="json")

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert Booking.objects.count() == 0
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_a_tier_of_another_class_is_refused(api, session):
    foreign_tier = PriceTierFactory()

    response = api.post(
        "/api/v1/bookings/",
        {"session": session.pk, "lines": [{"tier": foreign_tier.pk, "quantity": 1}], "contact": GUEST},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_booking"


@pytest.mark.parametrize(
    ("session_kwargs", "code"),
    [
        ({"status": SessionStatus.CANCELLED}, "session_cancelled"),
        ({"status": SessionStatus.COMPLETED}, "session_not_bookable"),
        ({"starts_at": timezone.now() - timedelta(minutes=5)}, "session_started"),
    ],
)
def test_sessions_that_cannot_be_booked_are_a_409(api, session_kwargs, code):
    target = ClassSessionFactory(**session_kwargs)
    PriceTierFactory(batik_class=target.batik_class)

    response = hold(api, target)

    assert response.status_code == 409
    assert response.json()["code"] == code


def test_an_unpublished_class_cannot_be_booked(api):
    target = ClassSessionFactory(batik_class__is_published=False)
    PriceTierFactory(batik_class=target.batik_class)

    assert hold(api, target).status_code == 404


def test_calendar_file_and_qr_code_are_served_to_the_owner(api, session):
    created = hold(api, session).json()
    token = {"token": created["manage_token"]}

    ics = api.get(f"/api/v1/bookings/{created['code']}/calendar.ics", token)
    qr = api.get(f"/api/v1/bookings/{created['code']}/qr.svg", token)

    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg")


def test_the_cached_session_list_shows_new_seat_counts_within_seconds_of_a_booking(
    api, session, django_capture_on_commit_callbacks
):
    def seats_left() -> int:
        return api.get("/api/v1/sessions/", {"available": "true"}).json()["results"][0]["seats_left"]

    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert seats_left() == 10
        assert seats_left() == 10  # served from the cache
        with django_capture_on_commit_callbacks(execute=True):
            created = hold(api, session, seats=3).json()
        # A page computed just before may still be served, for at most SEATS_STALE_SECONDS ...
        assert seats_left() == 10
        clock.shift(SEATS_STALE_SECONDS)
        assert seats_left() == 7  # ... then it is computed again.
        assert seats_left() == 7  # and cached again, for the next few seconds
        with django_capture_on_commit_callbacks(execute=True):
            api.post(
                f"/api/v1/bookings/{created['code']}/cancel/", HTTP_X_MANAGE_TOKEN=created["manage_token"]
            )
        clock.shift(SEATS_STALE_SECONDS)
        assert seats_left() == 10


def test_a_change_to_the_catalogue_itself_shows_in_cached_lists_at_once(api, session):
    def note() -> str:
        return api.get("/api/v1/sessions/", {"available": "true"}).json()["results"][0]["note"]

    assert note() == session.note
    ClassSession.objects.filter(pk=session.pk).update(note="Bawa kain sendiri")
    assert note() == session.note  # cached
    catalogue_changed()  # what every catalogue service does after commit
    assert note() == "Bawa kain sendiri"
