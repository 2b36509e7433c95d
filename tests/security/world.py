"""Two sides, A and B, each with a workshop, its host, a tourist and a guest, all holding real objects.

The security tests act as one side's people and aim at the other side's objects, so
every object a path can name exists on both sides with distinct, recognisable values.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from bookings.codes import manage_token, waitlist_token
from bookings.models import Booking, WaitlistEntry
from bookings.payments.models import Payment
from bookings.payments.services import payment_mark_paid, payment_start
from bookings.services.holds import Contact, LineRequest, booking_cancel, booking_confirm, booking_hold
from bookings.services.waitlist import waitlist_join
from core.models import User
from tests.factories import (
    BatikClassFactory,
    ClassSessionFactory,
    ClosedDayFactory,
    MembershipFactory,
    PriceTierFactory,
    ScheduleRuleFactory,
    UserFactory,
    VillageFactory,
    WorkshopFactory,
)
from workshops.models import (
    BatikClass,
    ClassSession,
    ClosedDay,
    Invitation,
    MembershipRole,
    PriceTier,
    ScheduleRule,
    Workshop,
    WorkshopMembership,
)
from workshops.services.members import invitation_create

PASSWORD = "rahasia-batik-123"


@dataclass
class Side:
    """Everything one side owns. `private` lists the values nobody else may ever read."""

    letter: str
    workshop: Workshop
    owner: User
    staff: WorkshopMembership
    batik_class: BatikClass
    draft_class: BatikClass
    tier: PriceTier
    draft_tier: PriceTier
    session: ClassSession
    full_session: ClassSession
    draft_session: ClassSession
    rule: ScheduleRule
    closed_day: ClosedDay
    invitation: Invitation
    invitation_token: str
    tourist: User
    booking: Booking
    held_booking: Booking
    guest_booking: Booking
    # Paid by bank transfer, then cancelled by the tourist: the workshop owes the money back.
    refund_booking: Booking
    transfer: Payment
    refund: Payment
    guest_manage_token: str
    waitlist_entry: WaitlistEntry
    guest_waitlist_entry: WaitlistEntry
    guest_waitlist_token: str
    private: list[str] = field(default_factory=list)


def _side(letter: str, village) -> Side:
    lower = letter.lower()
    workshop = WorkshopFactory(
        village=village,
        name=f"Sanggar Rahasia {letter}",
        slug=f"sanggar-{lower}",
        email=f"sanggar-{lower}@canting.test",
        hold_minutes=30,
        payment_methods=["at_workshop", "bank_transfer", "midtrans", "xendit"],
        bank_name=f"Bank Rahasia {letter}",
        bank_account_number=f"0099-{ord(letter):04d}-77",
        bank_account_holder=f"Kelompok Rahasia {letter}",
    )
    owner = MembershipFactory(
        workshop=workshop,
        role=MembershipRole.OWNER,
        user__email=f"owner-{lower}@canting.test",
        user__first_name=f"Pemilik{letter}",
        user__last_name="Sanggar",
        user__phone=f"+62811000{ord(letter):04d}",
    ).user
    staff = MembershipFactory(
        workshop=workshop,
        role=MembershipRole.STAFF,
        user__email=f"staff-{lower}@canting.test",
        user__first_name=f"Staf{letter}",
    )
    batik_class = BatikClassFactory(
        workshop=workshop, slug=f"kelas-{lower}", max_participants=10, cancellation_hours=24
    )
    draft_class = BatikClassFactory(
        workshop=workshop,
        slug=f"draf-rahasia-{lower}",
        is_published=False,
        title_ind=f"Draf Rahasia {letter}",
    )
    tier = PriceTierFactory(batik_class=batik_class, label_ind="Dewasa", amount=50000)
    draft_tier = PriceTierFactory(batik_class=draft_class, label_ind="Draf", amount=61000)
    now = timezone.now()
    session = ClassSessionFactory(batik_class=batik_class, capacity=10, starts_at=now + timedelta(days=5))
    full_session = ClassSessionFactory(batik_class=batik_class, capacity=2, starts_at=now + timedelta(days=6))
    draft_session = ClassSessionFactory(
        batik_class=draft_class, capacity=4, starts_at=now + timedelta(days=7)
    )
    rule = ScheduleRuleFactory(batik_class=batik_class)
    closed_day = ClosedDayFactory(workshop=workshop, reason=f"Tutup rahasia {letter}")
    invitation, invitation_token = invitation_create(
        workshop=workshop, email=f"invitee-{lower}@canting.test", role=MembershipRole.STAFF, invited_by=owner
    )
    tourist = UserFactory(
        email=f"tourist-{lower}@canting.test",
        first_name=f"Wisatawan{letter}",
        last_name="Rahasia",
        phone=f"+62812000{ord(letter):04d}",
    )

    def hold(session, *, user=None, contact=None, seats=1, confirm=True):
        booking = booking_hold(
            session_id=session.pk,
            lines=[LineRequest(tier_id=tier.pk, quantity=seats)],
            contact=contact,
            user=user,
            language="id",
        )
        return booking_confirm(booking=booking, notify=False) if confirm else booking

    guest = Contact(
        name=f"Tamu Rahasia {letter}",
        email=f"guest-{lower}@canting.test",
        phone=f"+62813000{ord(letter):04d}",
    )
    booking = hold(session, user=tourist, seats=2)
    held_booking = hold(session, user=tourist, seats=1, confirm=False)
    guest_booking = hold(session, contact=guest, seats=1)
    # The held booking waits for a bank transfer: the host's payment endpoints have a real target.
    transfer, _checkout = payment_start(booking=held_booking, method="bank_transfer")
    refund_booking = hold(session, user=tourist, seats=1, confirm=False)
    payment_start(booking=refund_booking, method="bank_transfer")
    payment_mark_paid(booking=refund_booking, actor=owner, note="transfer seen")
    refund_booking = booking_cancel(booking=Booking.objects.get(pk=refund_booking.pk))
    refund = refund_booking.payments.get(status="refund_pending")
    hold(
        full_session, contact=Contact(name="Pengisi", email=f"filler-{lower}@canting.test", phone=""), seats=2
    )
    waitlist_entry = waitlist_join(
        session_id=full_session.pk, seats=1, contact=None, user=tourist, language="id"
    )
    waiting_guest = Contact(
        name=f"Penunggu Rahasia {letter}",
        email=f"waiter-{lower}@canting.test",
        phone=f"+62814000{ord(letter):04d}",
    )
    guest_waitlist_entry = waitlist_join(
        session_id=full_session.pk, seats=1, contact=waiting_guest, user=None, language="id"
    )
    side = Side(
        letter=letter,
        workshop=workshop,
        owner=owner,
        staff=staff,
        batik_class=batik_class,
        draft_class=draft_class,
        tier=tier,
        draft_tier=draft_tier,
        session=session,
        full_session=full_session,
        draft_session=draft_session,
        rule=rule,
        closed_day=closed_day,
        invitation=invitation,
        invitation_token=invitation_token,
        tourist=tourist,
        booking=booking,
        held_booking=held_booking,
        guest_booking=guest_booking,
        refund_booking=refund_booking,
        transfer=transfer,
        refund=refund,
        guest_manage_token=manage_token(guest_booking.code, guest_booking.manage_nonce),
        waitlist_entry=waitlist_entry,
        guest_waitlist_entry=guest_waitlist_entry,
        guest_waitlist_token=waitlist_token(guest_waitlist_entry.pk, guest_waitlist_entry.manage_nonce),
    )
    side.private = [
        tourist.email,
        tourist.first_name,
        tourist.phone,
        owner.email,
        owner.phone,
        staff.user.email,
        guest.name,
        guest.email,
        guest.phone,
        waiting_guest.name,
        waiting_guest.email,
        waiting_guest.phone,
        booking.code,
        held_booking.code,
        guest_booking.code,
        refund_booking.code,
        transfer.order_id,
        refund.order_id,
        side.guest_manage_token,
        side.guest_waitlist_token,
        invitation.email,
        invitation_token,
        draft_class.slug,
        draft_class.title_ind,
        closed_day.reason,
        workshop.email,
    ]
    return side


@dataclass
class World:
    a: Side
    b: Side


def build_world() -> World:
    village = VillageFactory(slug="kampung-uji-keamanan")
    return World(a=_side("A", village), b=_side("B", village))
