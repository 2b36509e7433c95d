"""A host's single sessions and closed days: create, edit, refuse what must be refused."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.timezones import WIB, wib_date
from tests.factories import ClassSessionFactory, ClosedDayFactory, PriceTierFactory
from tests.workshops.conftest import as_user
from workshops.errors import ClosedDayConflict, SessionNotScheduled
from workshops.models import AuditEntry, ClassSession, SessionStatus
from workshops.services.sessions import session_cancel, session_move

pytestmark = pytest.mark.django_db


def next_week_at(hour: int, minute: int = 0) -> datetime:
    day = wib_date(timezone.now()) + timedelta(days=7)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB)


def create(api, world, user=None, **body):
    return as_user(api, user or world.staff).post(
        f"/api/v1/host/classes/{world.batik_class.slug}/sessions/", body, format="json"
    )


def test_staff_create_a_session_that_ends_after_the_class_duration(api, world):
    response = create(api, world, starts_at=next_week_at(9).isoformat(), capacity=6, language="en")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["capacity"] == 6 and body["seats_left"] == 6 and body["fill_rate"] == 0
    assert body["ends_at"] == (next_week_at(9) + timedelta(minutes=120)).isoformat()


def test_a_start_without_offset_is_read_as_wib(api, world):
    naive = next_week_at(23, 30).replace(tzinfo=None).isoformat()

    body = create(api, world, starts_at=naive).json()

    assert body["starts_at"] == next_week_at(23, 30).isoformat()
    assert body["starts_at"].endswith("+07:00")


def test_a_session_in_the_past_is_refused(api, world):
    response = create(api, world, starts_at=(timezone.now() - timedelta(hours=1)).isoformat())

    assert response.status_code == 400
    assert response.json()["code"] == "session_in_past"


def test_creating_a_session_on_a_closed_day_is_409(api, world):
    day = wib_date(next_week_at(9))
    ClosedDayFactory(workshop=world.workshop, date_from=day - timedelta(days=1), date_to=day, reason="Imlek")

    response = create(api, world, starts_at=next_week_at(9).isoformat())

    assert response.status_code == 409
    assert response.json()["code"] == "closed_day"
    assert "Imlek" in response.json()["detail"]
    assert "starts_at" in response.json()["fields"]


def test_moving_a_session_onto_a_closed_day_is_409(api, world):
    ClosedDayFactory(workshop=world.workshop, date_from=wib_date(next_week_at(9)))

    response = as_user(api, world.staff).patch(
        f"/api/v1/host/sessions/{world.session.pk}/",
        {"starts_at": next_week_at(9).isoformat()},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "closed_day"


def test_moving_an_unbooked_session_keeps_its_length(api, world):
    response = as_user(api, world.staff).patch(
        f"/api/v1/host/sessions/{world.session.pk}/",
        {"starts_at": next_week_at(14).isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.content
    world.session.refresh_from_db()
    assert world.session.starts_at == next_week_at(14)
    assert world.session.ends_at == next_week_at(16)


def book(api, session, seats: int):
    api.force_authenticate(user=None)
    response = api.post(
        "/api/v1/bookings/",
        {"session": session.pk, "seats": seats, "contact": {"name": "Ayu", "email": "ayu@example.id"}},
        format="json",
    )
    assert response.status_code == 201, response.content


def test_capacity_below_the_seats_booked_is_409(api, world):
    book(api, world.session, seats=3)

    response = as_user(api, world.staff).patch(
        f"/api/v1/host/sessions/{world.session.pk}/", {"capacity": 2}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "capacity_below_booked"
    world.session.refresh_from_db()
    assert world.session.capacity == 10


def test_capacity_down_to_exactly_the_seats_booked_is_allowed(api, world):
    book(api, world.session, seats=3)

    response = as_user(api, world.staff).patch(
        f"/api/v1/host/sessions/{world.session.pk}/", {"capacity": 3}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["seats_left"] == 0 and response.json()["fill_rate"] == 1.0


def test_a_booked_session_is_not_moved_by_an_edit_but_by_rescheduling(api, world):
    PriceTierFactory(batik_class=world.batik_class)
    book(api, world.session, seats=1)

    response = as_user(api, world.staff).patch(
        f"/api/v1/host/sessions/{world.session.pk}/",
        {"starts_at": next_week_at(9).isoformat()},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "session_has_bookings"


def test_a_cancelled_session_cannot_be_edited(api, world):
    session_cancel(session=world.session, reason="Hujan deras", actor=world.owner)

    response = as_user(api, world.staff).patch(
        f"/api/v1/host/sessions/{world.session.pk}/", {"capacity": 12}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "session_not_scheduled"


def test_session_cancel_flips_the_session_once_and_audits_it(world):
    session_cancel(session=world.session, reason="Hujan deras", actor=world.owner)

    world.session.refresh_from_db()
    assert world.session.status == SessionStatus.CANCELLED
    assert world.session.cancel_reason == "Hujan deras" and world.session.cancelled_at is not None
    with pytest.raises(SessionNotScheduled):
        session_cancel(session=world.session, reason="again", actor=world.owner)
    assert AuditEntry.objects.filter(action="session.cancelled").count() == 1


def test_session_move_moves_a_booked_session_but_never_onto_a_closed_day(api, world):
    book(api, world.session, seats=2)
    session_move(session=world.session, starts_at=next_week_at(10), actor=world.owner)
    world.session.refresh_from_db()
    assert world.session.starts_at == next_week_at(10)

    ClosedDayFactory(workshop=world.workshop, date_from=wib_date(next_week_at(10)) + timedelta(days=1))
    with pytest.raises(ClosedDayConflict):
        session_move(session=world.session, starts_at=next_week_at(10) + timedelta(days=1), actor=world.owner)


def test_session_edits_are_audited_with_before_and_after(api, world):
    as_user(api, world.staff).patch(
        f"/api/v1/host/sessions/{world.session.pk}/", {"capacity": 7, "note": "Bawa celemek"}, format="json"
    )

    entry = AuditEntry.objects.get(action="session.updated")
    assert entry.actor == world.staff and entry.workshop == world.workshop
    assert entry.target_id == str(world.session.pk)
    assert (entry.before["capacity"], entry.after["capacity"]) == (10, 7)
    assert entry.after["note"] == "Bawa celemek"


def test_a_closed_day_over_existing_sessions_leaves_them_and_reports_them(api, world):
    day = wib_date(world.session.starts_at)

    response = as_user(api, world.staff).post(
        f"/api/v1/host/workshops/{world.workshop.slug}/closed-days/",
        {"date_from": day.isoformat(), "date_to": day.isoformat(), "reason": "Cap Go Meh"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert [s["id"] for s in response.json()["sessions_affected"]] == [world.session.pk]
    world.session.refresh_from_db()
    assert world.session.status == SessionStatus.SCHEDULED
    assert AuditEntry.objects.filter(action="closed_day.created", actor=world.staff).exists()


def test_a_closed_day_must_not_end_before_it_starts(api, world):
    response = as_user(api, world.staff).post(
        f"/api/v1/host/workshops/{world.workshop.slug}/closed-days/",
        {"date_from": "2026-02-17", "date_to": "2026-02-16"},
        format="json",
    )

    assert response.status_code == 400
    assert "date_to" in response.json()["fields"]


def test_the_calendar_filters_by_wib_dates_and_shows_fill_rates(api, world):
    late = ClassSessionFactory(batik_class=world.batik_class, starts_at=next_week_at(23, 30), capacity=4)
    ClassSession.objects.filter(pk=late.pk).update(seats_taken=1)
    day = wib_date(next_week_at(23, 30)).isoformat()

    response = as_user(api, world.staff).get(f"/api/v1/host/sessions/?date_from={day}&date_to={day}")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [late.pk]
    assert rows[0]["fill_rate"] == 0.25 and rows[0]["batik_class"]["slug"] == world.batik_class.slug


def session_list_queries(api, world, count: int) -> int:
    ClassSession.objects.exclude(pk=world.session.pk).delete()
    for i in range(count - 1):
        ClassSessionFactory(batik_class=world.batik_class, starts_at=next_week_at(8) + timedelta(days=i))
    client = as_user(api, world.staff)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/v1/host/sessions/?workshop={world.workshop.slug}")
    assert response.json()["count"] == count
    return len(ctx.captured_queries)


def test_the_host_session_list_takes_the_same_number_of_queries_for_2_and_12_sessions(api, world):
    assert session_list_queries(api, world, 2) == session_list_queries(api, world, 12)
