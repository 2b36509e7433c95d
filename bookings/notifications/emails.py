"""The e-mails a booking causes, rendered in the booking's language with times in WIB."""

from datetime import timedelta
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from bookings.codes import manage_token
from bookings.models import Booking, MessageKind, OutboxMessage
from bookings.notifications.calendar import booking_ics
from bookings.notifications.qr import booking_qr_png
from core.formatting import map_link, rupiah, wib_datetime, wib_range

SUBJECTS = {
    MessageKind.BOOKING_CONFIRMED: lambda: _("Your batik class is booked: %(code)s"),
    MessageKind.BOOKING_CANCELLED: lambda: _("Booking cancelled: %(code)s"),
    MessageKind.HOLD_EXPIRED: lambda: _("Your held seats were released: %(code)s"),
}


def manage_url(booking: Booking) -> str:
    path = reverse("booking-page", args=[booking.code])
    return f"{settings.CANTING_SITE_URL}{path}?token={manage_token(booking.code, booking.manage_nonce)}"


def booking_context(booking: Booking) -> dict:
    session = booking.session
    batik_class = session.batik_class
    workshop = batik_class.workshop
    cancel_until = session.starts_at - timedelta(hours=batik_class.cancellation_hours)
    return {
        "booking": booking,
        "batik_class": batik_class,
        "workshop": workshop,
        "village": workshop.village,
        "when": wib_range(session.starts_at, session.ends_at),
        "cancel_until": wib_datetime(cancel_until),
        # Booked inside the window (say, on the morning of the class): no free cancellation at all.
        "free_cancellation": cancel_until > booking.held_at,
        "cancellation_hours": batik_class.cancellation_hours,
        "total": rupiah(booking.total),
        "lines": [(line.quantity, line.label, rupiah(line.unit_price)) for line in booking.lines.all()],
        "map_url": map_link(
            latitude=workshop.latitude, longitude=workshop.longitude, address=workshop.address
        ),
        "whatsapp_url": f"https://wa.me/{workshop.whatsapp.lstrip('+')}" if workshop.whatsapp else "",
        "manage_url": manage_url(booking),
        "book_again_url": f"{settings.CANTING_SITE_URL}/api/v1/sessions/?batik_class={batik_class.slug}",
        "site_url": settings.CANTING_SITE_URL,
    }


def booking_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """The e-mail for one outbox message, ready to send."""
    booking = message.booking
    with translation.override(booking.language):
        context = booking_context(booking)
        template = f"bookings/email/{message.kind}"
        email = EmailMultiAlternatives(
            subject=SUBJECTS[message.kind]() % {"code": booking.code},
            body=render_to_string(f"{template}.txt", context),
            to=[booking.contact_email],
            headers={"X-Canting-Booking": booking.code},
        )
        email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
        if message.kind == MessageKind.BOOKING_CONFIRMED:
            email.mixed_subtype = "related"
            qr = MIMEImage(booking_qr_png(booking.code), "png")
            qr.add_header("Content-ID", "<checkin-qr>")
            qr.add_header("Content-Disposition", "inline", filename=f"{booking.code}.png")
            email.attach(qr)
            # Inside the override: the calendar entry's title is in the booking's language too.
            email.attach(f"{booking.code}.ics", booking_ics(booking), "text/calendar")
    return email
