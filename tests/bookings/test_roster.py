"""The roster a host prints or opens in a spreadsheet: who is coming, with what, and who is in."""

import csv
import io
from datetime import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.services.checkin import booking_check_in
from bookings.services.holds import booking_cancel
from core.timezones import WIB
from tests.bookings.conftest import book, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAMES = ["Siti Nurhaliza", "Lim Mei Hua", "Dewi Ayu Lestari"]


@pytest.fixture
def guests(session):
    return [
        book(session, name="Siti Nurhaliza", email="siti@example.id", seats=2, phone="+6281234567890"),
        book(session, name="Lim Mei Hua", email="mei@example.id", seats=1, tier_index=1, language="zh-hans"),
        book(session, name="Dewi Ayu Lestari", email="dewi@example.id", seats=3, confirm=False),
    ]


def roster(client, session, **params):
    return client.get(f"/api/v1/host/sessions/{session.pk}/roster/", params)


def test_the_roster_lists_each_booking_with_seats_per_tier_contact_status_and_total(host, session, guests):
    response = roster(host, session)

    assert response.status_code == 200
    body = response.json()
    assert body["session"]["id"] == session.pk
    rows = {row["name"]: row for row in body["bookings"]}
    assert set(rows) == set(NAMES)
    siti = rows["Siti Nurhaliza"]
    assert siti["code"] == guests[0].code
    assert siti["email"] == "siti@example.id"
    assert siti["phone"] == "+6281234567890"
    assert siti["status"] == "confirmed"
    assert siti["lines"] == [{"tier": siti["lines"][0]["tier"], "label": "Dewasa", "quantity": 2}]
    assert siti["total"] == 100000
    assert siti["checked_in"] is False and siti["checked_in_at"] is None
    assert rows["Lim Mei Hua"]["lines"][0]["label"] == "Pelajar"
    assert rows["Dewi Ayu Lestari"]["status"] == "held"
    # Both confirmed bookings pay at the workshop (Rp100.000 + Rp35.000); the hold has no payment yet.
    assert body["totals"] == {
        "bookings": 3,
        "seats": 6,
        "checked_in_seats": 0,
        "to_collect": 135000,
        "paid": 0,
        "refund_due": 0,
    }
    assert siti["payment"]["method"] == "at_workshop" and siti["payment"]["to_collect"] == 100000
    assert rows["Dewi Ayu Lestari"]["payment"] is None


def test_the_roster_shows_who_checked_in_and_when(host, owner, session, guests):
    with time_machine.travel(session.starts_at, tick=False):
        booking_check_in(booking=guests[0], actor=owner)

    row = next(r for r in roster(host, session).json()["bookings"] if r["code"] == guests[0].code)

    assert row["status"] == "attended"
    assert row["checked_in"] is True
    assert row["checked_in_at"] is not None
    assert row["checked_in_by"] == owner.display_name


def test_the_csv_roster_starts_with_a_bom_and_keeps_indonesian_and_chinese_names_intact(
    host, session, guests
):
    response = roster(host, session, format="csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    day = session.starts_at.astimezone(WIB).date().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="roster-{session.batik_class.slug}-{day}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[1] for row in rows[1:]]
    assert sorted(names) == sorted(NAMES)
    siti = next(row for row in rows if row[1] == "Siti Nurhaliza")
    assert "2 × Dewasa" in siti
    assert "100000" in siti


def test_the_csv_columns_are_in_the_language_of_the_request(host, session, guests):
    english = roster(host, session, format="csv", lang="en").content.decode("utf-8-sig").splitlines()[0]
    indonesian = roster(host, session, format="csv", lang="id").content.decode("utf-8-sig").splitlines()[0]

    assert english.startswith("Booking code,Name")
    assert indonesian.startswith("Kode pemesanan,")


def test_the_roster_leaves_out_expired_holds_but_shows_cancellations(host, session, guests):
    booking_cancel(booking=guests[0])

    rows = {row["name"]: row["status"] for row in roster(host, session).json()["bookings"]}

    assert rows["Siti Nurhaliza"] == "cancelled"


def test_a_csv_request_for_another_workshops_session_is_a_json_404(stranger_host, session, guests):
    response = roster(stranger_host, session, format="csv")

    assert response.status_code == 404
    assert response.json()["code"] == "session_not_found"


def test_a_coordinator_can_read_any_roster(session, guests):
    coordinator = UserFactory()
    coordinator.groups.add(Group.objects.get_or_create(name="coordinators")[0])

    assert roster(client_for(coordinator), session).status_code == 200


def _queries_for_roster(host, session) -> int:
    roster(host, session)  # warm up what is loaded once per process
    with CaptureQueriesContext(connection) as queries:
        assert roster(host, session).status_code == 200
    with CaptureQueriesContext(connection) as csv_queries:
        assert roster(host, session, format="csv").status_code == 200
    return len(queries) + len(csv_queries)


def test_the_roster_takes_as_many_queries_for_twelve_bookings_as_for_two(host, session):
    session.capacity = 20
    session.save(update_fields=["capacity"])
    for i in range(2):
        book(session, name=f"Tamu {i}", email=f"tamu{i}@example.id")
    with_two = _queries_for_roster(host, session)
    for i in range(2, 12):
        book(session, name=f"Tamu {i}", email=f"tamu{i}@example.id", tier_index=i % 2)

    assert _queries_for_roster(host, session) == with_two


def test_roster_times_are_read_in_wib(host, owner, session, guests):
    # 09:05 WIB on the session's day is 02:05 UTC.
    local = session.starts_at.astimezone(WIB)
    moment = datetime(local.year, local.month, local.day, 9, 5, tzinfo=WIB)
    with time_machine.travel(moment, tick=False):
        booking_check_in(booking=guests[0], actor=owner)

    rows = list(csv.reader(io.StringIO(roster(host, session, format="csv").content.decode("utf-8-sig"))))

    assert next(row for row in rows if row[1] == "Siti Nurhaliza")[8] == "09:05"
