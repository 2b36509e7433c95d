"""Every host endpoint × every kind of caller who must be refused, as one table."""

import pytest

from tests.workshops.conftest import as_user

pytestmark = pytest.mark.django_db

# (method, path, owner_only). Paths are filled from the world: {slug}, {cls}, {tier}, ...
ENDPOINTS = [
    ("get", "/api/v1/host/workshops/{slug}/", False),
    ("patch", "/api/v1/host/workshops/{slug}/", True),
    ("get", "/api/v1/host/workshops/{slug}/members/", True),
    ("patch", "/api/v1/host/workshops/{slug}/members/{member}/", True),
    ("delete", "/api/v1/host/workshops/{slug}/members/{member}/", True),
    ("get", "/api/v1/host/workshops/{slug}/invitations/", True),
    ("post", "/api/v1/host/workshops/{slug}/invitations/", True),
    ("get", "/api/v1/host/workshops/{slug}/audit/", True),
    ("get", "/api/v1/host/workshops/{slug}/classes/", False),
    ("post", "/api/v1/host/workshops/{slug}/classes/", True),
    ("get", "/api/v1/host/classes/{cls}/", False),
    ("patch", "/api/v1/host/classes/{cls}/", True),
    ("get", "/api/v1/host/classes/{cls}/tiers/", False),
    ("post", "/api/v1/host/classes/{cls}/tiers/", True),
    ("patch", "/api/v1/host/classes/{cls}/tiers/{tier}/", True),
    ("delete", "/api/v1/host/classes/{cls}/tiers/{tier}/", True),
    ("post", "/api/v1/host/classes/{cls}/sessions/", False),
    ("get", "/api/v1/host/classes/{cls}/rules/", False),
    ("post", "/api/v1/host/classes/{cls}/rules/", False),
    ("get", "/api/v1/host/rules/{rule}/", False),
    ("patch", "/api/v1/host/rules/{rule}/", False),
    ("delete", "/api/v1/host/rules/{rule}/", False),
    ("get", "/api/v1/host/sessions/{session}/", False),
    ("patch", "/api/v1/host/sessions/{session}/", False),
    ("get", "/api/v1/host/workshops/{slug}/closed-days/", False),
    ("post", "/api/v1/host/workshops/{slug}/closed-days/", False),
    ("get", "/api/v1/host/workshops/{slug}/closed-days/{closed}/", False),
    ("patch", "/api/v1/host/workshops/{slug}/closed-days/{closed}/", False),
    ("delete", "/api/v1/host/workshops/{slug}/closed-days/{closed}/", False),
]
# Lists across the caller's own workshops: a stranger gets an answer without A's rows.
LISTS = ["/api/v1/host/workshops/", "/api/v1/host/sessions/"]
IDS = [f"{method} {path}" for method, path, _owner_only in ENDPOINTS]


def url(world, path: str) -> str:
    return path.format(
        slug=world.workshop.slug,
        member=world.staff_membership.pk,
        cls=world.batik_class.slug,
        tier=world.tier.pk,
        rule=world.rule.pk,
        session=world.session.pk,
        closed=world.closed_day.pk,
    )


def call(api, method: str, path: str):
    return getattr(api, method)(path, {}, format="json")


@pytest.mark.parametrize(("method", "path", "owner_only"), ENDPOINTS, ids=IDS)
def test_a_member_of_another_workshop_gets_404(api, world, method, path, owner_only):
    response = call(as_user(api, world.other_owner), method, url(world, path))

    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(("method", "path", "owner_only"), ENDPOINTS, ids=IDS)
def test_a_signed_in_tourist_gets_403(api, world, method, path, owner_only):
    response = call(as_user(api, world.tourist), method, url(world, path))

    assert response.status_code == 403, response.content
    assert set(response.json()) == {"code", "detail", "fields"}


@pytest.mark.parametrize(("method", "path", "owner_only"), [*ENDPOINTS, *(("get", p, False) for p in LISTS)])
def test_anonymous_gets_401(api, world, method, path, owner_only):
    response = call(api, method, url(world, path))

    assert response.status_code == 401, response.content
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("method", "path", "owner_only"),
    [e for e in ENDPOINTS if e[2]],
    ids=[i for i, e in zip(IDS, ENDPOINTS, strict=True) if e[2]],
)
def test_staff_of_the_workshop_gets_403_owner_required_on_owner_actions(api, world, method, path, owner_only):
    response = call(as_user(api, world.staff), method, url(world, path))

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "owner_required"


@pytest.mark.parametrize("path", [p for m, p, owner_only in ENDPOINTS if m == "get" and not owner_only])
def test_staff_of_the_workshop_can_read_the_schedule(api, world, path):
    response = as_user(api, world.staff).get(url(world, path))

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("path", LISTS)
def test_host_lists_show_a_stranger_nothing_of_another_workshop(api, world, path):
    response = as_user(api, world.other_owner).get(path)

    assert response.status_code == 200
    body = response.json()
    assert world.workshop.slug not in str(body)
    assert world.session.pk not in [row.get("id") for row in body["results"]]


@pytest.mark.parametrize("path", LISTS)
def test_host_lists_are_403_for_a_tourist(api, world, path):
    assert as_user(api, world.tourist).get(path).status_code == 403


def test_invitation_accept_needs_a_signed_in_account(api, world):
    assert api.post("/api/v1/host/invitations/accept/", {"token": "x"}, format="json").status_code == 401
    response = as_user(api, world.tourist).post(
        "/api/v1/host/invitations/accept/", {"token": "x"}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "invitation_not_found"


def test_a_coordinator_reads_the_audit_of_any_workshop(api, world):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory
    from workshops.permissions import COORDINATORS_GROUP

    coordinator = UserFactory()
    coordinator.groups.add(Group.objects.get_or_create(name=COORDINATORS_GROUP)[0])

    response = as_user(api, coordinator).get(url(world, "/api/v1/host/workshops/{slug}/audit/"))

    assert response.status_code == 200, response.content
