"""A tourist with bookings past, present and future, another tourist, and a workshop's owner."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from bookings.codes import new_booking_code, new_manage_nonce
from bookings.models import Booking, BookingLine, BookingStatus, WaitlistEntry, WaitlistStatus
from bookings.services.holds import Contact, LineRequest, booking_confirm, booking_hold
from tests.factories import ClassSessionFactory, MembershipFactory, PriceTierFactory, UserFactory

PASSWORD = "rahasia-batik-123"


@pytest.fixture
def workshop(db):
    return MembershipFactory(user__email="pemilik@sanggar.id", role="owner").workshop


@pytest.fixture
def owner(workshop):
    return workshop.memberships.get().user


def make_session(workshop, *, starts_in: timedelta, capacity: int = 10, **kwargs):
    session = ClassSessionFactory(
        batik_class__workshop=workshop,
        starts_at=timezone.now() + starts_in,
        capacity=capacity,
        **kwargs,
    )
    PriceTierFactory(batik_class=session.batik_class, amount=50000)
    return session


def hold(session, user, *, seats=1, contact: Contact | None = None) -> Booking:
    return booking_hold(
        session_id=session.pk,
        lines=[LineRequest(tier_id=None, quantity=seats)],
        contact=contact,
        user=user,
        language="id",
    )


def past_booking(
    session, *, user=None, name="Tamu", email="tamu@example.id", phone="0812", status=BookingStatus.ATTENDED
):
    """A booking of a session that already took place (services refuse to book the past)."""
    booking = Booking.objects.create(
        code=new_booking_code(),
        session=session,
        user=user,
        contact_name=name,
        contact_email=email,
        contact_phone=phone,
        seats=2,
        total=100000,
        status=status,
        held_at=session.starts_at - timedelta(days=5),
        confirmed_at=session.starts_at - timedelta(days=5),
        checked_in_at=session.starts_at if status == BookingStatus.ATTENDED else None,
        manage_nonce=new_manage_nonce(),
    )
    tier = session.batik_class.price_tiers.first()
    BookingLine.objects.create(booking=booking, tier=tier, label="Dewasa", quantity=2, unit_price=50000)
    return booking


def waitlist_entry(session, *, user=None, email="antre@example.id", status=WaitlistStatus.WAITING):
    return WaitlistEntry.objects.create(
        session=session,
        user=user,
        contact_name="Antre",
        contact_email=email,
        contact_phone="0813",
        seats=2,
        status=status,
        joined_at=session.starts_at - timedelta(days=3),
        manage_nonce=new_manage_nonce(),
    )


@pytest.fixture
def tourist(db):
    return UserFactory(
        email="rina@example.id", first_name="Rina", last_name="Wulandari", phone="+6281234567890"
    )


@pytest.fixture
def other(db):
    return UserFactory(email="budi@example.id", first_name="Budi", phone="+6289999999999")


@pytest.fixture
def history(workshop, tourist, other):
    """Rina: an attended class last month, a confirmed one next week, a hold; Budi: one booking."""
    past = make_session(workshop, starts_in=-timedelta(days=30))
    future = make_session(workshop, starts_in=timedelta(days=7))
    attended = past_booking(past, user=tourist, name="Rina Wulandari", email=tourist.email)
    confirmed = booking_confirm(booking=hold(future, tourist, seats=2), notify=False)
    held = hold(future, tourist, seats=1)
    budis = booking_confirm(booking=hold(future, other, seats=3), notify=False)
    return {
        "past": past,
        "future": future,
        "attended": attended,
        "confirmed": confirmed,
        "held": held,
        "budis": budis,
    }


@pytest.fixture
def coordinator(db):
    """Staff in the coordinators group with view permissions on bookings, like the demo's coordinator."""
    user = UserFactory(email="koordinator@program.id", is_staff=True)
    group = Group.objects.get_or_create(name="coordinators")[0]
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=("tourism", "workshops", "bookings"), codename__startswith="view_"
        )
    )
    user.groups.add(group)
    return user
