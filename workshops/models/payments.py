"""Which payment methods a workshop (or one of its classes) accepts, and where a transfer goes.

The methods are named here, in the lower app, so a workshop can store its choice;
the payments themselves belong to bookings (bookings.payments).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    AT_WORKSHOP = "at_workshop", _("Pay at the workshop")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    MIDTRANS = "midtrans", _("QRIS, virtual account or e-wallet (Midtrans)")
    XENDIT = "xendit", _("QRIS, virtual account or e-wallet (Xendit)")


DEFAULT_PAYMENT_METHODS = [PaymentMethod.AT_WORKSHOP.value]


def default_payment_methods() -> list[str]:
    return list(DEFAULT_PAYMENT_METHODS)


def validate_payment_methods(value) -> None:
    if value is None:
        return
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one payment method."))
    unknown = [method for method in value if method not in PaymentMethod.values]
    if unknown:
        raise ValidationError(
            _("Unknown payment method(s): %(methods)s"), params={"methods": ", ".join(map(str, unknown))}
        )


def payment_methods_field(*, null: bool = False) -> models.JSONField:
    """A list of PaymentMethod values; JSON keeps it portable between PostgreSQL and SQLite."""
    if null:
        return models.JSONField(
            _("payment methods"),
            null=True,
            blank=True,
            validators=[validate_payment_methods],
            help_text=format_lazy(
                _("Empty: the workshop's methods. Otherwise a list of: {}"), ", ".join(PaymentMethod.values)
            ),
        )
    return models.JSONField(
        _("payment methods"),
        default=default_payment_methods,
        validators=[validate_payment_methods],
        help_text=format_lazy(_("A list of: {}"), ", ".join(PaymentMethod.values)),
    )
