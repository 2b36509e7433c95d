"""A session page's forms: seats per price tier (or a party for the waitlist) and who is coming.

Shape only; services decide.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bookings.services.holds import Contact, LineRequest
from core.phones import normalise_phone
from workshops.models import PriceTier


class ContactForm(forms.Form):
    """Who is coming. Signed in, the account already says it and the fields only correct it."""

    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send the confirmation and the link to manage your booking here."),
    )
    phone = forms.CharField(
        label=_("WhatsApp number (optional)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, signed_in: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        if signed_in:
            self.fields["name"].required = False
            self.fields["email"].required = False

    def contact_fields(self) -> list[forms.BoundField]:
        return [self["name"], self["email"], self["phone"]]

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if not phone:
            return ""
        try:
            return normalise_phone(phone)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0]) from None

    def contact(self) -> Contact | None:
        data = self.cleaned_data
        if not data.get("name") or not data.get("email"):
            return None
        return Contact(name=data["name"], email=data["email"], phone=data.get("phone", ""))


class BookingForm(ContactForm):
    def __init__(self, *args, tiers: list[PriceTier], limit: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tiers = tiers
        for position, tier in enumerate(tiers):
            self.fields[self.tier_field(tier)] = forms.IntegerField(
                label=tier.label,
                min_value=0,
                max_value=limit,
                initial=1 if position == 0 else 0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    @staticmethod
    def tier_field(tier: PriceTier) -> str:
        return f"tier_{tier.pk}"

    def tier_rows(self) -> list[tuple[PriceTier, forms.BoundField]]:
        return [(tier, self[self.tier_field(tier)]) for tier in self.tiers]

    def line_requests(self) -> list[LineRequest]:
        return [
            LineRequest(tier_id=tier.pk, quantity=self.cleaned_data[self.tier_field(tier)])
            for tier in self.tiers
            if self.cleaned_data.get(self.tier_field(tier))
        ]


class WaitlistForm(ContactForm):
    """A party for a full session's waitlist: how many seats, and who to e-mail when they come free."""

    def __init__(self, *args, limit: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seats"] = forms.IntegerField(
            label=_("Seats wanted"),
            min_value=1,
            max_value=limit,
            initial=1,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )
        self.order_fields(["seats", "name", "email", "phone"])
        self.fields["email"].help_text = _("We e-mail you here as soon as seats come free for you.")
