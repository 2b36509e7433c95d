"""At the workshop door: check-in by code, undo on the day, no-shows after the end."""

from datetime import timedelta

import pytest
import time_machine

from bookings.models import Booking, BookingStatus
from bookings.services.holds import booking_cancel, holds_sweep
from core.timezones import WIB, wib_day_end
from tests.bookings.conftest import book
from workshops.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def siti(session):
    return book(session, name="Siti Nurhaliza", email="siti@example.id", seats=2)


@pytest.fixture
def on_the_day(session):
    with time_machine.travel(session.starts_at - timedelta(minutes=20), tick=False):
        yield


def check_in(client, code):
    return client.post("/api/v1/host/check-in/", {"code": code}, format="json")


def undo(client, code):
    return client.post("/api/v1/host/check-in/undo/", {"code": code}, format="json")


def no_shows(client, session):
    return client.post(f"/api/v1/host/sessions/{session.pk}/no-shows/")


def test_checking_in_a_confirmed_booking_marks_it_attended_by_whom_and_when(host, owner, siti, on_the_day):
    response = check_in(host, siti.code)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "attended"
    assert response.json()["checked_in"] is True
    siti.refresh_from_db()
    assert siti.status == BookingStatus.ATTENDED
    assert siti.checked_in_by == owner
    assert siti.checked_in_at is not None
    assert AuditEntry.objects.filter(action="booking.check_in", target_id=siti.code, actor=owner).count() == 1


def test_a_code_typed_loosely_or_read_from_the_qr_finds_the_booking(host, siti, on_the_day):
    typed = " " + siti.code.lower().replace("-", " ") + " "

    assert check_in(host, typed).json()["code"] == siti.code


def test_checking_in_twice_is_safe_and_has_one_effect(host, siti, session):
    with time_machine.travel(session.starts_at - timedelta(minutes=20), tick=False):
        first = check_in(host, siti.code)
    with time_machine.travel(session.starts_at, tick=False):
        second = check_in(host, siti.code)

    assert second.status_code == 200
    assert second.json()["status"] == "attended"
    assert second.json()["checked_in_at"] == first.json()["checked_in_at"]
    assert AuditEntry.objects.filter(action="booking.check_in", target_id=siti.code).count() == 1


def test_a_code_of_another_workshop_is_not_found(stranger_host, siti, on_the_day):
    response = check_in(stranger_host, siti.code)

    assert response.status_code == 404
    assert Booking.objects.get(pk=siti.pk).status == BookingStatus.CONFIRMED


def test_an_unknown_code_is_not_found(host, siti, on_the_day):
    assert check_in(host, "BTK-ZZZZZZ").status_code == 404


def test_a_cancelled_booking_cannot_be_checked_in_and_the_answer_says_why(host, siti, on_the_day):
    booking_cancel(booking=siti, by_host=True)

    response = check_in(host, siti.code)

    assert response.status_code == 409
    assert response.json()["code"] == "booking_not_checkable"
    assert response.json()["fields"] == {"status": ["cancelled"]}


def test_held_and_expired_bookings_cannot_be_checked_in(host, session):
    held = book(session, name="Lim Mei Hua", email="mei@example.id", confirm=False)
    lapsed = book(session, name="Dewi Ayu Lestari", email="dewi@example.id", confirm=False)
    with time_machine.travel(session.starts_at - timedelta(minutes=20), tick=False):
        Booking.objects.filter(pk=lapsed.pk).update(hold_expires_at=session.starts_at - timedelta(hours=1))
        Booking.objects.filter(pk=held.pk).update(hold_expires_at=session.starts_at + timedelta(hours=1))
        holds_sweep()
        held_answer = check_in(host, held.code)
        expired_answer = check_in(host, lapsed.code)

    assert (held_answer.status_code, held_answer.json()["fields"]) == (409, {"status": ["held"]})
    assert (expired_answer.status_code, expired_answer.json()["fields"]) == (409, {"status": ["expired"]})


def test_check_in_opens_on_the_day_of_the_session_in_wib(host, siti, session):
    day_before = session.starts_at.astimezone(WIB).replace(hour=23, minute=59) - timedelta(days=1)
    with time_machine.travel(day_before, tick=False):
        response = check_in(host, siti.code)

    assert response.status_code == 409
    assert response.json()["code"] == "check_in_not_open"


def test_a_check_in_can_be_undone_on_the_day(host, siti, on_the_day):
    check_in(host, siti.code)

    response = undo(host, siti.code)

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    siti.refresh_from_db()
    assert (siti.status, siti.checked_in_at, siti.checked_in_by) == (BookingStatus.CONFIRMED, None, None)
    assert undo(host, siti.code).status_code == 200  # undoing twice changes nothing more
    assert AuditEntry.objects.filter(action="booking.check_in_undo").count() == 1


def test_a_check_in_cannot_be_undone_after_the_session_day(host, siti, session):
    with time_machine.travel(session.starts_at, tick=False):
        check_in(host, siti.code)
    with time_machine.travel(wib_day_end(session.starts_at.astimezone(WIB).date()), tick=False):
        response = undo(host, siti.code)

    assert response.status_code == 409
    assert response.json()["code"] == "check_in_undo_closed"
    assert Booking.objects.get(pk=siti.pk).status == BookingStatus.ATTENDED


def test_no_shows_cannot_be_marked_before_the_session_ends(host, siti, session):
    with time_machine.travel(session.ends_at - timedelta(minutes=1), tick=False):
        response = no_shows(host, session)

    assert response.status_code == 409
    assert response.json()["code"] == "session_not_over"
    assert Booking.objects.get(pk=siti.pk).status == BookingStatus.CONFIRMED


def test_after_the_end_unchecked_confirmed_bookings_become_no_shows_once(host, siti, session):
    came = book(session, name="Lim Mei Hua", email="mei@example.id", seats=1)
    with time_machine.travel(session.starts_at, tick=False):
        check_in(host, came.code)
    with time_machine.travel(session.ends_at + timedelta(minutes=5), tick=False):
        first = no_shows(host, session)
        second = no_shows(host, session)

    assert first.status_code == 200
    assert first.json() == {"marked": 1, "codes": [siti.code]}
    assert second.json() == {"marked": 0, "codes": []}
    assert Booking.objects.get(pk=siti.pk).status == BookingStatus.NO_SHOW
    assert Booking.objects.get(pk=came.pk).status == BookingStatus.ATTENDED
    session.refresh_from_db()
    # The counter only counts seats still held, confirmed or attended.
    assert session.seats_taken == 1
    assert AuditEntry.objects.filter(action="booking.no_show", target_id=siti.code).count() == 1
