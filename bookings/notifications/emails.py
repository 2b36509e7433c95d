"""The e-mails a booking causes, rendered in the booking's language with times in WIB."""

from datetime import datetime
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from bookings.codes import manage_token, waitlist_token
from bookings.models import Booking, MessageKind, OutboxMessage, WaitlistEntry
from bookings.notifications.calendar import booking_ics
from bookings.notifications.qr import booking_qr_png
from bookings.payments.display import method_label, payment_context, refund_reason_text
from bookings.payments.models import Payment
from bookings.services.holds import booking_free_cancel_deadline
from core.formatting import map_link, rupiah, wib_datetime, wib_range

SUBJECTS = {
    MessageKind.BOOKING_CONFIRMED: lambda: _("Your batik class is booked: %(code)s"),
    MessageKind.BOOKING_CANCELLED: lambda: _("Booking cancelled: %(code)s"),
    MessageKind.HOLD_EXPIRED: lambda: _("Your held seats were released: %(code)s"),
    MessageKind.SESSION_CANCELLED: lambda: _("Your batik class was cancelled by the workshop: %(code)s"),
    MessageKind.SESSION_RESCHEDULED: lambda: _("Your batik class has a new time: %(code)s"),
    MessageKind.HOST_NEW_BOOKING: lambda: _("New booking %(code)s: %(seats)s seats, %(when)s"),
    MessageKind.HOST_BOOKING_CANCELLED: lambda: _("Booking cancelled %(code)s: %(seats)s seats, %(when)s"),
    MessageKind.WAITLIST_OFFERED: lambda: _("Seats are free for you: accept before %(until)s"),
    MessageKind.SESSION_GOING_AHEAD: lambda: _("Your batik class is going ahead: %(code)s"),
    MessageKind.REMINDER_DAY_BEFORE: lambda: _("Tomorrow: your batik class, %(when)s"),
    MessageKind.REMINDER_SOON: lambda: _("Soon: your batik class starts %(when)s"),
    MessageKind.PAYMENT_INSTRUCTIONS: lambda: _("Pay by bank transfer before %(until)s: %(code)s"),
    MessageKind.PAYMENT_RECEIVED: lambda: _("Payment received: %(code)s"),
    MessageKind.PAYMENT_REFUNDED: lambda: _("Your money was refunded: %(code)s"),
    MessageKind.PAYMENT_REJECTED: lambda: _("Bank transfer not received, seats released: %(code)s"),
    MessageKind.PAYMENT_FAILED: lambda: _("Payment not completed, seats released: %(code)s"),
    MessageKind.HOST_TRANSFER_AWAITING: lambda: _(
        "Bank transfer to check %(code)s: %(seats)s seats, %(when)s"
    ),
    MessageKind.HOST_PAYMENT_RECEIVED: lambda: _("Payment received %(code)s: %(seats)s seats, %(when)s"),
    MessageKind.HOST_REFUND_DUE: lambda: _("Refund to make %(code)s: %(seats)s seats, %(when)s"),
}
HOST_SUBJECTS = {
    MessageKind.HOST_DECISION_NEEDED: lambda: _("Below the minimum: decide by %(until)s (%(when)s)"),
    MessageKind.HOST_DAILY_DIGEST: lambda: _("%(workshop)s: the next 7 days"),
}
# How many later sessions of the class a cancelled guest is offered.
NEXT_SESSIONS_SHOWN = 3


def manage_url(booking: Booking) -> str:
    path = reverse("booking-page", args=[booking.code])
    return f"{settings.CANTING_SITE_URL}{path}?token={manage_token(booking.code, booking.manage_nonce)}"


def booking_context(booking: Booking) -> dict:
    session = booking.session
    batik_class = session.batik_class
    workshop = batik_class.workshop
    cancel_until = booking_free_cancel_deadline(booking)
    return {
        "booking": booking,
        "batik_class": batik_class,
        "workshop": workshop,
        "village": workshop.village,
        "when": wib_range(session.starts_at, session.ends_at),
        "cancel_until": wib_datetime(cancel_until),
        # Booked inside the window (say, on the morning of the class): no free cancellation at all.
        "free_cancellation": booking.free_cancel_until_start or cancel_until > booking.held_at,
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
        **payment_context(booking),
    }


def message_context(message: OutboxMessage) -> dict:
    """What the template of this message needs beyond the booking itself."""
    booking = message.booking
    context = booking_context(booking)
    payload = message.payload or {}
    if "old_starts_at" in payload:
        context["old_when"] = wib_range(
            datetime.fromisoformat(payload["old_starts_at"]), datetime.fromisoformat(payload["old_ends_at"])
        )
    context["cancel_reason"] = booking.session.cancel_reason
    context["roster_url"] = f"{settings.CANTING_SITE_URL}/api/v1/host/sessions/{booking.session_id}/roster/"
    if message.kind == MessageKind.SESSION_CANCELLED:
        context["next_sessions"] = _next_sessions(booking)
    if message.kind == MessageKind.WAITLIST_OFFERED:
        context.update(_offer_context(booking))
    if "payment" in payload:
        context.update(_payment_message_context(payload))
    return context


def _payment_message_context(payload: dict) -> dict:
    """The payment a payment message is about (not necessarily the booking's latest)."""
    payment = Payment.objects.filter(pk=payload["payment"]).first()
    if payment is None:
        return {}
    return {
        "message_payment": payment,
        "message_amount": rupiah(payload.get("amount") or payment.amount),
        "message_method": method_label(payment.method),
        "instructions": payment.instructions,
        "payment_deadline": wib_datetime(payment.expires_at) if payment.expires_at else "",
        "refund_reason": refund_reason_text(payload.get("reason", "")),
        # A host's own words (a rejected transfer); refunds carry a RefundReason code instead.
        "host_note": payload.get("note", ""),
    }


def _next_sessions(booking: Booking) -> list[dict]:
    """Later sessions of the same class with a free seat for this party: where to book again."""
    from workshops.models import ClassSession

    sessions = (
        ClassSession.objects.open_for_booking()
        .filter(batik_class_id=booking.session.batik_class_id, starts_at__gt=booking.session.starts_at)
        .with_seats_left(booking.seats)
        .order_by("starts_at", "pk")[:NEXT_SESSIONS_SHOWN]
    )
    return [
        {"when": wib_range(session.starts_at, session.ends_at), "seats_left": session.seats_left}
        for session in sessions
    ]


def _offer_context(booking: Booking) -> dict:
    entry = WaitlistEntry.objects.filter(booking=booking).first()
    if entry is None:
        return {}
    path = reverse("waitlist-offer-page", args=[entry.pk])
    token = waitlist_token(entry.pk, entry.manage_nonce)
    return {
        "accept_url": f"{settings.CANTING_SITE_URL}{path}?token={token}",
        "offer_until": wib_datetime(entry.offer_expires_at),
    }


def message_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """The e-mail for any outbox message: about a booking, or to the owners about a session or workshop."""
    if message.booking_id is None:
        return host_email(message)
    return booking_email(message)


def booking_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """The e-mail for one outbox message, ready to send: to the guest, or to the recipient it names."""
    booking = message.booking
    with translation.override(message.language or booking.language):
        context = message_context(message)
        template = f"bookings/email/{message.kind}"
        email = EmailMultiAlternatives(
            subject=SUBJECTS[message.kind]()
            % {
                "code": booking.code,
                "seats": booking.seats,
                "when": context["when"],
                "until": context.get("offer_until") or context.get("payment_deadline", ""),
            },
            body=render_to_string(f"{template}.txt", context),
            to=[message.recipient_email or booking.contact_email],
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


def host_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """An e-mail to one owner about a session (go/no-go) or the whole workshop (daily digest)."""
    from bookings.notifications.host import host_message_context

    with translation.override(message.language or settings.LANGUAGE_CODE):
        context = host_message_context(message)
        template = f"bookings/email/{message.kind}"
        email = EmailMultiAlternatives(
            subject=HOST_SUBJECTS[message.kind]() % context["subject"],
            body=render_to_string(f"{template}.txt", context),
            to=[message.recipient_email],
        )
        email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return email
