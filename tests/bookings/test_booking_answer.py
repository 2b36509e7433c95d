"""The booking answer is written out by hand for speed; it must stay what its fields document."""

import pytest
from django.utils import translation
from rest_framework import serializers

from bookings.api.serializers import BookingOutput, GuestBookingOutput
from bookings.models import Booking
from bookings.services.holds import Contact, LineRequest, booking_cancel, booking_confirm, booking_hold
from tests.bookings.conftest import GUEST, tiers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _as_fields_say(serializer_class, booking: Booking) -> dict:
    """What DRF builds from the declared fields (the documented shape)."""
    serializer = serializer_class(booking)
    return serializers.Serializer.to_representation(serializer, booking)


def _bookings(session) -> list[Booking]:
    first, second = tiers(session)
    guest = booking_hold(
        session_id=session.pk,
        lines=[LineRequest(tier_id=first, quantity=2), LineRequest(tier_id=second, quantity=1)],
        contact=Contact(**GUEST),
        user=None,
        language="en",
    )
    user = UserFactory(email="ayu@example.id")
    confirmed = booking_confirm(
        booking=booking_hold(
            session_id=session.pk, lines=[LineRequest(None, 1)], contact=None, user=user, language="id"
        ),
        notify=False,
    )
    cancelled = booking_cancel(
        booking=booking_hold(
            session_id=session.pk,
            lines=[LineRequest(tier_id=second, quantity=1)],
            contact=Contact(name="Budi", email="budi@example.id"),
            user=None,
            language="id",
        )
    )
    moved = booking_hold(
        session_id=session.pk,
        lines=[LineRequest(tier_id=first, quantity=1)],
        contact=Contact(name="Sari", email="sari@example.id", phone="+6281234567890"),
        user=None,
        language="ms",
    )
    Booking.objects.filter(pk=moved.pk).update(free_cancel_until_start=True)
    return [guest, confirmed, cancelled, moved]


@pytest.mark.parametrize("language", ["id", "en", "zh-hans"])
def test_the_written_out_answer_equals_what_the_declared_fields_build(session, language):
    session.batik_class.title_en = "Hand-drawn batik for beginners"
    session.batik_class.save()
    fresh_from_hold = _bookings(session)
    reloaded = [
        Booking.objects.select_related("session__batik_class__workshop")
        .prefetch_related("lines")
        .get(pk=b.pk)
        for b in fresh_from_hold
    ]
    with translation.override(language):
        for booking in [fresh_from_hold[0], *reloaded]:
            for serializer_class in (BookingOutput, GuestBookingOutput):
                assert serializer_class(booking).data == _as_fields_say(serializer_class, booking)


def test_the_answer_to_a_new_hold_names_the_class_in_the_requested_language(session):
    session.batik_class.title_en = "Hand-drawn batik for beginners"
    session.batik_class.save()
    booking = booking_hold(
        session_id=session.pk,
        lines=[LineRequest(None, 1)],
        contact=Contact(**GUEST),
        user=None,
        language="en",
    )
    with translation.override("en"):
        assert GuestBookingOutput(booking).data["session"]["class_title"] == "Hand-drawn batik for beginners"
    with translation.override("id"):
        assert GuestBookingOutput(booking).data["session"]["class_title"] == session.batik_class.title_ind
