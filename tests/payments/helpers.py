"""PAY-CORE's fixtures and helpers: a class that takes cash and transfers, its owner, holds, messages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bookings.models import Booking, MessageKind, OutboxMessage
from bookings.services.holds import Contact, LineRequest, booking_hold
from bookings.services.outbox import outbox_deliver
from tests.bookings.conftest import client_for
from tests.factories import ClassSessionFactory, MembershipFactory, PriceTierFactory

PRICE = 75000


@pytest.fixture
def session(db):
    """4 seats in 3 days of a class paid at the workshop or by transfer to BRI; Rp75.000 a seat."""
    session = ClassSessionFactory(
        capacity=4,
        batik_class__cancellation_hours=24,
        batik_class__workshop__payment_methods=["at_workshop", "bank_transfer"],
        batik_class__workshop__bank_name="BRI",
        batik_class__workshop__bank_account_number="0123-01-000123-50-1",
        batik_class__workshop__bank_account_holder="Kelompok Batik Tidayu",
    )
    PriceTierFactory(batik_class=session.batik_class, label_ind="Dewasa", label_en="Adult", amount=PRICE)
    return session


@pytest.fixture
def owner(session):
    return MembershipFactory(
        workshop=session.batik_class.workshop, role="owner", user__email="owner@sanggar.id"
    ).user


@pytest.fixture
def host(owner):
    return client_for(owner)


@pytest.fixture
def stranger_host(db):
    """An owner of another workshop."""
    return client_for(MembershipFactory(user__email="other@sanggar.id").user)


def hold(
    session, *, seats: int = 2, email: str = "rina@example.id", language: str = "id", user=None
) -> Booking:
    tier = session.batik_class.price_tiers.order_by("position", "pk").first()
    return booking_hold(
        session_id=session.pk,
        lines=[LineRequest(tier_id=tier.pk, quantity=seats)],
        contact=None if user else Contact(name="Rina Wulandari", email=email, phone="0812 3456 7890"),
        user=user,
        language=language,
    )


def kinds(booking: Booking, *, to_owner: bool | None = None) -> list[str]:
    """The messages a booking caused, in order (to its guest, its owners, or both)."""
    rows = OutboxMessage.objects.filter(booking=booking).order_by("pk")
    if to_owner is True:
        rows = rows.filter(recipient_email__isnull=False)
    if to_owner is False:
        rows = rows.filter(recipient_email__isnull=True)
    return list(rows.values_list("kind", flat=True))


def delivered(booking: Booking, kind: MessageKind, *, to_owner: bool = False):
    """Send the booking's (last) message of `kind` and return the e-mail that left."""
    rows = OutboxMessage.objects.filter(booking=booking, kind=kind, recipient_email__isnull=not to_owner)
    message = rows.order_by("-pk").first()
    assert message is not None, f"no {kind} message"
    mail.outbox.clear()
    assert outbox_deliver(message_id=message.pk)
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def body_of(email) -> str:
    return email.body


def let_the_hold_expire(booking: Booking) -> None:
    from bookings.services.holds import holds_sweep

    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    holds_sweep(now=timezone.now())


def token_of(booking: Booking) -> str:
    from bookings.codes import manage_token

    return manage_token(booking.code, booking.manage_nonce)
