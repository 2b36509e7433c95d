import pytest

from tests.factories import ClassSessionFactory, PriceTierFactory


@pytest.fixture
def session(db):
    """A bookable session (10 seats) with two price tiers: Dewasa Rp50.000, Pelajar Rp35.000."""
    session = ClassSessionFactory(capacity=10)
    PriceTierFactory(
        batik_class=session.batik_class, label_ind="Dewasa", label_en="Adult", amount=50000, position=0
    )
    PriceTierFactory(
        batik_class=session.batik_class, label_ind="Pelajar", label_en="Student", amount=35000, position=1
    )
    return session


def tiers(session) -> list[int]:
    return list(session.batik_class.price_tiers.order_by("position").values_list("pk", flat=True))


GUEST = {"name": "Rina Wulandari", "email": "rina@example.id", "phone": "0812 3456 7890"}


# --- Host side: a workshop's owner, its guests, and API clients for each role. ---


def book(session, *, name, email, seats=1, language="id", tier_index=0, confirm=True, phone=""):
    """A booking made the way a tourist makes one (hold, then confirm without the e-mail)."""
    from bookings.services.holds import Contact, LineRequest, booking_confirm, booking_hold

    booking = booking_hold(
        session_id=session.pk,
        lines=[LineRequest(tier_id=tiers(session)[tier_index], quantity=seats)],
        contact=Contact(name=name, email=email, phone=phone),
        user=None,
        language=language,
    )
    return booking_confirm(booking=booking, notify=False) if confirm else booking


def client_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def owner(session):
    from tests.factories import MembershipFactory

    return MembershipFactory(
        workshop=session.batik_class.workshop, role="owner", user__email="owner@sanggar.id"
    ).user


@pytest.fixture
def host(owner):
    return client_for(owner)


@pytest.fixture
def stranger_host(db):
    """An owner of another workshop."""
    from tests.factories import MembershipFactory

    return client_for(MembershipFactory(user__email="other@sanggar.id").user)


@pytest.fixture
def tourist(db):
    from tests.factories import UserFactory

    return client_for(UserFactory(email="turis@example.id"))
