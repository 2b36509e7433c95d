"""The database itself refuses impossible catalogue rows, whatever code writes them."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from tests.factories import BatikClassFactory, ClassSessionFactory, VillageFactory
from workshops.models import BatikClass, ClassSession

pytestmark = pytest.mark.django_db


def _refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except IntegrityError:
        return True
    return False


def test_seats_taken_can_never_exceed_capacity():
    session = ClassSessionFactory(capacity=5, seats_taken=5)

    assert _refused(
        lambda: ClassSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)
    )
    session.refresh_from_db()
    assert session.seats_taken == 5


def test_seats_taken_can_never_go_below_zero():
    session = ClassSessionFactory(seats_taken=0)

    assert _refused(
        lambda: ClassSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") - 1)
    )


def test_a_session_must_end_after_it_starts_and_hold_at_least_one_seat():
    session = ClassSessionFactory()

    assert _refused(lambda: ClassSession.objects.filter(pk=session.pk).update(ends_at=F("starts_at")))
    assert _refused(
        lambda: ClassSession.objects.filter(pk=session.pk).update(ends_at=F("starts_at") - timedelta(hours=1))
    )
    assert _refused(lambda: ClassSession.objects.filter(pk=session.pk).update(capacity=0))


def test_a_class_maximum_cannot_be_below_its_minimum():
    batik_class = BatikClassFactory(min_participants=5, max_participants=10)

    assert _refused(lambda: BatikClass.objects.filter(pk=batik_class.pk).update(max_participants=4))
    assert _refused(lambda: BatikClass.objects.filter(pk=batik_class.pk).update(min_participants=0))


def test_village_coordinates_must_be_on_earth():
    assert _refused(lambda: VillageFactory(latitude=91))
    assert _refused(lambda: VillageFactory(longitude=-181))
