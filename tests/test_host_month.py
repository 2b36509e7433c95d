"""A host runs a month of classes through the API alone, and the coordinator sees the figures."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from rest_framework.test import APIClient

from bookings.models import MessageKind, OutboxMessage
from bookings.services.outbox import outbox_deliver
from core.timezones import WIB
from tests.factories import BatikClassFactory, MembershipFactory, PriceTierFactory, UserFactory

pytestmark = pytest.mark.django_db

MARCH = [date(2031, 3, 1) + timedelta(days=i) for i in range(31)]
CLASS_DAYS = [day for day in MARCH if day.isoweekday() in (2, 4, 6)]  # Tue, Thu, Sat
HOLIDAY = next(day for day in CLASS_DAYS if day.isoweekday() == 4)  # the first Thursday


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def book(session_id: int, seats: int, email: str) -> str:
    guest = APIClient()
    held = guest.post(
        "/api/v1/bookings/",
        {"session": session_id, "seats": seats, "contact": {"name": "Tamu", "email": email}},
        format="json",
    ).json()
    confirmed = guest.post(
        f"/api/v1/bookings/{held['code']}/confirm/", HTTP_X_MANAGE_TOKEN=held["manage_token"]
    )
    assert confirmed.status_code == 200
    return held["code"]


def test_a_host_runs_march_through_the_api_and_the_coordinator_sees_its_figures():
    owner = MembershipFactory().user
    batik_class = BatikClassFactory(workshop=owner.workshop_memberships.get().workshop, duration_minutes=120)
    PriceTierFactory(batik_class=batik_class, amount=45000)
    host = client_for(owner)
    slug = batik_class.workshop.slug

    with time_machine.travel(at(date(2031, 2, 20), 10), tick=False):
        # A weekly rule: Tuesday, Thursday and Saturday at 09:00 WIB, six seats.
        rule = host.post(
            f"/api/v1/host/classes/{batik_class.slug}/rules/",
            {
                "weekdays": [2, 4, 6],
                "start_time": "09:00",
                "capacity": 6,
                "valid_from": "2031-03-01",
                "valid_until": "2031-03-31",
            },
            format="json",
        )
        assert rule.status_code == 201, rule.content
        # Close a holiday: the rule takes its session away again.
        closed = host.post(
            f"/api/v1/host/workshops/{slug}/closed-days/",
            {"date_from": HOLIDAY.isoformat(), "date_to": HOLIDAY.isoformat(), "reason": "Cap Go Meh"},
            format="json",
        )
        assert closed.status_code == 201, closed.content
        if closed.json()["sessions_affected"]:
            # The rule made that session before the holiday was known: cancel it properly.
            for affected in closed.json()["sessions_affected"]:
                host.post(
                    f"/api/v1/host/sessions/{affected['id']}/cancel/", {"reason": "Cap Go Meh"}, format="json"
                )

        listed = host.get(
            "/api/v1/host/sessions/", {"date_from": "2031-03-01", "date_to": "2031-03-31", "page_size": 100}
        ).json()
        scheduled = [s for s in listed["results"] if s["status"] == "scheduled"]
        days = sorted(datetime.fromisoformat(s["starts_at"]).astimezone(WIB).date() for s in scheduled)
        assert days == [day for day in CLASS_DAYS if day != HOLIDAY]
        assert all(datetime.fromisoformat(s["starts_at"]).astimezone(WIB).hour == 9 for s in scheduled)
        first, rainy = sorted(scheduled, key=lambda s: s["starts_at"])[:2]

        # Tourists book.
        first_code = book(first["id"], 2, "ani@example.id")
        rainy_codes = [book(rainy["id"], 3, "budi@example.id"), book(rainy["id"], 1, "citra@example.id")]

        # Who is coming to the first class.
        roster = host.get(f"/api/v1/host/sessions/{first['id']}/roster/").json()
        assert [b["code"] for b in roster["bookings"]] == [first_code]

    first_day = datetime.fromisoformat(first["starts_at"]).astimezone(WIB).date()
    with time_machine.travel(at(first_day, 8, 50), tick=False):
        checked = host.post("/api/v1/host/check-in/", {"code": first_code.lower()}, format="json")
        assert checked.status_code == 200, checked.content
        assert checked.json()["status"] == "attended"

    rainy_day = datetime.fromisoformat(rainy["starts_at"]).astimezone(WIB).date()
    with time_machine.travel(at(rainy_day, 6, 0), tick=False):
        mail.outbox.clear()
        cancelled = host.post(
            f"/api/v1/host/sessions/{rainy['id']}/cancel/",
            {"reason": "Hujan deras, jalan banjir"},
            format="json",
        )
        assert cancelled.status_code == 200, cancelled.content
        messages = OutboxMessage.objects.filter(
            kind=MessageKind.SESSION_CANCELLED, booking__code__in=rainy_codes
        )
        for message in messages:
            outbox_deliver(message_id=message.pk)
        # Every guest is told, once, with the reason.
        assert sorted(m.to[0] for m in mail.outbox) == ["budi@example.id", "citra@example.id"]
        assert all("Hujan deras" in m.body for m in mail.outbox)

    coordinator = UserFactory()
    coordinator.groups.add(Group.objects.get_or_create(name="coordinators")[0])
    with time_machine.travel(at(date(2031, 4, 2), 9), tick=False):
        report = client_for(coordinator).get("/api/v1/reports/monthly/", {"year": 2031, "month": 3}).json()

    (row,) = [r for r in report["rows"] if r["slug"] == slug]
    held_sessions = len(CLASS_DAYS) - 2  # the holiday and the rainy day
    assert row["sessions_held"] == held_sessions
    assert row["sessions_cancelled"] == 1 + len(closed.json()["sessions_affected"])
    assert (row["bookings"], row["seats"], row["attended"]) == (1, 2, 2)
    assert row["gross_income"] == 2 * 45000
    assert row["fill_rate"] == round(100 * 2 / (6 * held_sessions), 1)
