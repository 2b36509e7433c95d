"""A Payment per attempt to pay for a booking, and every notification a gateway sent about one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workshops.models import PaymentMethod

__all__ = ["MANUAL_METHODS", "Payment", "PaymentMethod", "PaymentNotification", "PaymentStatus"]

# Methods a person settles by hand (cash, a transfer checked in the bank app): refunds too.
MANUAL_METHODS = (PaymentMethod.AT_WORKSHOP, PaymentMethod.BANK_TRANSFER)


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    AWAITING_COLLECTION = "awaiting_collection", _("To pay at the workshop")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")
    REJECTED = "rejected", _("Transfer rejected")
    CANCELLED = "cancelled", _("Cancelled (nothing to pay)")
    REFUND_PENDING = "refund_pending", _("Refund due")
    REFUNDED = "refunded", _("Refunded")


# A payment in one of these states still stands for the booking (to pay, paid, or owed back).
LIVE_STATUSES = (PaymentStatus.PENDING, PaymentStatus.AWAITING_COLLECTION, PaymentStatus.PAID)
# Money was received: these are final for a success notification (a repeat changes nothing).
MONEY_RECEIVED_STATUSES = (PaymentStatus.PAID, PaymentStatus.REFUND_PENDING, PaymentStatus.REFUNDED)


class Payment(models.Model):
    """One attempt to pay for a booking by one method, for the booking's total in whole rupiah."""

    booking = models.ForeignKey("bookings.Booking", on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    amount = models.PositiveIntegerField(_("amount (whole rupiah)"))
    status = models.CharField(
        _("status"), max_length=24, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    # The gateway's order_id / external_id: `<booking code>-<n>`.
    order_id = models.CharField(_("order id"), max_length=40, unique=True)
    provider_reference = models.CharField(_("provider reference"), max_length=200, blank=True)
    checkout_url = models.URLField(_("checkout address"), max_length=500, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # What is owed back while REFUND_PENDING; refunded_amount is what actually went back.
    refund_due = models.PositiveIntegerField(_("refund due (whole rupiah)"), default=0)
    refund_reason = models.CharField(_("refund reason"), max_length=32, blank=True)
    refunded_amount = models.PositiveIntegerField(_("refunded (whole rupiah)"), default=0)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    refund_reference = models.CharField(_("refund reference"), max_length=200, blank=True)
    refund_attempts = models.PositiveSmallIntegerField(default=0)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["booking", "status"], name="payment_booking_status_idx"),
            # The refund sweep: gateway refunds still owed.
            models.Index(
                fields=["created_at"], condition=Q(status="refund_pending"), name="payment_refund_due_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("amount")), name="payment_refund_not_above_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} · {self.method} · {self.status}"

    @property
    def is_manual(self) -> bool:
        return self.method in MANUAL_METHODS


class PaymentNotification(models.Model):
    """A notification or callback a gateway sent, kept whatever it said (even forged or unknown)."""

    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    order_id = models.CharField(_("order id"), max_length=200, blank=True)
    raw = models.JSONField(_("raw body"))
    received_at = models.DateTimeField(_("received at"))
    verified = models.BooleanField(_("verified"), default=False)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["order_id"], name="payment_notification_order_idx")]

    def __str__(self) -> str:
        return f"{self.method} · {self.order_id} · {self.outcome}"
