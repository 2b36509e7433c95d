"""Shapes of booking requests and answers. Validation only: the rules live in services."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookings.api.payment_serializers import PaymentOutput
from bookings.codes import manage_token
from bookings.models import Booking, BookingStatus
from bookings.services.holds import Contact, LineRequest
from core.phones import normalise_phone


class LineInput(serializers.Serializer):
    tier = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=500)


class ContactInput(serializers.Serializer):
    name = serializers.CharField(max_length=120, trim_whitespace=True)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")

    def validate_phone(self, value: str) -> str:
        if not value:
            return ""
        try:
            return normalise_phone(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages[0], code="invalid_phone") from None


class BookingCreateInput(serializers.Serializer):
    """A hold: `seats` (at the first price) or `lines` (seats per price tier), never both.

    Signed in, the contact is the account's; a guest must give `contact`.
    """

    openapi_extra = {"oneOf": [{"required": ["lines"]}, {"required": ["seats"]}]}
    session = serializers.IntegerField(min_value=1)
    lines = LineInput(many=True, required=False, allow_empty=False)
    seats = serializers.IntegerField(min_value=1, max_value=500, required=False)
    contact = ContactInput(required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)

    def to_internal_value(self, data):
        # Every booking request comes through here. A request that is plainly
        # well-formed is read directly; anything else (a wrong type, a value out of
        # range, a bad e-mail) goes through the fields above, which give the errors.
        # tests/bookings/test_booking_input.py holds the two readings equal.
        return _well_formed_booking(data) or super().to_internal_value(data)

    def run_validators(self, value):
        # This serializer has no validators of its own; DRF would still build every
        # field to look for read-only defaults (there are none) before finding that out.
        if self.validators:
            super().run_validators(value)

    def validate(self, attrs: dict) -> dict:
        if ("lines" in attrs) == ("seats" in attrs):
            raise serializers.ValidationError(
                {"lines": [_("Give either `lines` (seats per price tier) or `seats`, not both.")]},
                code="lines_or_seats",
            )
        user = self.context["request"].user
        if not user.is_authenticated and "contact" not in attrs:
            raise serializers.ValidationError(
                {"contact": [_("Tell us your name and e-mail so we can send the confirmation.")]},
                code="required",
            )
        return attrs

    def line_requests(self) -> list[LineRequest]:
        data = self.validated_data
        if "seats" in data:
            return [LineRequest(tier_id=None, quantity=data["seats"])]
        return [LineRequest(tier_id=line["tier"], quantity=line["quantity"]) for line in data["lines"]]

    def contact_value(self) -> Contact | None:
        contact = self.validated_data.get("contact")
        return Contact(**contact) if contact else None

    def language_value(self) -> str:
        return self.validated_data.get("language") or get_language() or settings.LANGUAGE_CODE


_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)
_SURROGATES = re.compile("[\ud800-\udfff\x00]")
_email_validator = EmailValidator()


def _whole(value, low: int, high: int | None = None) -> int | None:
    if type(value) is int and value >= low and (high is None or value <= high):
        return value
    return None


def _text(value, limit: int, *, blank: bool = False) -> str | None:
    if type(value) is not str:
        return None
    value = value.strip()
    if (not value and not blank) or len(value) > limit or _SURROGATES.search(value):
        return None
    return value


def _well_formed_contact(contact) -> dict | None:
    if type(contact) is not dict:
        return None
    name = _text(contact.get("name"), 120)
    email = _text(contact.get("email"), 254)
    phone = _text(contact.get("phone", ""), 32, blank=True)
    if name is None or email is None or phone is None:
        return None
    try:
        _email_validator(email)
        phone = normalise_phone(phone) if phone else ""
    except DjangoValidationError:
        return None
    return {"name": name, "email": email, "phone": phone}


def _well_formed_booking(data) -> dict | None:
    """What the fields would make of `data`, if it is plainly valid; None to let them decide."""
    if type(data) is not dict:
        return None
    result = {}
    if (session := _whole(data.get("session"), 1)) is None:
        return None
    result["session"] = session
    if "lines" in data:
        lines = data["lines"]
        if type(lines) is not list or not lines:
            return None
        result["lines"] = []
        for line in lines:
            if type(line) is not dict:
                return None
            tier, quantity = _whole(line.get("tier"), 1), _whole(line.get("quantity"), 1, 500)
            if tier is None or quantity is None:
                return None
            result["lines"].append({"tier": tier, "quantity": quantity})
    if "seats" in data:
        if (seats := _whole(data["seats"], 1, 500)) is None:
            return None
        result["seats"] = seats
    if "contact" in data:
        if (contact := _well_formed_contact(data["contact"])) is None:
            return None
        result["contact"] = contact
    if "language" in data:
        if type(data["language"]) is not str or data["language"] not in _LANGUAGES:
            return None
        result["language"] = data["language"]
    return result


# The answers are plain Serializers with every field spelled out: a ModelSerializer
# rebuilds its fields from the model on each use, which profiling showed to be most
# of a booking answer's cost.


class BookingLineOutput(serializers.Serializer):
    tier = serializers.IntegerField(source="tier_id")
    label = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField(help_text=_("Whole rupiah, as it was when booked."))
    amount = serializers.IntegerField()


class BookingSessionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    class_title = serializers.CharField(source="batik_class.title")
    class_slug = serializers.CharField(source="batik_class.slug")
    workshop = serializers.CharField(source="batik_class.workshop.name")
    address = serializers.CharField(source="batik_class.workshop.address")


# One shared, unbound field: it only formats (in the active time zone, as DRF would).
_DATETIME = serializers.DateTimeField()


def _when(moment) -> str | None:
    return None if moment is None else _DATETIME.to_representation(moment)


def _payments(booking: Booking) -> list:
    payments = list(booking.payments.all())  # a new hold has none (prefetched empty)
    return PaymentOutput(payments, many=True).data if payments else []


class BookingOutput(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=BookingStatus.choices)
    session = BookingSessionOutput()
    lines = BookingLineOutput(many=True)
    seats = serializers.IntegerField()
    total = serializers.IntegerField(help_text=_("Whole rupiah."))
    currency = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()
    language = serializers.CharField()
    held_at = serializers.DateTimeField()
    hold_expires_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    expired_at = serializers.DateTimeField(allow_null=True)
    cancellable_until = serializers.SerializerMethodField()
    payment_methods = serializers.ListField(
        child=serializers.CharField(),
        source="session.batik_class.accepted_payment_methods",
        read_only=True,
        help_text=_("How this booking may be paid (POST one to `links.pay` while it is held)."),
    )
    payments = PaymentOutput(many=True, read_only=True)
    links = serializers.SerializerMethodField()

    def get_currency(self, booking: Booking) -> str:
        return "IDR"

    def get_contact(self, booking: Booking) -> dict:
        return {"name": booking.contact_name, "email": booking.contact_email, "phone": booking.contact_phone}

    def get_cancellable_until(self, booking: Booking) -> str | None:
        from bookings.services.holds import booking_free_cancel_deadline

        return serializers.DateTimeField().to_representation(booking_free_cancel_deadline(booking))

    def get_links(self, booking: Booking) -> dict:
        return {
            "self": reverse("booking-detail", args=[booking.code]),
            "calendar": reverse("booking-calendar", args=[booking.code]),
            "qr": reverse("booking-qr", args=[booking.code]),
            "pay": reverse("booking-pay", args=[booking.code]),
        }

    def to_representation(self, booking: Booking) -> dict:
        # The answer DRF would build from the fields above, written out: building those
        # fields anew for every answer was most of a booking's serialisation time.
        # tests/bookings/test_booking_answer.py holds the two equal.
        from bookings.services.holds import booking_free_cancel_deadline

        session = booking.session
        batik_class = session.batik_class
        workshop = batik_class.workshop
        return {
            "code": booking.code,
            "status": str(booking.status),
            "session": {
                "id": session.pk,
                "starts_at": _when(session.starts_at),
                "ends_at": _when(session.ends_at),
                "class_title": batik_class.title,
                "class_slug": batik_class.slug,
                "workshop": workshop.name,
                "address": workshop.address,
            },
            "lines": [
                {
                    "tier": line.tier_id,
                    "label": line.label,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "amount": line.amount,
                }
                for line in booking.lines.all()
            ],
            "seats": booking.seats,
            "total": booking.total,
            "currency": self.get_currency(booking),
            "contact": self.get_contact(booking),
            "language": booking.language,
            "held_at": _when(booking.held_at),
            "hold_expires_at": _when(booking.hold_expires_at),
            "confirmed_at": _when(booking.confirmed_at),
            "cancelled_at": _when(booking.cancelled_at),
            "expired_at": _when(booking.expired_at),
            "cancellable_until": _when(booking_free_cancel_deadline(booking)),
            "payment_methods": batik_class.accepted_payment_methods,
            "payments": _payments(booking),
            "links": self.get_links(booking),
        }


class GuestBookingOutput(BookingOutput):
    """The answer to a new booking; a guest's also carries the manage token (the only time it is shown)."""

    openapi_optional = ("manage_token",)
    manage_token = serializers.SerializerMethodField(help_text=_("Only when booking as a guest."))

    def get_manage_token(self, booking: Booking) -> str:
        return manage_token(booking.code, booking.manage_nonce)

    def to_representation(self, booking: Booking) -> dict:
        return {**super().to_representation(booking), "manage_token": self.get_manage_token(booking)}
