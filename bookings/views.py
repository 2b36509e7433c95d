"""Pages of the bookings app: a session's booking form, the hold, the booking page, "my bookings".

Views are thin: form → service → redirect. A refusal from a service (a
DomainError with a stable code) becomes a friendly message on the page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bookings import selectors
from bookings.codes import manage_token
from bookings.errors import BookingNotFound
from bookings.forms import BookingForm
from bookings.models import Booking, BookingStatus
from bookings.notifications.emails import booking_context
from bookings.notifications.qr import booking_qr_svg
from bookings.services.holds import booking_cancel, booking_confirm, booking_hold
from core.errors import DomainError
from core.formatting import rupiah, wib_datetime, wib_range
from core.timezones import WIB
from workshops.models import SessionStatus
from workshops.selectors import session_list


def _friendly(refusal: DomainError, *, seats_left: int | None = None) -> str:
    """What a tourist reads when a service said no: what happened and what to do next."""
    if refusal.code == "session_full":
        if seats_left:
            return _(
                "Sorry, other visitors took some of these seats a moment ago. Only %(left)s seats are "
                "left: choose fewer seats or another session."
            ) % {"left": seats_left}
        return _("Sorry, this session filled up a moment ago. Please choose another session.")
    if refusal.code == "hold_expired":
        return _("Your hold expired and the seats were released. Please choose your seats again.")
    if refusal.code == "too_many_holds":
        return _("%(reason)s Held seats you do not confirm are released on their own.") % {
            "reason": refusal.message
        }
    return str(refusal.message)


def _with_token(url: str, booking: Booking, request: HttpRequest) -> str:
    """Guests carry the manage token from page to page; signed-in owners do not need it."""
    if request.user.is_authenticated and booking.user_id == request.user.pk:
        return url
    return f"{url}?token={manage_token(booking.code, booking.manage_nonce)}"


def _caller_booking(request: HttpRequest, code: str) -> tuple[Booking, str]:
    token = request.POST.get("token") or request.GET.get("token", "")
    try:
        return selectors.booking_for_caller(code=code, user=request.user, token=token), token
    except BookingNotFound:
        raise Http404 from None


def session_book(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_list().filter(pk=pk).first()
    if session is None:
        raise Http404
    batik_class = session.batik_class
    tiers = sorted(batik_class.price_tiers.all(), key=lambda tier: (tier.position, tier.pk))
    user = request.user if request.user.is_authenticated else None
    initial = {"name": user.display_name, "email": user.email, "phone": user.phone} if user else {}
    form = BookingForm(
        request.POST or None,
        tiers=tiers,
        limit=batik_class.seats_per_booking_limit,
        signed_in=user is not None,
        initial=initial,
    )
    error, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            booking = booking_hold(
                session_id=session.pk,
                lines=form.line_requests(),
                contact=form.contact(),
                user=user,
                language=get_language(),
            )
        except DomainError as refusal:
            session.refresh_from_db()
            error, status = _friendly(refusal, seats_left=session.seats_left), refusal.status_code
        else:
            return redirect(_with_token(reverse("booking-hold-page", args=[booking.code]), booking, request))
    open_for_booking = session.status == SessionStatus.SCHEDULED and session.starts_at > timezone.now()
    return render(
        request,
        "bookings/session_book.html",
        {
            "session": session,
            "batik_class": batik_class,
            "workshop": batik_class.workshop,
            "when": wib_range(session.starts_at, session.ends_at),
            "form": form,
            "open_for_booking": open_for_booking,
            "full": session.seats_left <= 0,
            "cancelled": session.status == SessionStatus.CANCELLED,
            "error": error,
            "hold_minutes": batik_class.workshop.hold_minutes,
        },
        status=status,
    )


def booking_hold_page(request: HttpRequest, code: str) -> HttpResponse:
    """A held booking: the countdown, what is held, and the button that confirms it."""
    booking, token = _caller_booking(request, code)
    booking_url = _with_token(reverse("booking-page", args=[booking.code]), booking, request)
    if booking.status != BookingStatus.HELD:
        return redirect(booking_url)
    session_url = reverse("session-book", args=[booking.session_id])
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                booking_confirm(booking=booking)
                messages.success(request, _("Your seats are booked. See you at the workshop!"))
                return redirect(booking_url)
            if action == "release":
                booking_cancel(booking=booking)
                messages.info(request, _("The held seats were released."))
                return redirect(session_url)
        except DomainError as refusal:
            messages.error(request, _friendly(refusal))
            return redirect(session_url if refusal.code == "hold_expired" else booking_url)
    context = booking_context(booking)
    context.update(
        token=token,
        expires_iso=booking.hold_expires_at.astimezone(WIB).isoformat(),
        expires_wib=wib_datetime(booking.hold_expires_at),
        session_url=session_url,
    )
    return render(request, "bookings/hold.html", context)


def booking_page(request: HttpRequest, code: str) -> HttpResponse:
    booking, token = _caller_booking(request, code)
    error = None
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            booking_cancel(booking=booking)
        except DomainError as refusal:
            error = refusal.message
        else:
            url = reverse("booking-page", args=[booking.code])
            return redirect(f"{url}?token={token}" if token else url)
    context = booking_context(booking)
    calendar_url = reverse("booking-calendar", args=[booking.code])
    hold_url = reverse("booking-hold-page", args=[booking.code])
    context.update(
        qr_svg=booking_qr_svg(booking.code),
        calendar_url=f"{calendar_url}?token={token}" if token else calendar_url,
        hold_url=f"{hold_url}?token={token}" if token else hold_url,
        token=token,
        error=error,
    )
    return render(request, "bookings/booking_page.html", context)


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    bookings = selectors.bookings_of_user(user=request.user)[:100]
    rows = [
        (booking, wib_range(booking.session.starts_at, booking.session.ends_at), rupiah(booking.total))
        for booking in bookings
    ]
    return render(request, "bookings/my_bookings.html", {"rows": rows})
