"""Host pages that need bookings: a session's roster, check-in at the door, no-shows, cancelling.

Thin like the API views beside them (bookings/api/host.py): the same selectors
find the session or booking inside the caller's workshops, the same services
change it, and a service's refusal becomes a message on the page.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings import selectors
from bookings.api.csv import csv_response
from bookings.api.host_serializers import roster_csv_header, roster_csv_rows, roster_data
from bookings.api.payment_serializers import roster_payment
from bookings.errors import BookingNotFound
from bookings.models import Booking, BookingStatus
from bookings.payments.services import payment_mark_paid, payment_refund_mark_done, payment_reject
from bookings.services.checkin import booking_check_in, booking_check_in_undo, session_no_shows_mark
from bookings.services.sessions import session_cancel_with_bookings
from core.errors import DomainError
from core.formatting import rupiah, wib_range
from core.timezones import WIB, wib_date
from workshops.models import ClassSession, SessionStatus
from workshops.permissions import host_or_coordinator_page, host_page, member_workshops

MAX_REASON = 255


def _roster_url(session_id: int, code: str = "") -> str:
    url = reverse("host-roster", args=[session_id])
    return f"{url}#booking-{code}" if code else url


def _member_of(request: HttpRequest, session: ClassSession) -> bool:
    return member_workshops(request.user).filter(pk=session.batik_class.workshop_id).exists()


@host_or_coordinator_page
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is coming, printable; members of the workshop also check people in here."""
    session = selectors.session_for_host(user=request.user, session_id=pk, coordinators_read=True)
    bookings = selectors.session_roster(session=session)
    data = roster_data(session, bookings)
    now = timezone.now()
    can_act = _member_of(request, session)
    rows = [
        (
            booking,
            booking.checked_in_at.astimezone(WIB).strftime("%H:%M") if booking.checked_in_at else "",
            _payment_row(booking),
        )
        for booking in bookings
    ]
    return render(
        request,
        "bookings/host/roster.html",
        {
            "session": session,
            "batik_class": session.batik_class,
            "workshop": session.batik_class.workshop,
            "when": wib_range(session.starts_at, session.ends_at),
            "rows": rows,
            "totals": data["totals"],
            "to_collect": rupiah(data["totals"]["to_collect"]),
            "refund_due": rupiah(data["totals"]["refund_due"]) if data["totals"]["refund_due"] else "",
            "can_act": can_act,
            "check_in_open": can_act and session.status != SessionStatus.CANCELLED,
            "no_shows_due": can_act
            and now >= session.ends_at
            and any(booking.status == BookingStatus.CONFIRMED for booking in bookings),
            "can_cancel": can_act and session.status == SessionStatus.SCHEDULED and session.starts_at > now,
        },
    )


def _payment_row(booking: Booking) -> dict | None:
    """The booking's payment on the roster: what it says and which buttons make sense."""
    payment = roster_payment(booking)
    if payment is None:
        return None
    pending_transfer = payment["method"] == "bank_transfer" and payment["status"] == "pending"
    return {
        **payment,
        "to_collect_text": rupiah(payment["to_collect"]) if payment["to_collect"] else "",
        "refund_due_text": rupiah(payment["refund_due"]) if payment["refund_due"] else "",
        "can_mark_paid": bool(payment["to_collect"]) or pending_transfer,
        "can_reject": pending_transfer,
        "can_mark_refunded": bool(payment["refund_due"])
        and payment["method"] in ("at_workshop", "bank_transfer"),
    }


@require_POST
@host_page
def payment(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a payment from the roster: cash or transfer received, a transfer rejected, a refund made."""
    session = selectors.session_for_host(user=request.user, session_id=pk)
    booking = _door_booking(request, session, request.POST.get("code", ""))
    if booking is None:
        return redirect(_roster_url(session.pk))
    action = request.POST.get("action")
    reason = request.POST.get("reason", "").strip()[:MAX_REASON]
    try:
        if action == "paid":
            payment_mark_paid(booking=booking, actor=request.user)
            text = _("%(name)s (%(code)s): payment received.")
        elif action == "reject":
            if not reason:
                messages.error(
                    request, _("Write why the transfer is rejected: the guest reads it in the e-mail.")
                )
                return redirect(_roster_url(session.pk, booking.code))
            payment_reject(booking=booking, actor=request.user, reason=reason)
            text = _("%(name)s (%(code)s): transfer rejected, the seats are released and the guest is told.")
        elif action == "refunded":
            payment_refund_mark_done(booking=booking, actor=request.user)
            text = _("%(name)s (%(code)s): refund recorded, the guest is told.")
        else:
            return redirect(_roster_url(session.pk))
    except DomainError as refusal:
        messages.error(request, f"{booking.code}: {refusal.message}")
    else:
        messages.success(request, text % {"name": booking.contact_name, "code": booking.code})
    return redirect(_roster_url(session.pk, booking.code))


@host_or_coordinator_page
def roster_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The roster as the API's CSV file (UTF-8 with BOM), for a spreadsheet or to print."""
    session = selectors.session_for_host(user=request.user, session_id=pk, coordinators_read=True)
    bookings = selectors.session_roster(session=session)
    day = wib_date(session.starts_at).isoformat()
    return csv_response(
        header=roster_csv_header(),
        rows=roster_csv_rows(bookings),
        filename=f"roster-{session.batik_class.slug}-{day}.csv",
    )


def _door_booking(request: HttpRequest, session: ClassSession, code: str) -> Booking | None:
    """The booking a typed or scanned code names, if it belongs to this session; else a message."""
    try:
        booking = selectors.booking_for_host(user=request.user, code=code)
    except BookingNotFound:
        messages.error(request, _("No booking %(code)s in your workshop.") % {"code": code.strip()})
        return None
    if booking.session_id != session.pk:
        # At the door a code for another day is a guest at the wrong session, not one to let in here.
        other = booking.session
        messages.error(
            request,
            _("%(code)s is booked for another session: %(class)s, %(when)s.")
            % {
                "code": booking.code,
                "class": other.batik_class.title,
                "when": wib_range(other.starts_at, other.ends_at),
            },
        )
        return None
    return booking


@require_POST
@host_page
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Check a guest in (or undo it) by the code typed, scanned or picked from the list."""
    session = selectors.session_for_host(user=request.user, session_id=pk)
    code = request.POST.get("code", "")
    undo = request.POST.get("action") == "undo"
    if not code.strip():
        messages.error(request, _("Type the booking code, or scan the guest's QR code."))
        return redirect(_roster_url(session.pk))
    booking = _door_booking(request, session, code)
    if booking is None:
        return redirect(_roster_url(session.pk))
    service = booking_check_in_undo if undo else booking_check_in
    try:
        changed = service(booking=booking, actor=request.user)
        if not undo and request.POST.get("collected"):
            payment_mark_paid(booking=changed, actor=request.user, note="check-in")
    except DomainError as refusal:
        messages.error(request, f"{booking.code}: {refusal.message}")
        return redirect(_roster_url(session.pk, booking.code))
    if undo:
        text = _("Check-in of %(name)s (%(code)s) undone.")
    else:
        text = _("%(name)s (%(code)s) checked in: %(seats)s seats.")
    messages.success(
        request, text % {"name": changed.guest_name, "code": changed.code, "seats": changed.seats}
    )
    return redirect(_roster_url(session.pk, changed.code))


@require_POST
@host_page
def no_shows(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for_host(user=request.user, session_id=pk)
    try:
        marked = session_no_shows_mark(session=session, actor=request.user)
    except DomainError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("%(count)s bookings marked as no-show.") % {"count": len(marked)})
    return redirect(_roster_url(session.pk))


@host_page
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a session with a reason: a page to confirm first, since every guest is told at once."""
    session = selectors.session_for_host(user=request.user, session_id=pk)
    bookings = [
        booking
        for booking in selectors.session_roster(session=session)
        if booking.status in (BookingStatus.HELD, BookingStatus.CONFIRMED)
    ]
    reason = request.POST.get("reason", "").strip()[:MAX_REASON]
    error = None
    if request.method == "POST":
        if not reason:
            error = _("Write the reason: every guest reads it in the e-mail.")
        else:
            try:
                session_cancel_with_bookings(session=session, reason=reason, actor=request.user)
            except DomainError as refusal:
                error = str(refusal.message)
            else:
                messages.success(
                    request,
                    _("The session was cancelled and %(count)s guests are being told.")
                    % {"count": len(bookings)},
                )
                return redirect("host-dashboard")
    return render(
        request,
        "bookings/host/cancel.html",
        {
            "session": session,
            "batik_class": session.batik_class,
            "when": wib_range(session.starts_at, session.ends_at),
            "guests": len(bookings),
            "seats": sum(booking.seats for booking in bookings),
            "reason": reason,
            "error": error,
            "cancellable": session.status == SessionStatus.SCHEDULED and session.starts_at > timezone.now(),
        },
        status=400 if error else 200,
    )
