"""Owners run the team: profile, roles, removals and invitations by e-mail."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from tests.factories import MembershipFactory, UserFactory
from tests.workshops.conftest import as_user
from workshops.models import AuditEntry, Invitation, MembershipRole, WorkshopMembership

pytestmark = pytest.mark.django_db


def members_url(world, suffix: str = "") -> str:
    return f"/api/v1/host/workshops/{world.workshop.slug}/members/{suffix}"


def test_my_workshops_list_my_role_in_each(api, world):
    MembershipFactory(user=world.staff, workshop=world.other_workshop, role=MembershipRole.OWNER)

    rows = as_user(api, world.staff).get("/api/v1/host/workshops/").json()["results"]

    assert {(row["slug"], row["role"]) for row in rows} == {
        (world.workshop.slug, "staff"),
        (world.other_workshop.slug, "owner"),
    }


def test_an_owner_edits_the_profile_in_several_languages(api, world):
    response = as_user(api, world.owner).patch(
        f"/api/v1/host/workshops/{world.workshop.slug}/",
        {
            "description_ind": "Sanggar batik Tidayu.",
            "description_en": "A Tidayu batik studio.",
            "whatsapp": "+6281298765432",
            "email": "sanggar@example.id",
            "languages": ["id", "hak", "zh"],
            "hold_minutes": 20,
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    world.workshop.refresh_from_db()
    assert world.workshop.description_en == "A Tidayu batik studio."
    assert world.workshop.languages == "id,hak,zh" and world.workshop.hold_minutes == 20
    assert response.json()["languages"] == ["id", "hak", "zh"] and response.json()["role"] == "owner"
    assert AuditEntry.objects.filter(action="workshop.updated", actor=world.owner).exists()


def test_hold_minutes_stay_within_limits(api, world):
    response = as_user(api, world.owner).patch(
        f"/api/v1/host/workshops/{world.workshop.slug}/", {"hold_minutes": 1}, format="json"
    )

    assert response.status_code == 400
    assert "hold_minutes" in response.json()["fields"]


def test_an_owner_lists_members_and_promotes_staff(api, world):
    client = as_user(api, world.owner)
    assert len(client.get(members_url(world)).json()["results"]) == 2

    response = client.patch(
        members_url(world, f"{world.staff_membership.pk}/"), {"role": "owner"}, format="json"
    )

    assert response.status_code == 200
    world.staff_membership.refresh_from_db()
    assert world.staff_membership.role == "owner"


def own_membership(world) -> WorkshopMembership:
    return WorkshopMembership.objects.get(user=world.owner, workshop=world.workshop)


def test_the_last_owner_cannot_demote_themself(api, world):
    response = as_user(api, world.owner).patch(
        members_url(world, f"{own_membership(world).pk}/"), {"role": "staff"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "last_owner"
    assert own_membership(world).role == "owner"


def test_the_last_owner_cannot_be_removed(api, world):
    response = as_user(api, world.owner).delete(members_url(world, f"{own_membership(world).pk}/"))

    assert response.status_code == 409
    assert response.json()["code"] == "last_owner"


def test_with_a_second_owner_an_owner_may_step_down(api, world):
    MembershipFactory(workshop=world.workshop, role=MembershipRole.OWNER)

    response = as_user(api, world.owner).delete(members_url(world, f"{own_membership(world).pk}/"))

    assert response.status_code == 204
    assert not WorkshopMembership.objects.filter(user=world.owner, workshop=world.workshop).exists()


def test_removing_staff_ends_their_access(api, world):
    as_user(api, world.owner).delete(members_url(world, f"{world.staff_membership.pk}/"))

    assert as_user(api, world.staff).get(f"/api/v1/host/workshops/{world.workshop.slug}/").status_code == 403


def invite(api, world, django_capture_on_commit_callbacks, email="Dewi.Lestari@Example.id", role="staff"):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(api, world.owner).post(
            f"/api/v1/host/workshops/{world.workshop.slug}/invitations/",
            {"email": email, "role": role},
            format="json",
        )
    assert response.status_code == 201, response.content
    return response.json()


def test_an_invitation_is_emailed_after_commit_and_only_its_hash_is_stored(
    api, world, django_capture_on_commit_callbacks
):
    body = invite(api, world, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Dewi.Lestari@Example.id"]
    assert body["token"] in mail.outbox[0].body
    invitation = Invitation.objects.get()
    assert body["token"] not in invitation.token_hash
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)


def test_the_invited_account_accepts_with_its_email_in_any_case(
    api, world, django_capture_on_commit_callbacks
):
    token = invite(api, world, django_capture_on_commit_callbacks, role="owner")["token"]
    invitee = UserFactory(email="dewi.lestari@example.id")

    response = as_user(api, invitee).post("/api/v1/host/invitations/accept/", {"token": token}, format="json")

    assert response.status_code == 201, response.content
    assert WorkshopMembership.objects.get(user=invitee, workshop=world.workshop).role == "owner"
    again = api.post("/api/v1/host/invitations/accept/", {"token": token}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invitation_used"


def test_another_account_cannot_accept_the_invitation(api, world, django_capture_on_commit_callbacks):
    token = invite(api, world, django_capture_on_commit_callbacks)["token"]

    response = as_user(api, world.tourist).post(
        "/api/v1/host/invitations/accept/", {"token": token}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "invitation_wrong_account"
    assert not WorkshopMembership.objects.filter(user=world.tourist).exists()


def test_an_expired_invitation_cannot_be_accepted(api, world, django_capture_on_commit_callbacks):
    token = invite(api, world, django_capture_on_commit_callbacks)["token"]
    invitee = UserFactory(email="dewi.lestari@example.id")

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = as_user(api, invitee).post(
            "/api/v1/host/invitations/accept/", {"token": token}, format="json"
        )

    assert response.status_code == 409
    assert response.json()["code"] == "invitation_expired"


def test_inviting_someone_who_is_already_a_member_is_409(api, world):
    response = as_user(api, world.owner).post(
        f"/api/v1/host/workshops/{world.workshop.slug}/invitations/",
        {"email": world.staff.email.upper(), "role": "staff"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "already_member"
