"""Shapes of payments in the API: what a tourist chose and paid, and what a host records."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookings.payments.display import current_payment
from bookings.payments.models import Payment, PaymentMethod, PaymentStatus


class PaymentOutput(serializers.ModelSerializer):
    method_label = serializers.CharField(source="get_method_display")
    status_label = serializers.CharField(source="get_status_display")
    currency = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "order_id",
            "method",
            "method_label",
            "status",
            "status_label",
            "amount",
            "currency",
            "checkout_url",
            "instructions",
            "expires_at",
            "created_at",
            "paid_at",
            "refund_due",
            "refunded_amount",
            "refunded_at",
        ]

    def get_currency(self, payment: Payment) -> str:
        return "IDR"


class PayInput(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=PaymentMethod.choices,
        help_text=_("One of the booking's `payment_methods` (the class's accepted methods)."),
    )


class HostPaymentNoteInput(serializers.Serializer):
    note = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", help_text=_("Kept with the payment.")
    )


class HostPaymentRejectInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=255, trim_whitespace=True, help_text=_("Told to the guest in the e-mail.")
    )


class RosterPaymentOutput(serializers.Serializer):
    """The booking's payment as the host needs it at the door."""

    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    method_label = serializers.CharField()
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    status_label = serializers.CharField()
    amount = serializers.IntegerField()
    to_collect = serializers.IntegerField(help_text=_("Rupiah still to collect from this guest at the door."))
    refund_due = serializers.IntegerField(help_text=_("Rupiah the workshop still owes back to this guest."))


COLLECTING_BOOKING_STATUSES = ("held", "confirmed", "attended")


def roster_payment(booking) -> dict | None:
    payment = current_payment(booking)
    if payment is None:
        return None
    collecting = payment.status == PaymentStatus.AWAITING_COLLECTION and (
        booking.status in COLLECTING_BOOKING_STATUSES
    )
    return {
        "method": payment.method,
        "method_label": payment.get_method_display(),
        "status": payment.status,
        "status_label": payment.get_status_display(),
        "amount": payment.amount,
        "to_collect": payment.amount if collecting else 0,
        "refund_due": payment.refund_due if payment.status == PaymentStatus.REFUND_PENDING else 0,
    }
