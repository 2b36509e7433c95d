"""Coordinators' monthly figures equal what a person would count by hand on a small month."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.codes import new_booking_code
from bookings.models import Booking
from core.timezones import WIB
from tests.bookings.conftest import client_for
from tests.factories import (
    ClassSessionFactory,
    MembershipFactory,
    UserFactory,
    VillageFactory,
    WorkshopFactory,
)
from workshops.models import SessionStatus

pytestmark = pytest.mark.django_db


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def session_at(workshop, starts_at, capacity, status=SessionStatus.SCHEDULED):
    return ClassSessionFactory(
        batik_class__workshop=workshop, starts_at=starts_at, capacity=capacity, status=status
    )


def booking(session, status, seats, total):
    return Booking.objects.create(
        code=new_booking_code(),
        session=session,
        contact_name="Tamu",
        contact_email="tamu@example.id",
        seats=seats,
        total=total,
        status=status,
        held_at=session.starts_at - timedelta(days=5),
        hold_expires_at=session.starts_at - timedelta(days=4),
        manage_nonce="n",
    )


@pytest.fixture
def month(db):
    """November 2026: two villages, three workshops, mixed statuses, and sessions just outside the month."""
    pasar = VillageFactory(name="Kampung Pasar Turi")
    sedau = VillageFactory(name="Kampung Sedau")
    a1 = WorkshopFactory(village=pasar, name="Sanggar Tidayu")
    a2 = WorkshopFactory(village=pasar, name="Sanggar Canting Emas")
    b1 = WorkshopFactory(village=sedau, name="Sanggar Ecoprint Sedau")

    s1 = session_at(a1, wib(2026, 11, 10, 9, 0), 10, SessionStatus.COMPLETED)
    booking(s1, "attended", 3, 150000)
    booking(s1, "no_show", 2, 100000)
    booking(s1, "cancelled", 1, 50000)
    booking(s1, "expired", 2, 100000)
    # 23:30 WIB on the last day of the month: still November.
    last_night = session_at(a1, wib(2026, 11, 30, 23, 30), 8)
    booking(last_night, "confirmed", 4, 200000)
    rained_off = session_at(a1, wib(2026, 11, 15, 9, 0), 10, SessionStatus.CANCELLED)
    booking(rained_off, "cancelled", 2, 100000)
    # 00:30 WIB on 1 December is still 30 November in UTC: it belongs to December.
    december = session_at(a1, wib(2026, 12, 1, 0, 30), 10)
    booking(december, "confirmed", 5, 250000)
    october = session_at(a1, wib(2026, 10, 31, 10, 0), 10, SessionStatus.COMPLETED)
    booking(october, "attended", 1, 50000)

    small = session_at(a2, wib(2026, 11, 5, 14, 0), 5, SessionStatus.COMPLETED)
    booking(small, "attended", 1, 75000)

    t1 = session_at(b1, wib(2026, 11, 20, 9, 0), 12, SessionStatus.COMPLETED)
    booking(t1, "attended", 6, 210000)
    booking(t1, "held", 1, 35000)
    session_at(b1, wib(2026, 11, 21, 9, 0), 8)
    return {"a1": a1, "a2": a2, "b1": b1}


@pytest.fixture
def coordinator(db):
    user = UserFactory(email="koordinator@program.id")
    user.groups.add(Group.objects.get_or_create(name="coordinators")[0])
    return client_for(user)


def report(client, **params):
    return client.get("/api/v1/reports/monthly/", {"year": 2026, "month": 11, **params})


FIGURES = [
    "sessions_held",
    "sessions_cancelled",
    "bookings",
    "seats",
    "attended",
    "no_shows",
    "gross_income",
    "fill_rate",
]


def figures(row: dict) -> tuple:
    return tuple(row[name] for name in FIGURES)


def test_the_report_per_workshop_equals_the_hand_counted_month(coordinator, month):
    response = report(coordinator)

    assert response.status_code == 200, response.content
    rows = {row["name"]: row for row in response.json()["rows"]}
    # held, cancelled, bookings, seats, attended, no-shows, income, fill rate (booked / capacity held)
    assert figures(rows["Sanggar Tidayu"]) == (2, 1, 3, 9, 3, 2, 450000, 50.0)
    assert figures(rows["Sanggar Canting Emas"]) == (1, 0, 1, 1, 1, 0, 75000, 20.0)
    assert figures(rows["Sanggar Ecoprint Sedau"]) == (2, 0, 1, 6, 6, 0, 210000, 30.0)
    assert rows["Sanggar Tidayu"]["village"] == "Kampung Pasar Turi"
    # 16 booked seats of 43 seats offered in held sessions.
    assert figures(response.json()["totals"]) == (5, 1, 5, 16, 10, 2, 735000, 37.2)


def test_the_report_per_village_adds_up_its_workshops(coordinator, month):
    response = report(coordinator, group_by="village")

    rows = {row["name"]: row for row in response.json()["rows"]}
    assert set(rows) == {"Kampung Pasar Turi", "Kampung Sedau"}
    assert figures(rows["Kampung Pasar Turi"]) == (3, 1, 4, 10, 4, 2, 525000, 43.5)
    assert figures(rows["Kampung Sedau"]) == (2, 0, 1, 6, 6, 0, 210000, 30.0)
    assert figures(response.json()["totals"]) == (5, 1, 5, 16, 10, 2, 735000, 37.2)


def test_the_night_session_of_the_first_of_december_counts_in_december(coordinator, month):
    tidayu = next(r for r in report(coordinator, month=12).json()["rows"] if r["name"] == "Sanggar Tidayu")

    assert (tidayu["sessions_held"], tidayu["seats"], tidayu["gross_income"]) == (1, 5, 250000)


def test_a_workshop_without_sessions_shows_zeros_and_no_fill_rate(coordinator, month):
    WorkshopFactory(name="Sanggar Baru")

    row = next(r for r in report(coordinator).json()["rows"] if r["name"] == "Sanggar Baru")

    assert figures(row) == (0, 0, 0, 0, 0, 0, 0, None)


def test_the_csv_report_has_a_bom_translated_columns_and_a_totals_row(coordinator, month):
    response = report(coordinator, format="csv", lang="en")

    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "canting-report-2026-11-workshop.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Workshop", "Village", "Sessions held"]
    assert rows[-1] == ["Total", "", "5", "1", "5", "16", "10", "2", "735000", "37.2"]


def test_the_report_takes_the_same_number_of_queries_for_three_workshops_as_for_ten(coordinator, month):
    report(coordinator)
    with CaptureQueriesContext(connection) as few:
        report(coordinator)
    for _ in range(7):
        workshop = WorkshopFactory()
        session_at(workshop, wib(2026, 11, 12, 9, 0), 10)
    with CaptureQueriesContext(connection) as many:
        assert len(report(coordinator).json()["rows"]) == 10

    assert len(many) == len(few)


def test_a_month_that_does_not_exist_is_a_validation_error(coordinator, month):
    response = report(coordinator, month=13)

    assert response.status_code == 400
    assert "month" in response.json()["fields"]


def test_only_coordinators_see_reports(month, tourist, api):
    host = client_for(MembershipFactory(workshop=month["a1"]).user)

    assert report(api).status_code == 401
    assert report(tourist).status_code == 403
    assert report(host).status_code == 403
