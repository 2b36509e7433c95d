"""Programme coordinators read every workshop on the host API and change nothing."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from tests.factories import ClassSessionFactory, MembershipFactory, PriceTierFactory, UserFactory
from workshops.models import ClassSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name="coordinators")[0])
    client = APIClient()
    client.force_authenticate(user)
    return user, client


def test_a_coordinator_reads_any_workshops_sessions_classes_and_roster(coordinator):
    _user, client = coordinator
    session = ClassSessionFactory()
    PriceTierFactory(batik_class=session.batik_class)
    workshop = session.batik_class.workshop
    MembershipFactory(workshop=workshop)

    assert client.get("/api/v1/host/workshops/").json()["count"] >= 1
    assert [s["id"] for s in client.get("/api/v1/host/sessions/").json()["results"]] == [session.pk]
    assert client.get(f"/api/v1/host/sessions/{session.pk}/").status_code == 200
    assert client.get(f"/api/v1/host/workshops/{workshop.slug}/classes/").status_code == 200
    assert client.get(f"/api/v1/host/workshops/{workshop.slug}/closed-days/").status_code == 200
    assert client.get(f"/api/v1/host/sessions/{session.pk}/roster/").status_code == 200


def test_a_coordinator_changes_nothing(coordinator):
    _user, client = coordinator
    session = ClassSessionFactory(capacity=10)

    assert (
        client.patch(f"/api/v1/host/sessions/{session.pk}/", {"capacity": 3}, format="json").status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/host/sessions/{session.pk}/cancel/", {"reason": "x"}, format="json").status_code
        == 403
    )
    session.refresh_from_db()
    assert session.capacity == 10 and session.status == "scheduled"


def test_a_coordinator_who_also_hosts_one_workshop_can_change_only_that_one(coordinator):
    user, client = coordinator
    own = ClassSessionFactory(capacity=10)
    MembershipFactory(user=user, workshop=own.batik_class.workshop)
    other = ClassSessionFactory(capacity=10)

    assert (
        client.patch(f"/api/v1/host/sessions/{own.pk}/", {"capacity": 12}, format="json").status_code == 200
    )
    assert (
        client.patch(f"/api/v1/host/sessions/{other.pk}/", {"capacity": 12}, format="json").status_code == 404
    )
    assert ClassSession.objects.get(pk=other.pk).capacity == 10
