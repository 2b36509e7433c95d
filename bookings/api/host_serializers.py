"""Shapes of the host API for sessions' bookings: rosters, check-in, cancel and reschedule."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings.api.payment_serializers import RosterPaymentOutput, roster_payment
from bookings.models import Booking, BookingStatus
from core.timezones import WIB
from workshops.models import ClassSession, WorkshopMembership


class SessionCancelInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=255, trim_whitespace=True, help_text=gettext_lazy("Told to every guest in the e-mail.")
    )


class SessionRescheduleInput(serializers.Serializer):
    starts_at = serializers.DateTimeField(
        required=False, help_text=gettext_lazy("Move the session itself to this start.")
    )
    target_session = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text=gettext_lazy("Or move every booking into this other session of the same class."),
    )

    def validate(self, attrs: dict) -> dict:
        if ("starts_at" in attrs) == ("target_session" in attrs):
            raise serializers.ValidationError(
                {"starts_at": [_("Give either `starts_at` or `target_session`, not both.")]},
                code="starts_at_or_target",
            )
        return attrs


class CheckInInput(serializers.Serializer):
    code = serializers.CharField(
        max_length=64,
        help_text=gettext_lazy("The booking code, typed (any case, with or without BTK-) or scanned."),
    )
    collected = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy("The guest paid at the door just now: mark the booking's payment paid."),
    )


class HostSessionOutput(serializers.ModelSerializer):
    class_title = serializers.CharField(source="batik_class.title")
    class_slug = serializers.CharField(source="batik_class.slug")
    workshop = serializers.CharField(source="batik_class.workshop.slug")

    class Meta:
        model = ClassSession
        fields = [
            "id",
            "class_title",
            "class_slug",
            "workshop",
            "starts_at",
            "ends_at",
            "capacity",
            "seats_taken",
            "status",
            "cancel_reason",
            "cancelled_at",
        ]


class RosterLineOutput(serializers.Serializer):
    tier = serializers.IntegerField(source="tier_id")
    label = serializers.CharField()
    quantity = serializers.IntegerField()


class RosterBookingOutput(serializers.ModelSerializer):
    name = serializers.CharField(source="guest_name")
    email = serializers.EmailField(source="contact_email")
    phone = serializers.CharField(source="contact_phone")
    lines = RosterLineOutput(many=True)
    checked_in = serializers.SerializerMethodField()
    checked_in_by = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = [
            "code",
            "name",
            "email",
            "phone",
            "language",
            "status",
            "seats",
            "lines",
            "total",
            "checked_in",
            "checked_in_at",
            "checked_in_by",
            "free_cancel_until_start",
            "payment",
        ]

    def get_checked_in(self, booking: Booking) -> bool:
        return booking.status == BookingStatus.ATTENDED

    def get_checked_in_by(self, booking: Booking) -> str | None:
        return booking.checked_in_by.display_name if booking.checked_in_by else None

    @extend_schema_field(RosterPaymentOutput(allow_null=True))
    def get_payment(self, booking: Booking) -> dict | None:
        payment = roster_payment(booking)
        return RosterPaymentOutput(payment).data if payment else None


class RosterTotalsOutput(serializers.Serializer):
    bookings = serializers.IntegerField(
        help_text=gettext_lazy("Held, confirmed, attended and no-show bookings.")
    )
    seats = serializers.IntegerField(help_text=gettext_lazy("Seats of those bookings."))
    checked_in_seats = serializers.IntegerField()
    to_collect = serializers.IntegerField(help_text=gettext_lazy("Rupiah still to collect at the door."))
    paid = serializers.IntegerField(help_text=gettext_lazy("Rupiah already paid (online, transfer or cash)."))
    refund_due = serializers.IntegerField(help_text=gettext_lazy("Rupiah the workshop still owes back."))


class RosterOutput(serializers.Serializer):
    session = HostSessionOutput()
    bookings = RosterBookingOutput(many=True)
    totals = RosterTotalsOutput()


class CheckInOutput(RosterBookingOutput):
    session = HostSessionOutput()

    class Meta(RosterBookingOutput.Meta):
        fields = [*RosterBookingOutput.Meta.fields, "session"]


class NoShowsOutput(serializers.Serializer):
    marked = serializers.IntegerField(help_text=gettext_lazy("Bookings this request marked as no-show."))
    codes = serializers.ListField(child=serializers.CharField())


class NotificationsInput(serializers.Serializer):
    workshop = serializers.SlugField(help_text=gettext_lazy("The workshop's slug."))
    notify_bookings = serializers.BooleanField()


class NotificationsOutput(serializers.ModelSerializer):
    workshop = serializers.CharField(source="workshop.slug")
    workshop_name = serializers.CharField(source="workshop.name")

    class Meta:
        model = WorkshopMembership
        fields = ["workshop", "workshop_name", "role", "notify_bookings"]


COUNTED = (BookingStatus.HELD, BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


def roster_data(session: ClassSession, bookings: list[Booking]) -> dict:
    counted = [booking for booking in bookings if booking.status in COUNTED]
    payments = [payment for payment in map(roster_payment, bookings) if payment]
    return {
        "session": session,
        "bookings": bookings,
        "totals": {
            "bookings": len(counted),
            "seats": sum(booking.seats for booking in counted),
            "checked_in_seats": sum(b.seats for b in bookings if b.status == BookingStatus.ATTENDED),
            "to_collect": sum(payment["to_collect"] for payment in payments),
            "paid": sum(payment["amount"] for payment in payments if payment["status"] == "paid"),
            "refund_due": sum(payment["refund_due"] for payment in payments),
        },
    }


def roster_csv_header() -> list[str]:
    """Column names in the language of the request."""
    return [
        _("Booking code"),
        _("Name"),
        _("E-mail"),
        _("Phone"),
        _("Status"),
        _("Seats"),
        _("Seats per price"),
        _("Total (Rp)"),
        _("Checked in at (WIB)"),
        _("Language"),
        _("Payment"),
        _("To collect (Rp)"),
    ]


def roster_csv_rows(bookings: list[Booking]) -> list[list]:
    return [
        [
            booking.code,
            booking.guest_name,
            booking.contact_email,
            booking.contact_phone,
            BookingStatus(booking.status).label,
            booking.seats,
            "; ".join(f"{line.quantity} × {line.label}" for line in booking.lines.all()),
            booking.total,
            booking.checked_in_at.astimezone(WIB).strftime("%H:%M") if booking.checked_in_at else "",
            booking.language,
            f"{payment['method_label']}: {payment['status_label']}" if payment else "",
            payment["to_collect"] if payment else 0,
        ]
        for booking, payment in ((booking, roster_payment(booking)) for booking in bookings)
    ]
