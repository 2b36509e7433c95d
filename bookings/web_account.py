"""The account page: download one's data, or delete the account (UU PDP's rights of access and erasure)."""

from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.errors import TooManyAttempts
from bookings.models import Booking, BookingStatus, WaitlistEntry
from bookings.services.privacy import account_delete
from core.errors import DomainError
from workshops.models import MembershipRole, WorkshopMembership


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.CharField(label=gettext_lazy("Your e-mail address"), required=False, max_length=254)

    def __init__(self, *args, has_password: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # One way to prove it is you: the password, or for an account without one its e-mail address.
        del self.fields["confirm" if has_password else "password"]


def _what_deleting_does(user) -> dict:
    now = timezone.now()
    bookings = Booking.objects.filter(user=user)
    return {
        "active_bookings": bookings.filter(status=BookingStatus.HELD).count()
        + bookings.filter(status=BookingStatus.CONFIRMED, session__starts_at__gt=now).count(),
        "past_bookings": bookings.count(),
        "waitlist_entries": WaitlistEntry.objects.filter(user=user).count(),
        "owned_workshops": list(
            WorkshopMembership.objects.filter(user=user, role=MembershipRole.OWNER)
            .select_related("workshop")
            .order_by("workshop__name")
        ),
    }


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    has_password = user.has_usable_password()
    form = AccountDeleteForm(request.POST or None, has_password=has_password)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if not ratelimit.consume(request, action="reauthenticate", user=user):
                raise TooManyAttempts()
            account_delete(
                user=user,
                password=form.cleaned_data.get("password", ""),
                confirm=form.cleaned_data.get("confirm", ""),
            )
        except DomainError as refusal:
            field = next(iter(refusal.fields), None)
            form.add_error(field if field in form.fields else None, str(refusal.message))
            status = refusal.status_code
        else:
            logout(request)
            messages.success(
                request,
                _(
                    "Your account was deleted. Bookings you made stay in the workshops' records "
                    "without your name or contact details."
                ),
            )
            return redirect(reverse("home"))
    context = {
        "form": form,
        "has_password": has_password,
        "export_url": reverse("me-export"),
        **_what_deleting_does(user),
    }
    return render(request, "bookings/account.html", context, status=status)
