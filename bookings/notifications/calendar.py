"""A booking as an iCalendar event in WIB, for the tourist's phone calendar."""

from django.conf import settings
from icalendar import Calendar, Event

from bookings.models import Booking
from core.timezones import WIB


def booking_ics(booking: Booking) -> bytes:
    session = booking.session
    batik_class = session.batik_class
    workshop = batik_class.workshop
    calendar = Calendar()
    calendar.add("prodid", "-//Canting//Batik classes//ID")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{booking.code}@canting")
    event.add("summary", f"{batik_class.title} · {workshop.name}")
    event.add("dtstart", session.starts_at.astimezone(WIB))
    event.add("dtend", session.ends_at.astimezone(WIB))
    event.add("dtstamp", booking.held_at)
    event.add("location", workshop.address)
    event.add(
        "description",
        f"{booking.code} · {booking.seats} × {batik_class.title}\n{settings.CANTING_SITE_URL}",
    )
    event.add("status", "CANCELLED" if booking.status == "cancelled" else "CONFIRMED")
    calendar.add_component(event)
    # Embed Asia/Pontianak's VTIMEZONE so every calendar app shows the time in WIB.
    calendar.add_missing_timezones()
    return calendar.to_ical()
