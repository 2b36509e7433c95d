"""Real bookings for the demo, made through the booking services like any tourist's.

Some sessions of the next three weeks fill up, some nearly, most partly, so
the catalogue shows what a busy season looks like and the capacity check has
real counters to verify. A session that already has demo bookings is left as
it is, so a second run changes nothing.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from bookings.errors import SessionFull
from bookings.models import Booking
from bookings.services.holds import Contact, LineRequest, booking_confirm, booking_hold
from workshops.models import ClassSession, SessionStatus

GUEST_DOMAIN = "tamu.canting.test"
HORIZON = timedelta(days=21)
GUEST_NAMES = [
    "Rina Wulandari", "Budi Santoso", "Siti Aminah", "Lim Mei Hua", "Agus Pratama",
    "Dewi Lestari", "Tan Wei Ming", "Nur Aisyah", "Yohanes Dimas", "Sarah Tan",
    "Hendra Wijaya", "Putri Maharani", "Ahmad Faiz", "Chong Li Ying", "Maria Ulfa",
]  # fmt: skip
LANGUAGES = ["id", "id", "id", "en", "zh-hans", "ms"]


@dataclass
class BookingsReport:
    sessions_filled: int = 0
    bookings: int = 0
    seats: int = 0


def _target_fill(rng: random.Random, capacity: int) -> int:
    """How many seats this session should end up with: a few full, a few nearly, most partly."""
    roll = rng.random()
    if roll < 0.15:
        return capacity
    if roll < 0.30:
        return max(capacity - rng.randint(1, 2), 0)
    if roll < 0.55:
        return 0
    return rng.randint(1, max(capacity // 2, 1))


def demo_bookings_seed(*, now: datetime | None = None) -> BookingsReport:
    """Fill sessions of the next three weeks through the booking services; idempotent."""
    with transaction.atomic():
        return _fill(now or timezone.now())


def _fill(now: datetime) -> BookingsReport:
    report = BookingsReport()
    already = set(
        Booking.objects.filter(contact_email__endswith="@" + GUEST_DOMAIN).values_list(
            "session_id", flat=True
        )
    )
    upcoming = (
        ClassSession.objects.bookable_catalogue()
        .filter(
            status=SessionStatus.SCHEDULED,
            starts_at__gt=now + timedelta(hours=2),
            starts_at__lt=now + HORIZON,
        )
        .exclude(pk__in=already)
        .select_related("batik_class")
        .order_by("starts_at", "pk")
    )
    for session in upcoming:
        rng = random.Random(f"{session.batik_class.slug}|{session.starts_at.isoformat()}")
        remaining = _target_fill(rng, session.capacity)
        if remaining == 0:
            continue
        report.sessions_filled += 1
        guest = 0
        while remaining > 0:
            seats = min(remaining, rng.randint(1, 4), session.batik_class.max_participants)
            name = rng.choice(GUEST_NAMES)
            contact = Contact(name=name, email=f"s{session.pk}.g{guest}@{GUEST_DOMAIN}", phone="")
            guest += 1
            try:
                booking = booking_hold(
                    session_id=session.pk,
                    lines=[LineRequest(tier_id=None, quantity=seats)],
                    contact=contact,
                    user=None,
                    language=rng.choice(LANGUAGES),
                )
            except SessionFull:
                break
            # Demo guests are invented: nobody is e-mailed.
            booking_confirm(booking=booking, notify=False)
            report.bookings += 1
            report.seats += seats
            remaining -= seats
    return report
