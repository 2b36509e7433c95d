"""Shapes of booking requests and answers. Validation only: the rules live in services."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookings.codes import manage_token
from bookings.models import Booking, BookingLine
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


class BookingLineOutput(serializers.ModelSerializer):
    tier = serializers.IntegerField(source="tier_id")
    amount = serializers.IntegerField()

    class Meta:
        model = BookingLine
        fields = ["tier", "label", "quantity", "unit_price", "amount"]
        read_only_fields = fields


class BookingSessionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    class_title = serializers.CharField(source="batik_class.title")
    class_slug = serializers.CharField(source="batik_class.slug")
    workshop = serializers.CharField(source="batik_class.workshop.name")
    address = serializers.CharField(source="batik_class.workshop.address")


class BookingOutput(serializers.ModelSerializer):
    session = BookingSessionOutput()
    lines = BookingLineOutput(many=True)
    currency = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()
    cancellable_until = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = [
            "code",
            "status",
            "session",
            "lines",
            "seats",
            "total",
            "currency",
            "contact",
            "language",
            "held_at",
            "hold_expires_at",
            "confirmed_at",
            "cancelled_at",
            "expired_at",
            "cancellable_until",
            "links",
        ]
        read_only_fields = fields

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
        }


class GuestBookingOutput(BookingOutput):
    """The answer to a new booking; a guest's also carries the manage token (the only time it is shown)."""

    openapi_optional = ("manage_token",)
    manage_token = serializers.SerializerMethodField(help_text=_("Only when booking as a guest."))

    class Meta(BookingOutput.Meta):
        fields = [*BookingOutput.Meta.fields, "manage_token"]

    def get_manage_token(self, booking: Booking) -> str:
        return manage_token(booking.code, booking.manage_nonce)
