"""The periodic capacity check recounts every future session and repairs what drifted."""

import pytest
from django.utils import timezone

from bookings.models import CapacityRepair
from bookings.services.capacity import capacity_audit
from bookings.tasks import audit_capacity
from tests.bookings.conftest import GUEST
from workshops.models import ClassSession

pytestmark = pytest.mark.django_db


def test_a_drifted_counter_is_repaired_and_recorded_once(api, session):
    api.post("/api/v1/bookings/", {"session": session.pk, "seats": 3, "contact": GUEST}, format="json")
    ClassSession.objects.filter(pk=session.pk).update(seats_taken=7)  # drift, e.g. a manual edit

    assert audit_capacity() == 1
    assert audit_capacity() == 0  # the second run finds nothing

    session.refresh_from_db()
    assert session.seats_taken == 3
    repair = CapacityRepair.objects.get()
    assert (repair.counter_before, repair.counted, repair.repaired) == (7, 3, True)


def test_consistent_sessions_need_no_repair(api, session):
    api.post("/api/v1/bookings/", {"session": session.pk, "seats": 2, "contact": GUEST}, format="json")

    assert capacity_audit(now=timezone.now()) == []
    assert not CapacityRepair.objects.exists()
