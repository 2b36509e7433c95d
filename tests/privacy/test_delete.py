"""A tourist deletes their account: held and upcoming bookings are cancelled, the rest kept anonymised."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from bookings.models import (
    Booking,
    BookingStatus,
    IdempotencyRecord,
    MessageKind,
    OutboxMessage,
    WaitlistEntry,
    WaitlistStatus,
)
from bookings.services.outbox import outbox_deliver
from bookings.services.waitlist import waitlist_advance
from core.models import User
from core.timezones import WIB
from tests.bookings.conftest import client_for
from tests.factories import MembershipFactory
from tests.privacy.conftest import PASSWORD, hold, make_session, waitlist_entry
from workshops.models import ClassSession, WorkshopMembership

pytestmark = pytest.mark.django_db


def delete(user, **body):
    return client_for(user).post("/api/v1/me/delete/", body, format="json")


def seats_taken(session) -> int:
    return ClassSession.objects.get(pk=session.pk).seats_taken


def monthly(user, session) -> dict:
    when = session.starts_at.astimezone(WIB)
    response = client_for(user).get("/api/v1/reports/monthly/", {"year": when.year, "month": when.month})
    assert response.status_code == 200, response.content
    return response.json()["totals"]


def test_deleting_the_account_keeps_past_bookings_anonymised_in_rosters_and_reports(
    workshop, owner, coordinator, tourist, history
):
    past, attended = history["past"], history["attended"]
    totals_before = monthly(coordinator, past)

    response = delete(tourist, password=PASSWORD)

    assert response.status_code == 200, response.content
    assert response.json() == {
        "deleted": True,
        "bookings_cancelled": 2,
        "bookings_anonymised": 3,
        "waitlist_entries_anonymised": 0,
    }
    assert not User.objects.filter(email="rina@example.id").exists()
    attended = Booking.objects.get(pk=attended.pk)
    assert attended.status == BookingStatus.ATTENDED
    assert attended.user_id is None
    assert (attended.contact_name, attended.contact_email, attended.contact_phone) == ("", "", "")
    assert attended.personal_data_erased_at is not None
    assert attended.seats == 2 and attended.total == 100000
    assert attended.lines.count() == 1
    roster = (
        client_for(owner).get(f"/api/v1/host/sessions/{past.pk}/roster/", HTTP_ACCEPT_LANGUAGE="en").json()
    )
    assert [(row["code"], row["name"], row["email"], row["phone"]) for row in roster["bookings"]] == [
        (attended.code, "Deleted guest", "", "")
    ]
    assert roster["totals"]["seats"] == 2
    assert monthly(coordinator, past) == totals_before
    browser = Client()
    browser.force_login(owner)
    csv = browser.get(f"/host/sessions/{past.pk}/roster.csv", HTTP_ACCEPT_LANGUAGE="en")
    assert csv.status_code == 200
    [_header, row] = csv.content.decode("utf-8-sig").splitlines()
    assert row.startswith(f"{attended.code},Deleted guest,,,")
    page = browser.get(f"/host/sessions/{past.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Deleted guest" in page and "mailto:" not in page


def test_held_and_upcoming_bookings_are_cancelled_and_their_seats_given_back(tourist, other, history):
    future = history["future"]
    assert seats_taken(future) == 2 + 1 + 3

    delete(tourist, password=PASSWORD)

    assert seats_taken(future) == 3
    for key in ("confirmed", "held"):
        booking = Booking.objects.get(pk=history[key].pk)
        assert booking.status == BookingStatus.CANCELLED
        assert booking.personal_data_erased_at is not None
    # Another tourist's booking is untouched.
    budis = Booking.objects.get(pk=history["budis"].pk)
    assert (budis.status, budis.contact_email, budis.personal_data_erased_at) == (
        BookingStatus.CONFIRMED,
        "budi@example.id",
        None,
    )


def test_a_confirmed_booking_inside_the_cancellation_window_is_cancelled_and_the_owner_told(
    workshop, owner, tourist
):
    # Starts in 3 hours: a guest could no longer cancel it for free (24-hour window).
    soon = make_session(workshop, starts_in=timedelta(hours=3))
    from bookings.services.holds import booking_confirm

    booking = booking_confirm(booking=hold(soon, tourist, seats=2), notify=False)
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])

    response = delete(tourist, password=PASSWORD)

    assert response.status_code == 200, response.content
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert seats_taken(soon) == 0
    # The owner hears of it; nothing is queued to the erased guest.
    to_owner = OutboxMessage.objects.get(booking=booking, kind=MessageKind.HOST_BOOKING_CANCELLED)
    assert to_owner.recipient_email == owner.email
    assert not OutboxMessage.objects.filter(booking=booking, recipient_email__isnull=True).exists()
    assert outbox_deliver(message_id=to_owner.pk) is True
    [email] = mail.outbox
    assert email.to == [owner.email]
    assert "Guest: Deleted guest" in email.body
    assert "rina@example.id" not in email.body


def test_freed_seats_go_to_the_waitlist(workshop, tourist, other):
    session = make_session(workshop, starts_in=timedelta(days=5), capacity=2)
    from bookings.services.holds import booking_confirm

    booking_confirm(booking=hold(session, tourist, seats=2), notify=False)
    waiting = waitlist_entry(session, user=other, email=other.email)

    delete(tourist, password=PASSWORD)
    waitlist_advance(session_id=session.pk)

    waiting.refresh_from_db()
    assert waiting.status == WaitlistStatus.OFFERED


def test_the_tourists_waitlist_places_are_left_and_anonymised(workshop, tourist):
    full = make_session(workshop, starts_in=timedelta(days=4), capacity=1)
    entry = waitlist_entry(full, user=tourist, email=tourist.email)

    response = delete(tourist, password=PASSWORD)

    assert response.json()["waitlist_entries_anonymised"] == 1
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.LEFT
    assert (entry.user_id, entry.contact_name, entry.contact_email, entry.contact_phone) == (None, "", "", "")
    assert entry.personal_data_erased_at is not None


def test_a_wrong_password_is_refused_and_nothing_changes(tourist, history):
    future = history["future"]
    before = seats_taken(future)

    for body in ({"password": "salah"}, {}, {"password": ""}):
        response = delete(tourist, **body)
        assert response.status_code == 400
        assert response.json()["code"] == "password_incorrect"
        assert "password" in response.json()["fields"]

    assert User.objects.filter(pk=tourist.pk).exists()
    assert seats_taken(future) == before
    assert not Booking.objects.filter(personal_data_erased_at__isnull=False).exists()
    assert Booking.objects.get(pk=history["confirmed"].pk).status == BookingStatus.CONFIRMED


def test_an_account_without_a_password_confirms_with_its_email_address(tourist, history):
    tourist.set_unusable_password()
    tourist.save()

    wrong = delete(tourist, confirm="orang-lain@example.id")
    right = delete(tourist, confirm="  RINA@example.id ")

    assert (wrong.status_code, wrong.json()["code"]) == (400, "confirmation_incorrect")
    assert right.status_code == 200
    assert not User.objects.filter(pk=tourist.pk).exists()


def test_the_last_owner_of_a_workshop_is_refused_until_there_is_another(workshop, owner, history):
    refused = delete(owner, password=PASSWORD)

    assert refused.status_code == 409
    assert refused.json()["code"] == "last_owner_of_workshop"
    assert refused.json()["fields"] == {"workshops": [workshop.slug]}
    assert User.objects.filter(pk=owner.pk).exists()

    MembershipFactory(workshop=workshop, role="owner", user__email="pemilik2@sanggar.id")
    accepted = delete(owner, password=PASSWORD)

    assert accepted.status_code == 200
    assert list(
        WorkshopMembership.objects.filter(workshop=workshop).values_list("user__email", flat=True)
    ) == ["pemilik2@sanggar.id"]


def test_a_staff_member_may_delete_their_account(workshop, history):
    staff = MembershipFactory(workshop=workshop, role="staff", user__email="staf@sanggar.id").user

    assert delete(staff, password=PASSWORD).status_code == 200
    assert not WorkshopMembership.objects.filter(user_id=staff.pk).exists()


def test_the_tourists_request_keys_go_with_the_account(tourist, history):
    client = client_for(tourist)
    client.post(f"/api/v1/bookings/{history['held'].code}/confirm/", HTTP_IDEMPOTENCY_KEY="k-1")
    assert IdempotencyRecord.objects.filter(scope=f"user:{tourist.pk}").exists()

    delete(tourist, password=PASSWORD)

    assert not IdempotencyRecord.objects.filter(scope=f"user:{tourist.pk}").exists()


def test_a_message_queued_before_the_erasure_is_never_sent_to_the_erased_address(tourist, history):
    from bookings.services.outbox import outbox_add
    from bookings.services.privacy import account_erase

    [queued] = outbox_add(
        bookings=[history["attended"]], kind=MessageKind.BOOKING_CONFIRMED, now=timezone.now()
    )
    # A worker had claimed it just before the erasure (so the erasure left the row alone).
    OutboxMessage.objects.filter(pk=queued.pk).update(claimed_at=timezone.now() - timedelta(minutes=10))
    account_erase(user=tourist)

    assert outbox_deliver(message_id=queued.pk) is False
    assert mail.outbox == []


def test_signed_out_nobody_can_delete(api):
    assert api.post("/api/v1/me/delete/", {}, format="json").status_code == 401


def test_the_account_page_deletes_the_account_and_signs_out(tourist, history):
    browser = Client()
    browser.force_login(tourist)

    wrong = browser.post("/akun/", {"password": "salah"})
    assert wrong.status_code == 400
    assert User.objects.filter(pk=tourist.pk).exists()

    done = browser.post("/akun/", {"password": PASSWORD}, follow=True)

    assert done.redirect_chain[-1][0] == "/"
    assert not User.objects.filter(pk=tourist.pk).exists()
    assert Booking.objects.get(pk=history["confirmed"].pk).status == BookingStatus.CANCELLED
    assert browser.get("/akun/").status_code == 302


def test_the_account_page_tells_the_last_owner_why_not(workshop, owner):
    browser = Client()
    browser.force_login(owner)

    page = browser.post("/akun/", {"password": PASSWORD})

    assert page.status_code == 409
    assert '<p class="alert" role="alert">' in page.content.decode()
    assert User.objects.filter(pk=owner.pk).exists()


def test_an_operator_erases_an_account_from_the_command_line(tourist, history):
    from django.core.management import call_command

    call_command("erase_account", "RINA@example.id")

    assert not User.objects.filter(pk=tourist.pk).exists()
    assert Booking.objects.filter(personal_data_erased_at__isnull=False).count() == 3
    assert WaitlistEntry.objects.count() == 0
