"""A session page's booking form: seats per price tier and who is coming. Shape only; services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bookings.services.holds import Contact, LineRequest
from core.phones import normalise_phone
from workshops.models import PriceTier


class BookingForm(forms.Form):
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

    def __init__(self, *args, tiers: list[PriceTier], limit: int, signed_in: bool, **kwargs) -> None:
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
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        if signed_in:
            # The account already says who is coming; the fields only correct it.
            self.fields["name"].required = False
            self.fields["email"].required = False

    @staticmethod
    def tier_field(tier: PriceTier) -> str:
        return f"tier_{tier.pk}"

    def tier_rows(self) -> list[tuple[PriceTier, forms.BoundField]]:
        return [(tier, self[self.tier_field(tier)]) for tier in self.tiers]

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if not phone:
            return ""
        try:
            return normalise_phone(phone)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0]) from None

    def line_requests(self) -> list[LineRequest]:
        return [
            LineRequest(tier_id=tier.pk, quantity=self.cleaned_data[self.tier_field(tier)])
            for tier in self.tiers
            if self.cleaned_data.get(self.tier_field(tier))
        ]

    def contact(self) -> Contact | None:
        data = self.cleaned_data
        if not data.get("name") or not data.get("email"):
            return None
        return Contact(name=data["name"], email=data["email"], phone=data.get("phone", ""))
