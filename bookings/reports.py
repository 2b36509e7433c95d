"""Coordinators' impact figures per month and per workshop or village (reads only).

Three queries whatever the number of workshops: the groups, the sessions
aggregated per group, the bookings aggregated per group. Months are WIB months,
and a session belongs to the month in which it starts (WIB).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from bookings.models import Booking, BookingStatus
from core.timezones import WIB
from tourism.models import Village
from workshops.models import ClassSession, SessionStatus, Workshop

GROUP_BY = ("workshop", "village")
# A session "held" is one that was not cancelled: it ran or is still to run.
HELD_SESSION = (SessionStatus.SCHEDULED, SessionStatus.COMPLETED)
# Bookings that count: the guest committed (whether they came or not).
BOOKED = (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


@dataclass
class ReportRow:
    id: int | None
    slug: str
    name: str
    village: str | None
    sessions_held: int = 0
    sessions_cancelled: int = 0
    bookings: int = 0
    seats: int = 0
    attended: int = 0
    no_shows: int = 0
    gross_income: int = 0
    # Booked seats and capacity of held sessions: the fill rate is their ratio.
    booked_seats_held: int = field(default=0, repr=False)
    capacity_held: int = field(default=0, repr=False)

    @property
    def fill_rate(self) -> Decimal | None:
        """Booked seats as a percentage of the capacity of held sessions, one decimal."""
        if not self.capacity_held:
            return None
        rate = Decimal(100 * self.booked_seats_held) / Decimal(self.capacity_held)
        return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def add(self, other: "ReportRow") -> None:
        for name in (
            "sessions_held",
            "sessions_cancelled",
            "bookings",
            "seats",
            "attended",
            "no_shows",
            "gross_income",
            "booked_seats_held",
            "capacity_held",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class MonthlyReport:
    year: int
    month: int
    group_by: str
    rows: list[ReportRow]
    totals: ReportRow


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The first instant of the WIB month and of the next one."""
    start = datetime(year, month, 1, tzinfo=WIB)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=WIB)
    return start, end


def _groups(group_by: str) -> list[ReportRow]:
    if group_by == "village":
        villages = Village.objects.filter(workshops__isnull=False).distinct().order_by("name", "id")
        return [ReportRow(id=v.pk, slug=v.slug, name=v.name, village=None) for v in villages]
    workshops = Workshop.objects.select_related("village").order_by("village__name", "name", "id")
    return [ReportRow(id=w.pk, slug=w.slug, name=w.name, village=w.village.name) for w in workshops]


def monthly_report(*, year: int, month: int, group_by: str = "workshop") -> MonthlyReport:
    """Sessions, bookings, seats, attendance, income and fill rate per group for one WIB month."""
    start, end = month_bounds(year, month)
    key = "batik_class__workshop_id" if group_by == "workshop" else "batik_class__workshop__village_id"
    rows = _groups(group_by)
    by_id = {row.id: row for row in rows}

    sessions = (
        ClassSession.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .values(key)
        .annotate(
            held=Count("pk", filter=Q(status__in=HELD_SESSION)),
            cancelled=Count("pk", filter=Q(status=SessionStatus.CANCELLED)),
            capacity_sum=Coalesce(Sum("capacity", filter=Q(status__in=HELD_SESSION)), 0),
        )
        .order_by()
    )
    for item in sessions:
        row = by_id[item[key]]
        row.sessions_held, row.sessions_cancelled, row.capacity_held = (
            item["held"],
            item["cancelled"],
            item["capacity_sum"],
        )

    booking_key = f"session__{key}"
    bookings = (
        Booking.objects.filter(session__starts_at__gte=start, session__starts_at__lt=end, status__in=BOOKED)
        .values(booking_key)
        .annotate(
            count=Count("pk"),
            seat_sum=Coalesce(Sum("seats"), 0),
            attended_seats=Coalesce(Sum("seats", filter=Q(status=BookingStatus.ATTENDED)), 0),
            no_show_seats=Coalesce(Sum("seats", filter=Q(status=BookingStatus.NO_SHOW)), 0),
            income=Coalesce(Sum("total"), 0),
            held_seats=Coalesce(Sum("seats", filter=Q(session__status__in=HELD_SESSION)), 0),
        )
        .order_by()
    )
    for item in bookings:
        row = by_id[item[booking_key]]
        row.bookings, row.seats, row.attended = item["count"], item["seat_sum"], item["attended_seats"]
        row.no_shows, row.gross_income, row.booked_seats_held = (
            item["no_show_seats"],
            item["income"],
            item["held_seats"],
        )

    totals = ReportRow(id=None, slug="", name="", village=None)
    for row in rows:
        totals.add(row)
    return MonthlyReport(year=year, month=month, group_by=group_by, rows=rows, totals=totals)
