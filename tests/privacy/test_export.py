"""A signed-in tourist downloads everything Canting holds about them, and nothing about anyone else."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from bookings.models import MessageKind, OutboxMessage, WaitlistStatus
from bookings.services.outbox import outbox_add
from tests.bookings.conftest import client_for
from tests.factories import MembershipFactory
from tests.privacy.conftest import make_session, waitlist_entry

pytestmark = pytest.mark.django_db


def export(user) -> dict:
    response = client_for(user).get("/api/v1/me/export/")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_export_is_a_json_attachment(tourist, history):
    response = client_for(tourist).get("/api/v1/me/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="canting-data-')
    assert response["Cache-Control"] == "no-store"


def test_the_export_holds_the_account_its_bookings_waitlist_places_and_messages(workshop, tourist, history):
    EmailAddress.objects.create(user=tourist, email=tourist.email, verified=True, primary=True)
    full = make_session(workshop, starts_in=timezone.timedelta(days=9), capacity=1)
    waitlist_entry(full, user=tourist, email=tourist.email)
    outbox_add(bookings=[history["confirmed"]], kind=MessageKind.BOOKING_CONFIRMED, now=timezone.now())
    OutboxMessage.objects.filter(booking=history["confirmed"]).update(sent_at=timezone.now())

    data = export(tourist)

    assert data["format"] == "canting-personal-data/1"
    assert data["account"]["email"] == "rina@example.id"
    assert data["account"]["phone"] == "+6281234567890"
    assert data["account"]["first_name"] == "Rina"
    assert data["account"]["date_joined"].endswith("+07:00")
    assert data["email_addresses"] == [{"email": "rina@example.id", "verified": True, "primary": True}]
    assert data["social_accounts"] == []
    codes = {booking["code"]: booking for booking in data["bookings"]}
    assert set(codes) == {history["attended"].code, history["confirmed"].code, history["held"].code}
    confirmed = codes[history["confirmed"].code]
    assert confirmed["status"] == "confirmed"
    assert confirmed["seats"] == 2
    assert confirmed["lines"] == [{"label": "Dewasa", "quantity": 2, "unit_price": 50000}]
    assert confirmed["contact"] == {
        "name": "Rina Wulandari",
        "email": "rina@example.id",
        "phone": "+6281234567890",
    }
    assert confirmed["session"]["workshop"] == workshop.name
    assert confirmed["confirmed_at"].endswith("+07:00")
    assert codes[history["attended"].code]["checked_in_at"] is not None
    assert [entry["status"] for entry in data["waitlist_entries"]] == [WaitlistStatus.WAITING]
    assert data["messages"] == [
        {
            "kind": "booking_confirmed",
            "booking": history["confirmed"].code,
            "to": "guest",
            "created_at": data["messages"][0]["created_at"],
            "sent_at": data["messages"][0]["sent_at"],
        }
    ]
    assert data["messages"][0]["sent_at"] is not None
    assert data["workshop_memberships"] == []


def test_the_export_holds_nothing_of_another_tourist(tourist, other, history):
    outbox_add(bookings=[history["budis"]], kind=MessageKind.BOOKING_CONFIRMED, now=timezone.now())

    body = json.dumps(export(tourist))

    assert history["budis"].code not in body
    assert "budi@example.id" not in body
    assert "+6289999999999" not in body
    # And the other way round.
    assert "rina@example.id" not in json.dumps(export(other))


def test_a_host_finds_their_memberships_and_the_owner_emails_sent_to_them(workshop, owner, history):
    MembershipFactory(user=owner, role="staff")
    OutboxMessage.objects.create(
        kind=MessageKind.HOST_NEW_BOOKING,
        booking=history["budis"],
        recipient_email=owner.email,
        created_at=timezone.now(),
    )

    data = export(owner)

    assert {m["workshop_slug"]: m["role"] for m in data["workshop_memberships"]}[workshop.slug] == "owner"
    assert len(data["workshop_memberships"]) == 2
    assert [(m["kind"], m["to"]) for m in data["messages"]] == [("host_new_booking", "workshop_member")]
    # Owners read their guests' names in rosters; the export is about the owner, not the guests.
    assert "budi@example.id" not in json.dumps(data)


def test_request_keys_kept_for_the_tourist_are_listed_without_their_answers(api, tourist, history):
    client = client_for(tourist)
    response = client.post(
        f"/api/v1/bookings/{history['held'].code}/confirm/", HTTP_IDEMPOTENCY_KEY="konfirmasi-1"
    )
    assert response.status_code == 200

    keys = export(tourist)["request_keys"]

    assert [(key["key"], key["state"], key["response_status"]) for key in keys] == [
        ("konfirmasi-1", "done", 200)
    ]
    assert set(keys[0]) == {"key", "state", "response_status", "created_at"}


def test_signed_out_there_is_nothing_to_export(api):
    response = api.get("/api/v1/me/export/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_account_page_offers_the_download_and_the_deletion(tourist, history):
    browser = Client()
    browser.force_login(tourist)

    page = browser.get("/akun/")
    download = browser.get("/api/v1/me/export/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/api/v1/me/export/"' in html
    assert 'id="delete-account-form"' in html
    assert 'name="password"' in html
    assert download.status_code == 200
    assert json.loads(download.content)["account"]["email"] == "rina@example.id"
