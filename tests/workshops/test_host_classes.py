"""Owners publish classes and their prices; the audit log shows who changed what."""

import pytest

from tests.factories import UserFactory
from tests.workshops.conftest import as_user
from workshops.models import AuditEntry, BatikClass, PriceTier

pytestmark = pytest.mark.django_db

NEW_CLASS = {
    "title_ind": "Ecoprint Daun Singkawang",
    "title_en": "Singkawang Leaf Ecoprint",
    "description_ind": "Cetak daun di kain katun.",
    "technique": "ecoprint",
    "level": "beginner",
    "duration_minutes": 150,
    "min_participants": 5,
    "max_participants": 15,
    "languages": ["id", "en"],
    "cancellation_hours": 48,
    "go_no_go_hours": 36,
    "max_seats_per_booking": 6,
}


def test_an_owner_creates_an_unpublished_class_with_its_policies(api, world):
    response = as_user(api, world.owner).post(
        f"/api/v1/host/workshops/{world.workshop.slug}/classes/", NEW_CLASS, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "ecoprint-daun-singkawang"
    created = BatikClass.objects.get(slug=body["slug"])
    assert created.workshop == world.workshop and created.is_published is False
    assert (created.go_no_go_hours, created.cancellation_hours, created.max_seats_per_booking) == (36, 48, 6)
    assert created.title_en == "Singkawang Leaf Ecoprint" and created.languages == "id,en"
    assert AuditEntry.objects.filter(action="class.created", target_id=str(created.pk)).exists()


def test_a_class_with_its_maximum_below_its_minimum_is_refused(api, world):
    response = as_user(api, world.owner).patch(
        f"/api/v1/host/classes/{world.batik_class.slug}/", {"min_participants": 12}, format="json"
    )

    assert response.status_code == 400
    assert "max_participants" in response.json()["fields"]


def test_an_owner_unpublishes_a_class_and_it_leaves_the_catalogue(api, world):
    assert api.get(f"/api/v1/classes/{world.batik_class.slug}/").status_code == 200

    response = as_user(api, world.owner).patch(
        f"/api/v1/host/classes/{world.batik_class.slug}/", {"is_published": False}, format="json"
    )

    assert response.status_code == 200
    api.force_authenticate(user=None)
    assert api.get(f"/api/v1/classes/{world.batik_class.slug}/").status_code == 404
    entry = AuditEntry.objects.get(action="class.updated")
    assert (entry.before["is_published"], entry.after["is_published"]) == (True, False)


def test_an_owner_adds_and_reprices_tiers_in_whole_rupiah(api, world):
    client = as_user(api, world.owner)
    created = client.post(
        f"/api/v1/host/classes/{world.batik_class.slug}/tiers/",
        {"label_ind": "Pelajar", "label_en": "Student", "amount": 35000, "position": 1},
        format="json",
    )
    assert created.status_code == 201, created.content

    response = client.patch(
        f"/api/v1/host/classes/{world.batik_class.slug}/tiers/{created.json()['id']}/",
        {"amount": 30000},
        format="json",
    )

    assert response.status_code == 200
    assert PriceTier.objects.get(pk=created.json()["id"]).amount == 30000
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["tier.created", "tier.updated"]


@pytest.mark.parametrize("amount", [-1, 1.5, "gratis"])
def test_a_price_is_whole_rupiah_not_below_zero(api, world, amount):
    response = as_user(api, world.owner).post(
        f"/api/v1/host/classes/{world.batik_class.slug}/tiers/",
        {"label_ind": "Anak", "amount": amount},
        format="json",
    )

    assert response.status_code == 400
    assert "amount" in response.json()["fields"]


def test_an_unbooked_tier_can_be_deleted(api, world):
    response = as_user(api, world.owner).delete(
        f"/api/v1/host/classes/{world.batik_class.slug}/tiers/{world.tier.pk}/"
    )

    assert response.status_code == 204
    assert not PriceTier.objects.filter(pk=world.tier.pk).exists()


def test_a_tier_used_by_a_booking_is_409_tier_in_use(api, world):
    booked = api.post(
        "/api/v1/bookings/",
        {"session": world.session.pk, "seats": 1, "contact": {"name": "Ayu", "email": "ayu@example.id"}},
        format="json",
    )
    assert booked.status_code == 201, booked.content

    response = as_user(api, world.owner).delete(
        f"/api/v1/host/classes/{world.batik_class.slug}/tiers/{world.tier.pk}/"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "tier_in_use"
    assert PriceTier.objects.filter(pk=world.tier.pk).exists()
    assert not AuditEntry.objects.filter(action="tier.deleted").exists()


def test_owners_read_the_audit_log_newest_first(api, world):
    client = as_user(api, world.owner)
    client.patch(f"/api/v1/host/classes/{world.batik_class.slug}/", {"min_age": 7}, format="json")
    client.patch(f"/api/v1/host/sessions/{world.session.pk}/", {"capacity": 9}, format="json")

    rows = client.get(f"/api/v1/host/workshops/{world.workshop.slug}/audit/").json()["results"]

    assert [row["action"] for row in rows] == ["session.updated", "class.updated"]
    assert rows[0]["actor"] == world.owner.email
    assert rows[1]["before"]["min_age"] == 0 and rows[1]["after"]["min_age"] == 7


def test_a_tourist_signed_up_later_still_sees_nothing_of_the_host_api(api, world):
    assert as_user(api, UserFactory()).get("/api/v1/host/workshops/").status_code == 403
