"""Host and coordinator pages through Django's test client: who may open them, and what they do."""

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from bookings.models import Booking, BookingStatus
from core.timezones import WIB, wib_date
from tests.factories import ClassSessionFactory
from workshops.models import (
    ClassSession,
    ClosedDay,
    Invitation,
    ScheduleRule,
    SessionStatus,
    WorkshopMembership,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def _book(session, *, name: str, seats: int) -> Booking:
    """A confirmed booking made the way a tourist makes one."""
    from bookings.services.holds import Contact, LineRequest, booking_confirm, booking_hold

    tier = session.batik_class.price_tiers.first()
    held = booking_hold(
        session_id=session.pk,
        lines=[LineRequest(tier_id=tier.pk, quantity=seats)],
        contact=Contact(name=name, email=f"{name.lower()}@example.id", phone=""),
        user=None,
        language="id",
    )
    return booking_confirm(booking=held, notify=False)


def _pages(world) -> dict[str, str]:
    session, workshop = world["session"], world["workshop"]
    return {
        "roster": f"/host/sessions/{session.pk}/",
        "roster_csv": f"/host/sessions/{session.pk}/roster.csv",
        "cancel": f"/host/sessions/{session.pk}/cancel/",
        "members": f"/host/sanggar/{workshop.slug}/anggota/",
    }


HOST_PAGES = ["dashboard", "roster", "roster_csv", "cancel", "members"]
WORKSHOP_PAGES = ["roster", "roster_csv", "cancel", "members"]
POSTS = ["check-in", "no-shows"]


def _url(world, page: str) -> str:
    return "/host/" if page == "dashboard" else _pages(world)[page]


@pytest.mark.parametrize("page", [*HOST_PAGES, "koordinator"])
def test_a_signed_out_visitor_is_sent_to_the_login_page(host_world, page):
    url = "/koordinator/" if page == "koordinator" else _url(host_world, page)

    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("page", [*HOST_PAGES, "koordinator", "koordinator_csv"])
def test_a_tourist_gets_403_on_host_and_coordinator_pages(host_world, page):
    url = {"koordinator": "/koordinator/", "koordinator_csv": "/koordinator/laporan.csv"}.get(page)

    response = client_for(host_world["tourist"]).get(url or _url(host_world, page))

    assert response.status_code == 403
    assert "Not for this account" in response.content.decode()


@pytest.mark.parametrize("page", WORKSHOP_PAGES)
def test_a_member_of_another_workshop_gets_404(host_world, page):
    response = client_for(host_world["other_owner"]).get(_url(host_world, page))

    assert response.status_code == 404


@pytest.mark.parametrize("action", POSTS)
def test_door_actions_follow_the_same_rules(host_world, action):
    url = f"/host/sessions/{host_world['session'].pk}/{action}/"
    data = {"code": host_world["booking"].code}

    assert Client(HTTP_ACCEPT_LANGUAGE="en").post(url, data)["Location"].startswith("/accounts/login/")
    assert client_for(host_world["tourist"]).post(url, data).status_code == 403
    assert client_for(host_world["other_owner"]).post(url, data).status_code == 404
    host_world["booking"].refresh_from_db()
    assert host_world["booking"].status == BookingStatus.CONFIRMED


def test_a_host_of_the_workshop_is_not_a_coordinator(host_world):
    assert client_for(host_world["owner"]).get("/koordinator/").status_code == 403


def test_the_header_links_hosts_and_coordinators_to_their_pages(host_world):
    host_html = client_for(host_world["staff"]).get("/").content.decode()
    coordinator_html = client_for(host_world["coordinator"]).get("/").content.decode()
    tourist_html = client_for(host_world["tourist"]).get("/").content.decode()

    assert 'href="/host/"' in host_html and 'href="/koordinator/"' not in host_html
    assert 'href="/koordinator/"' in coordinator_html and 'href="/host/"' not in coordinator_html
    assert 'href="/host/"' not in tourist_html and 'href="/koordinator/"' not in tourist_html


# --- The roster and the door -------------------------------------------------------------------


def test_the_roster_lists_each_booking_with_seats_contact_status_and_check_in(host_world):
    booking = host_world["booking"]

    # The tier labels are the class's Indonesian texts.
    html = (
        client_for(host_world["staff"])
        .get(_pages(host_world)["roster"], HTTP_ACCEPT_LANGUAGE="id")
        .content.decode()
    )

    assert "Siti Nurhaliza" in html
    assert booking.code in html
    assert "+6281234567890" in html and "siti@example.id" in html
    assert 'data-status="confirmed"' in html
    assert "2 × Dewasa" in html
    assert "data-scan" in html  # the camera button, which the script shows where BarcodeDetector exists


def test_a_coordinator_reads_a_roster_but_gets_no_check_in_form(host_world):
    html = client_for(host_world["coordinator"]).get(_pages(host_world)["roster"]).content.decode()

    assert "Siti Nurhaliza" in html
    assert 'id="check-in"' not in html


def test_the_roster_csv_is_the_apis_file_with_a_byte_order_mark(host_world):
    response = client_for(host_world["owner"]).get(_pages(host_world)["roster_csv"])

    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert "Siti Nurhaliza" in body and host_world["booking"].code in body


def _door(world, code, action="check_in"):
    return client_for(world["owner"]).post(
        f"/host/sessions/{world['session'].pk}/check-in/", {"code": code, "action": action}, follow=True
    )


def test_checking_in_by_a_typed_code_marks_the_booking_attended_and_undo_takes_it_back(host_world):
    booking = host_world["booking"]

    response = _door(host_world, " " + booking.code.lower().replace("-", " "))

    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED
    assert 'data-status="attended"' in response.content.decode()
    assert "checked in" in response.content.decode()

    _door(host_world, booking.code, action="undo")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_an_unknown_code_or_one_for_another_session_is_refused_with_a_message(host_world):
    later = ClassSessionFactory(batik_class=host_world["session"].batik_class)
    other = _book(later, name="Wati", seats=1)

    unknown = _door(host_world, "BTK-NOPE99").content.decode()
    elsewhere = _door(host_world, other.code).content.decode()

    assert "No booking BTK-NOPE99" in unknown
    assert "booked for another session" in elsewhere
    other.refresh_from_db()
    assert other.status == BookingStatus.CONFIRMED


def test_a_cancelled_booking_is_refused_at_the_door_with_its_state(host_world):
    Booking.objects.filter(pk=host_world["booking"].pk).update(status=BookingStatus.CANCELLED)

    html = _door(host_world, host_world["booking"].code).content.decode()

    assert "cannot be checked in" in html


def test_after_the_session_the_host_marks_the_rest_as_no_show(host_world):
    session = host_world["session"]
    url = f"/host/sessions/{session.pk}/no-shows/"

    before = client_for(host_world["owner"]).post(url, follow=True).content.decode()
    with time_machine.travel(session.ends_at + timedelta(minutes=5)):
        roster = client_for(host_world["owner"]).get(_pages(host_world)["roster"]).content.decode()
        after = client_for(host_world["owner"]).post(url, follow=True).content.decode()

    assert "only be marked after the session has ended" in before
    assert "Mark the rest as no-show" in roster
    assert "1 bookings marked as no-show" in after
    host_world["booking"].refresh_from_db()
    assert host_world["booking"].status == BookingStatus.NO_SHOW


def test_cancelling_a_session_asks_for_a_reason_then_cancels_every_booking(host_world):
    session = ClassSessionFactory(batik_class=host_world["session"].batik_class)
    booking = _book(session, name="Wati", seats=2)
    url = f"/host/sessions/{session.pk}/cancel/"
    host = client_for(host_world["owner"])

    confirm = host.get(url).content.decode()
    no_reason = host.post(url, {"reason": "  "})
    done = host.post(url, {"reason": "Hujan deras"})

    assert "1 booking (2 seats)" in confirm
    assert no_reason.status_code == 400
    assert done.status_code == 302 and done["Location"] == "/host/"
    session.refresh_from_db()
    booking.refresh_from_db()
    assert (session.status, session.cancel_reason) == (SessionStatus.CANCELLED, "Hujan deras")
    assert booking.status == BookingStatus.CANCELLED


# --- The dashboard ---------------------------------------------------------------------------


def test_the_dashboard_shows_my_workshops_and_this_weeks_sessions_with_fill_rates(host_world):
    html = client_for(host_world["staff"]).get("/host/").content.decode()

    assert "Sanggar Tidayu Roban" in html
    assert host_world["other_workshop"].name not in html
    assert f'id="session-{host_world["session"].pk}"' in html
    assert "2/10" in html and "20% full" in html


def _next(weekday: int) -> date:
    """The next date (WIB), at least two days away, falling on ISO `weekday`."""
    day = wib_date(timezone.now()) + timedelta(days=2)
    while day.isoweekday() != weekday:
        day += timedelta(days=1)
    return day


def test_a_host_creates_a_session_but_not_on_a_closed_day(host_world):
    host, batik_class = client_for(host_world["owner"]), host_world["session"].batik_class
    day = _next(6)
    form = {
        "action": "session",
        "session-batik_class": batik_class.pk,
        "session-day": day.isoformat(),
        "session-start": "09:00",
        "session-capacity": "8",
        "session-language": "id",
    }

    created = host.post("/host/", form)
    closed = host.post(
        "/host/",
        {
            "action": "closed_day",
            "closed-workshop": host_world["workshop"].pk,
            "closed-date_from": (day + timedelta(days=7)).isoformat(),
            "closed-reason": "Cap Go Meh",
        },
    )
    refused = host.post("/host/", {**form, "session-day": (day + timedelta(days=7)).isoformat()})

    assert created.status_code == 302
    session = ClassSession.objects.get(batik_class=batik_class, capacity=8)
    assert session.starts_at.astimezone(WIB).hour == 9
    assert closed.status_code == 302
    assert ClosedDay.objects.filter(workshop=host_world["workshop"], reason="Cap Go Meh").exists()
    assert refused.status_code == 400
    assert "closed" in refused.content.decode()
    assert ClassSession.objects.filter(batik_class=batik_class, capacity=8).count() == 1


def test_a_weekly_rule_makes_the_coming_weeks_sessions(host_world):
    batik_class = host_world["session"].batik_class

    response = client_for(host_world["owner"]).post(
        "/host/",
        {
            "action": "rule",
            "rule-batik_class": batik_class.pk,
            "rule-weekdays": ["2", "4"],
            "rule-start_time": "14:00",
            "rule-capacity": "12",
            "rule-valid_from": wib_date(timezone.now()).isoformat(),
            "rule-language": "id",
        },
        follow=True,
    )

    rule = ScheduleRule.objects.get(batik_class=batik_class, capacity=12)
    assert rule.sessions.count() >= 23
    assert "sessions made for the coming weeks" in response.content.decode()


def test_a_class_of_another_workshop_cannot_be_scheduled_from_my_dashboard(host_world):
    response = client_for(host_world["other_owner"]).post(
        "/host/",
        {
            "action": "session",
            "session-batik_class": host_world["session"].batik_class.pk,
            "session-day": _next(6).isoformat(),
            "session-start": "09:00",
            "session-language": "id",
        },
    )

    assert response.status_code == 400  # not one of the choices offered
    assert ClassSession.objects.filter(batik_class=host_world["session"].batik_class).count() == 1


def test_capacity_below_the_booked_seats_is_refused_with_a_message(host_world):
    session = ClassSessionFactory(batik_class=host_world["session"].batik_class, capacity=10, seats_taken=6)
    host = client_for(host_world["owner"])

    week = (wib_date(session.starts_at) - wib_date(timezone.now())).days // 7 + 1
    low = host.post(
        f"/host/?week={week}", {"action": "capacity", "session": session.pk, "capacity": 4}, follow=True
    )
    ok = host.post(f"/host/?week={week}", {"action": "capacity", "session": session.pk, "capacity": 7})

    assert "6 seats are already booked in this session" in low.content.decode()
    assert ok.status_code == 302
    session.refresh_from_db()
    assert session.capacity == 7


def test_another_workshops_session_capacity_is_a_404(host_world):
    response = client_for(host_world["other_owner"]).post(
        "/host/", {"action": "capacity", "session": host_world["session"].pk, "capacity": 3}
    )

    assert response.status_code == 404


# --- Members (owners) --------------------------------------------------------------------------


def test_staff_cannot_open_the_members_page(host_world):
    assert client_for(host_world["staff"]).get(_pages(host_world)["members"]).status_code == 403


def test_an_owner_lists_invites_changes_roles_and_removes_members(host_world):
    owner, staff = host_world["owner"], host_world["staff"]
    url = _pages(host_world)["members"]
    host = client_for(owner)
    staff_membership = WorkshopMembership.objects.get(user=staff)

    listed = host.get(url).content.decode()
    invited = host.post(url, {"action": "invite", "email": "citra@sanggar.id", "role": "staff"}, follow=True)
    promoted = host.post(
        url, {"action": "role", "membership": staff_membership.pk, "role": "owner"}, follow=True
    )
    removed = host.post(url, {"action": "remove", "membership": staff_membership.pk}, follow=True)

    assert owner.email in listed and staff.email in listed
    assert Invitation.objects.filter(workshop=host_world["workshop"], email="citra@sanggar.id").exists()
    assert "citra@sanggar.id" in invited.content.decode()
    assert "is now" in promoted.content.decode()
    assert "is no longer a member" in removed.content.decode()
    assert not WorkshopMembership.objects.filter(pk=staff_membership.pk).exists()


def test_the_last_owner_cannot_step_down(host_world):
    owner_membership = WorkshopMembership.objects.get(user=host_world["owner"])

    response = client_for(host_world["owner"]).post(
        _pages(host_world)["members"],
        {"action": "role", "membership": owner_membership.pk, "role": "staff"},
        follow=True,
    )

    assert "at least one owner" in response.content.decode()
    owner_membership.refresh_from_db()
    assert owner_membership.role == "owner"


# --- Coordinators ------------------------------------------------------------------------------


def test_the_coordinator_dashboard_charts_and_tables_the_month(host_world):
    month = wib_date(host_world["session"].starts_at).strftime("%Y-%m")

    html = client_for(host_world["coordinator"]).get("/koordinator/", {"month": month}).content.decode()

    for chart in ("bookings", "seats", "gross_income", "fill_rate"):
        assert f'id="chart-{chart}"' in html
    assert html.count('class="bar"') == 8  # two workshops × four charts
    assert "Sanggar Tidayu Roban" in html and "Rp100.000" in html
    assert 'id="report-table"' in html


def test_the_coordinator_dashboard_groups_by_village_and_survives_a_bad_month(host_world):
    client = client_for(host_world["coordinator"])

    by_village = client.get("/koordinator/", {"group_by": "village", "month": "2026-13"})

    assert by_village.status_code == 200
    assert host_world["workshop"].village.name in by_village.content.decode()


def test_the_coordinator_csv_is_the_reports_apis_file(host_world):
    month = wib_date(host_world["session"].starts_at).strftime("%Y-%m")

    response = client_for(host_world["coordinator"]).get("/koordinator/laporan.csv", {"month": month})

    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert "Sanggar Tidayu Roban" in body and "100000" in body
    assert response["Content-Disposition"].endswith(f'canting-report-{month}-workshop.csv"')
