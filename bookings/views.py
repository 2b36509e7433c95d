"""Pages of the bookings app: the booking page a guest opens from the e-mail link."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bookings import selectors
from bookings.errors import BookingNotFound
from bookings.notifications.emails import booking_context
from bookings.notifications.qr import booking_qr_svg
from bookings.services.holds import booking_cancel
from core.errors import DomainError


def booking_page(request: HttpRequest, code: str) -> HttpResponse:
    token = request.POST.get("token") or request.GET.get("token", "")
    try:
        booking = selectors.booking_for_caller(code=code, user=request.user, token=token)
    except BookingNotFound:
        raise Http404 from None
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
    context.update(
        qr_svg=booking_qr_svg(booking.code),
        calendar_url=f"{calendar_url}?token={token}" if token else calendar_url,
        token=token,
        error=error,
    )
    return render(request, "bookings/booking_page.html", context)
