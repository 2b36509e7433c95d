"""Pages of the bookings app: a session's booking form, the hold, the booking page, "my bookings",
and a full session's waitlist (joining it, one's place in it, accepting an offer of seats).

Views are thin: form → service → redirect. A refusal from a service (a
DomainError with a stable code) becomes a friendly message on the page.
"""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bookings import selectors
from bookings.codes import manage_token, waitlist_token
from bookings.errors import BookingNotFound, WaitlistEntryNotFound
from bookings.forms import BookingForm, WaitlistForm
from bookings.models import Booking, BookingStatus, WaitlistEntry, WaitlistStatus
from bookings.notifications.emails import booking_context
from bookings.notifications.qr import booking_qr_svg
from bookings.payments.models import PaymentMethod, PaymentStatus
from bookings.payments.services import booking_payment_methods, payment_start
from bookings.services.holds import booking_cancel, booking_confirm, booking_hold
from bookings.services.waitlist import waitlist_accept, waitlist_join, waitlist_leave
from core.errors import DomainError
from core.formatting import rupiah, wib_datetime, wib_range
from core.throttling import throttle_or_raise
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
    if refusal.code == "seats_available":
        return _(
            "Good news: enough seats are free for your party right now. Book them below instead of waiting."
        )
    if refusal.code == "already_on_waitlist":
        return _(
            "This e-mail address is already on the waitlist of this session. We will e-mail you as soon as "
            "seats come free."
        )
    if refusal.code == "waitlist_entry_closed":
        return _("You are no longer on this waitlist, so there was nothing to leave.")
    if refusal.code == "offer_expired":
        return _("Sorry, the time to accept these seats ran out, and they went to the next person waiting.")
    if refusal.code == "offer_not_active":
        return _("There are no seats waiting for you to accept on this waitlist right now.")
    if refusal.code == "payment_gateway_unavailable":
        return _(
            "The payment service is not answering right now. "
            "Try again in a moment, or choose another way to pay."
        )
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
    """A session's booking form; when the session is full (or has fewer seats than asked), its waitlist."""
    session = session_list().filter(pk=pk).first()
    if session is None:
        raise Http404
    batik_class = session.batik_class
    tiers = sorted(batik_class.price_tiers.all(), key=lambda tier: (tier.position, tier.pk))
    user = request.user if request.user.is_authenticated else None
    initial = {"name": user.display_name, "email": user.email, "phone": user.phone} if user else {}
    # Both forms share the page; a hidden field says which one was sent.
    joining = request.method == "POST" and request.POST.get("form") == "waitlist"
    form = BookingForm(
        request.POST if request.method == "POST" and not joining else None,
        tiers=tiers,
        limit=batik_class.seats_per_booking_limit,
        signed_in=user is not None,
        initial=initial,
    )
    waitlist_form = WaitlistForm(
        request.POST if joining else None,
        prefix="waitlist",
        limit=batik_class.seats_per_booking_limit,
        signed_in=user is not None,
        initial=initial,
    )
    error, status, offer_waitlist = None, 200, joining
    if joining and waitlist_form.is_valid():
        try:
            throttle_or_raise(request, scope="waitlist")
            entry = waitlist_join(
                session_id=session.pk,
                seats=waitlist_form.cleaned_data["seats"],
                contact=waitlist_form.contact(),
                user=user,
                language=get_language(),
            )
        except DomainError as refusal:
            for message in refusal.fields.get("seats", []):
                waitlist_form.add_error("seats", message)
            session.refresh_from_db()
            error, status = _friendly(refusal), refusal.status_code
            offer_waitlist = refusal.code != "seats_available"
        else:
            return redirect(_waitlist_url("waitlist-page", entry, request))
    elif request.method == "POST" and not joining and form.is_valid():
        try:
            # The same limit as POST /api/v1/bookings/, counted together.
            throttle_or_raise(request, scope="bookings")
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
            if refusal.code == "session_full":
                # Not enough seats for this party: offer to wait for them, with what was already typed.
                offer_waitlist = True
                wanted = sum(line.quantity for line in form.line_requests())
                waitlist_form = WaitlistForm(
                    prefix="waitlist",
                    limit=batik_class.seats_per_booking_limit,
                    signed_in=user is not None,
                    initial={**initial, **_typed_contact(form), "seats": wanted},
                )
        else:
            return redirect(_with_token(reverse("booking-hold-page", args=[booking.code]), booking, request))
    open_for_booking = session.status == SessionStatus.SCHEDULED and session.starts_at > timezone.now()
    full = session.seats_left <= 0
    return render(
        request,
        "bookings/session_book.html",
        {
            "session": session,
            "batik_class": batik_class,
            "workshop": batik_class.workshop,
            "when": wib_range(session.starts_at, session.ends_at),
            "form": form,
            "waitlist_form": waitlist_form,
            "open_for_booking": open_for_booking,
            "full": full,
            "offer_waitlist": open_for_booking and (full or offer_waitlist),
            "cancelled": session.status == SessionStatus.CANCELLED,
            "error": error,
            "hold_minutes": batik_class.workshop.hold_minutes,
            "payment_methods": [PaymentMethod(m).label for m in batik_class.accepted_payment_methods],
            "pay_at_workshop_only": batik_class.accepted_payment_methods == [PaymentMethod.AT_WORKSHOP],
        },
        status=status,
    )


def _typed_contact(form: BookingForm) -> dict:
    data = form.cleaned_data
    return {name: data[name] for name in ("name", "email", "phone") if data.get(name)}


def booking_hold_page(request: HttpRequest, code: str) -> HttpResponse:
    """A held booking: the countdown, what is held, how to pay, and the button that confirms it.

    Paying at the workshop confirms at once; a bank transfer keeps the seats held and
    shows the instructions on the booking page; a gateway sends the tourist to its page.
    """
    booking, token = _caller_booking(request, code)
    booking_url = _with_token(reverse("booking-page", args=[booking.code]), booking, request)
    if booking.status != BookingStatus.HELD:
        return redirect(booking_url)
    session_url = reverse("session-book", args=[booking.session_id])
    methods = booking_payment_methods(booking)
    if request.method == "POST":
        action = request.POST.get("action")
        method = request.POST.get("method") or (methods[0] if methods else PaymentMethod.AT_WORKSHOP)
        try:
            if action == "confirm" and method == PaymentMethod.AT_WORKSHOP:
                booking_confirm(booking=booking)
                messages.success(request, _("Your seats are booked. See you at the workshop!"))
                return redirect(booking_url)
            if action == "confirm":
                payment, checkout = payment_start(booking=booking, method=method)
                if checkout.redirect_url:
                    return redirect(checkout.redirect_url)
                messages.info(
                    request, _("Your seats are held until your transfer arrives. Here is how to pay.")
                )
                return redirect(booking_url)
            if action == "release":
                booking_cancel(booking=booking)
                messages.info(request, _("The held seats were released."))
                return redirect(session_url)
        except DomainError as refusal:
            messages.error(request, _friendly(refusal))
            if refusal.code == "hold_expired":
                return redirect(session_url)
            return redirect(_with_token(reverse("booking-hold-page", args=[booking.code]), booking, request))
    context = booking_context(booking)
    payment = context.get("payment")
    context.update(
        token=token,
        expires_iso=booking.hold_expires_at.astimezone(WIB).isoformat(),
        expires_wib=wib_datetime(booking.hold_expires_at),
        session_url=session_url,
        methods=[(method, PaymentMethod(method).label) for method in methods],
        chosen=payment.method
        if payment and payment.status == PaymentStatus.PENDING
        else (methods or [""])[0],
        pending=payment if payment and payment.status == PaymentStatus.PENDING else None,
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
    payment = context.get("payment")
    context.update(
        pending=payment if payment and payment.status == PaymentStatus.PENDING else None,
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


def _waitlist_url(name: str, entry: WaitlistEntry, request: HttpRequest) -> str:
    """A waitlist page's address; a guest's carries the entry's token, as the API gives it."""
    url = reverse(name, args=[entry.pk])
    if request.user.is_authenticated and entry.user_id == request.user.pk:
        return url
    return f"{url}?token={waitlist_token(entry.pk, entry.manage_nonce)}"


def _caller_entry(request: HttpRequest, pk: int) -> tuple[WaitlistEntry, str]:
    token = request.POST.get("token") or request.GET.get("token", "")
    try:
        return selectors.waitlist_entry_for_caller(entry_id=pk, user=request.user, token=token), token
    except WaitlistEntryNotFound:
        raise Http404 from None


def _entry_context(entry: WaitlistEntry, token: str) -> dict:
    session = entry.session
    batik_class = session.batik_class
    return {
        "entry": entry,
        "token": token,
        "batik_class": batik_class,
        "workshop": batik_class.workshop,
        "when": wib_range(session.starts_at, session.ends_at),
        "session_url": reverse("session-book", args=[session.pk]),
    }


def waitlist_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One's place on a session's waitlist: position, party size, status, and a way out."""
    entry, token = _caller_entry(request, pk)
    page_url = _waitlist_url("waitlist-page", entry, request)
    if request.method == "POST" and request.POST.get("action") == "leave":
        try:
            waitlist_leave(entry=entry)
        except DomainError as refusal:
            messages.error(request, _friendly(refusal))
        else:
            messages.info(request, _("You left the waitlist. Nobody will e-mail you about this session."))
        return redirect(page_url)
    context = _entry_context(entry, token)
    context.update(
        position=selectors.waitlist_position(entry=entry),
        open=entry.status in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED),
        offer_url=_waitlist_url("waitlist-offer-page", entry, request),
    )
    return render(request, "bookings/waitlist.html", context)


def waitlist_offer_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Seats offered to a waiting party: GET shows the offer (safe for link scanners), POST accepts it."""
    entry, token = _caller_entry(request, pk)
    offer_url = _waitlist_url("waitlist-offer-page", entry, request)
    if request.method == "POST":
        try:
            entry = waitlist_accept(entry=entry)
        except DomainError as refusal:
            messages.error(request, _friendly(refusal))
            return redirect(offer_url)
        messages.success(request, _("Your seats are booked. See you at the workshop!"))
        booking = entry.booking
        return redirect(_with_token(reverse("booking-page", args=[booking.code]), booking, request))
    now = timezone.now()
    # An offer past its window is expired even before the sweep has closed it.
    lapsed = entry.status == WaitlistStatus.OFFERED and entry.offer_expires_at <= now
    context = _entry_context(entry, token)
    context.update(
        state="expired" if lapsed else entry.status,
        waitlist_url=_waitlist_url("waitlist-page", entry, request),
        position=selectors.waitlist_position(entry=entry),
    )
    if entry.status == WaitlistStatus.OFFERED and not lapsed:
        context.update(
            expires_iso=entry.offer_expires_at.astimezone(WIB).isoformat(),
            offer_until=wib_datetime(entry.offer_expires_at),
            minutes_left=math.ceil((entry.offer_expires_at - now).total_seconds() / 60),
            lines=[
                (line.quantity, line.label, rupiah(line.unit_price)) for line in entry.booking.lines.all()
            ],
            total=rupiah(entry.booking.total),
        )
    if entry.status == WaitlistStatus.ACCEPTED and entry.booking is not None:
        context["booking_url"] = _with_token(
            reverse("booking-page", args=[entry.booking.code]), entry.booking, request
        )
    return render(request, "bookings/waitlist_offer.html", context)
